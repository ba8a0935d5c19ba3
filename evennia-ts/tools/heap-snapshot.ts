/**
 * A reader for V8 heap snapshots (`.heapsnapshot`, as written by `v8.writeHeapSnapshot()`
 * and Chrome DevTools).
 *
 * The format is one JSON object: `snapshot.meta` names the fields, `nodes` and `edges`
 * are flat arrays of integers (`meta.node_fields.length` numbers a node, `edge_fields.length`
 * an edge; a node's edges follow each other in node order), and `strings` holds every
 * name. Snapshots of a game server run to hundreds of MiB, more than `JSON.parse`
 * accepts in one string, so the file is read in chunks by a small streaming scanner:
 * the integers go straight into typed arrays and only the strings become JS strings.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { EvenniaError } from "../utils/errors.ts";

/** `snapshot.meta` of a heap snapshot (the fields this reader uses). */
export interface HeapSnapshotMeta {
  node_fields: string[];
  /** `node_types[0]` lists the node type names. */
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  /** `edge_types[0]` lists the edge type names. */
  edge_types: [string[], ...unknown[]];
}

/** The `snapshot` header of a heap snapshot. */
interface SnapshotHeader {
  meta: HeapSnapshotMeta;
  node_count: number;
  edge_count: number;
}

function bad(message: string): EvenniaError {
  return new EvenniaError("EV_ERR_BAD_INPUT", `not a readable heap snapshot: ${message}`);
}

/** A parsed heap snapshot: nodes and edges by ordinal (0-based), with their names. */
export class HeapSnapshot {
  /** Number of nodes. */
  readonly nodeCount: number;
  /** Number of edges. */
  readonly edgeCount: number;
  /** Names of node types (`"object"`, `"closure"`, `"synthetic"` ...), by type index. */
  readonly nodeTypes: readonly string[];
  /** Names of edge types (`"property"`, `"element"`, `"weak"` ...), by type index. */
  readonly edgeTypes: readonly string[];
  /** `firstEdge[n]` .. `firstEdge[n + 1]` are the ordinals of node `n`'s outgoing edges. */
  readonly firstEdge: Uint32Array;
  readonly #nodes: Uint32Array;
  readonly #edges: Uint32Array;
  readonly #strings: string[];
  readonly #nf: number;
  readonly #ef: number;
  readonly #nType: number;
  readonly #nName: number;
  readonly #nId: number;
  readonly #nSize: number;
  readonly #eType: number;
  readonly #eName: number;
  readonly #eTo: number;
  /** Edge types whose `name_or_index` is an index, not a string. */
  readonly #indexEdgeTypes: Set<number>;

  /** @internal built by {@link parseHeapSnapshot} */
  constructor(meta: HeapSnapshotMeta, nodes: Uint32Array, edges: Uint32Array, strings: string[]) {
    const field = (fields: string[], name: string): number => {
      const i = fields.indexOf(name);
      if (i < 0) throw bad(`meta lacks the field "${name}"`);
      return i;
    };
    this.#nf = meta.node_fields.length;
    this.#ef = meta.edge_fields.length;
    this.#nType = field(meta.node_fields, "type");
    this.#nName = field(meta.node_fields, "name");
    this.#nId = field(meta.node_fields, "id");
    this.#nSize = field(meta.node_fields, "self_size");
    const nEdgeCount = field(meta.node_fields, "edge_count");
    this.#eType = field(meta.edge_fields, "type");
    this.#eName = field(meta.edge_fields, "name_or_index");
    this.#eTo = field(meta.edge_fields, "to_node");
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.#indexEdgeTypes = new Set(["element", "hidden"].map((t) => this.edgeTypes.indexOf(t)).filter((i) => i >= 0));
    this.#nodes = nodes;
    this.#edges = edges;
    this.#strings = strings;
    this.nodeCount = nodes.length / this.#nf;
    this.edgeCount = edges.length / this.#ef;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let e = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = e;
      e += nodes[n * this.#nf + nEdgeCount]!;
    }
    this.firstEdge[this.nodeCount] = e;
    if (e !== this.edgeCount) throw bad(`nodes claim ${e} edges, the edges array holds ${this.edgeCount}`);
    for (let i = this.#eTo; i < edges.length; i += this.#ef) {
      const to = edges[i]!;
      if (to % this.#nf !== 0 || to / this.#nf >= this.nodeCount) throw bad(`edge ${(i - this.#eTo) / this.#ef} points at no node`);
    }
    const maxString = strings.length;
    for (let n = 0; n < this.nodeCount; n++) {
      if (nodes[n * this.#nf + this.#nName]! >= maxString) throw bad(`node ${n} names a string that does not exist`);
    }
  }

  /** Type name of node `n` (`"object"`, `"string"`, `"synthetic"` ...). */
  nodeType(n: number): string {
    return this.nodeTypes[this.#nodes[n * this.#nf + this.#nType]!] ?? "unknown";
  }

  /** Name of node `n`: the class name of an object, the text of a string, a function's name ... */
  nodeName(n: number): string {
    return this.#strings[this.#nodes[n * this.#nf + this.#nName]!]!;
  }

  /** The snapshot's stable id of node `n` (what DevTools shows as `@123`). */
  nodeId(n: number): number {
    return this.#nodes[n * this.#nf + this.#nId]!;
  }

  /** Bytes node `n` itself takes. */
  selfSize(n: number): number {
    return this.#nodes[n * this.#nf + this.#nSize]!;
  }

  /** Type name of edge `e`. */
  edgeType(e: number): string {
    return this.edgeTypes[this.#edges[e * this.#ef + this.#eType]!] ?? "unknown";
  }

  /** Index of edge `e`'s type in {@link HeapSnapshot.edgeTypes}. */
  edgeTypeIndex(e: number): number {
    return this.#edges[e * this.#ef + this.#eType]!;
  }

  /** True when edge `e` is weak (it does not keep its target alive). */
  isWeakEdge(e: number): boolean {
    return this.edgeType(e) === "weak";
  }

  /** Name of edge `e`: a property or variable name, or an index (as a string) for elements. */
  edgeName(e: number): string {
    const type = this.#edges[e * this.#ef + this.#eType]!;
    const value = this.#edges[e * this.#ef + this.#eName]!;
    return this.#indexEdgeTypes.has(type) ? String(value) : (this.#strings[value] ?? String(value));
  }

  /** The node edge `e` points at. */
  edgeTarget(e: number): number {
    return this.#edges[e * this.#ef + this.#eTo]! / this.#nf;
  }

  /** The first outgoing edge of `n` of type `type` named `name`, or -1. */
  findEdge(n: number, type: string, name: string): number {
    for (let e = this.firstEdge[n]!; e < this.firstEdge[n + 1]!; e++) {
      if (this.edgeType(e) === type && this.edgeName(e) === name) return e;
    }
    return -1;
  }
}

/** Why the scanner is where it is. */
const enum Phase {
  Header,
  SeekKey,
  ExpectArray,
  Numbers,
  Strings,
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x5b;
const CLOSE = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The streaming scanner: feed it chunks with {@link SnapshotScanner.push}, then call
 * {@link SnapshotScanner.finish}. It understands the layout V8 writes (header object,
 * then `"nodes"`, `"edges"`, ..., `"strings"` in that order), not arbitrary JSON.
 */
class SnapshotScanner {
  #phase = Phase.Header;
  #header: Buffer[] = [];
  /** The key being searched for and how much of it matched. */
  #key = Buffer.from('"nodes"');
  #matched = 0;
  /** What the array after the key holds. */
  #target: "nodes" | "edges" | "strings" = "nodes";
  meta!: SnapshotHeader;
  nodes!: Uint32Array;
  edges!: Uint32Array;
  readonly strings: string[] = [];
  #out!: Uint32Array;
  #count = 0;
  #value = 0;
  #inNumber = false;
  #inString = false;
  #escapeNext = false;
  #hadEscape = false;
  #pieces: Buffer[] = [];

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && this.#phase !== Phase.Done) {
      switch (this.#phase) {
        case Phase.Header:
        case Phase.SeekKey:
          i = this.#seek(chunk, i);
          break;
        case Phase.ExpectArray: {
          const c = chunk[i++]!;
          if (c === OPEN) this.#phase = this.#target === "strings" ? Phase.Strings : Phase.Numbers;
          else if (c !== COLON && !isSpace(c)) throw bad(`expected an array after "${this.#target}"`);
          break;
        }
        case Phase.Numbers:
          i = this.#numbers(chunk, i);
          break;
        case Phase.Strings:
          i = this.#stringsIn(chunk, i);
          break;
      }
    }
  }

  finish(): { meta: HeapSnapshotMeta; nodes: Uint32Array; edges: Uint32Array; strings: string[] } {
    if (this.#phase !== Phase.Done) throw bad(`the file ends inside ${this.#phase === Phase.Header ? "the header" : `"${this.#target}"`}`);
    return { meta: this.meta.meta, nodes: this.nodes, edges: this.edges, strings: this.strings };
  }

  /** Look for the current key; in the header phase keep every byte before it. */
  #seek(chunk: Buffer, start: number): number {
    const key = this.#key;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === key[this.#matched]) this.#matched++;
      else this.#matched = c === key[0] ? 1 : 0;
      if (this.#matched === key.length) {
        if (this.#phase === Phase.Header) {
          this.#header.push(chunk.subarray(start, i + 1));
          this.#startArrays(Buffer.concat(this.#header));
          this.#header = [];
        }
        this.#matched = 0;
        this.#phase = Phase.ExpectArray;
        return i + 1;
      }
    }
    if (this.#phase === Phase.Header) {
      this.#header.push(Buffer.from(chunk.subarray(start)));
      if (this.#header.reduce((n, b) => n + b.length, 0) > 16 * 1024 * 1024) throw bad('no "nodes" array in the first 16 MiB');
    }
    return chunk.length;
  }

  /** Parse the header (everything before `"nodes"`) and size the arrays. */
  #startArrays(headerBytes: Buffer): void {
    const text = headerBytes.subarray(0, headerBytes.length - this.#key.length).toString("utf8").replace(/[\s,]*$/, "") + "}";
    let parsed: { snapshot?: SnapshotHeader };
    try {
      parsed = JSON.parse(text) as { snapshot?: SnapshotHeader };
    } catch (err) {
      throw bad(`its header is not JSON (${(err as Error).message})`);
    }
    const head = parsed.snapshot;
    if (!head?.meta?.node_fields || !head.meta.edge_fields || !Number.isInteger(head.node_count) || !Number.isInteger(head.edge_count)) {
      throw bad("its header lacks snapshot.meta, node_count or edge_count");
    }
    this.meta = head;
    this.nodes = new Uint32Array(head.node_count * head.meta.node_fields.length);
    this.edges = new Uint32Array(head.edge_count * head.meta.edge_fields.length);
    this.#beginNumbers(this.nodes);
  }

  #beginNumbers(out: Uint32Array): void {
    this.#out = out;
    this.#count = 0;
    this.#value = 0;
    this.#inNumber = false;
  }

  #numbers(chunk: Buffer, start: number): number {
    const out = this.#out;
    let value = this.#value;
    let inNumber = this.#inNumber;
    let count = this.#count;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (count >= out.length) throw bad(`"${this.#target}" holds more numbers than the header announces`);
        if (value > 0xffffffff) throw bad(`"${this.#target}" holds ${value}, beyond 32 bits`);
        out[count++] = value;
        value = 0;
        inNumber = false;
      }
      if (c === CLOSE) {
        if (count !== out.length) throw bad(`"${this.#target}" holds ${count} numbers, the header announces ${out.length}`);
        this.#count = count;
        this.#afterArray();
        return i + 1;
      }
      if (c !== COMMA && !isSpace(c)) throw bad(`unexpected "${String.fromCharCode(c)}" in "${this.#target}"`);
    }
    this.#value = value;
    this.#inNumber = inNumber;
    this.#count = count;
    return chunk.length;
  }

  #afterArray(): void {
    if (this.#target === "nodes") {
      this.#target = "edges";
      this.#key = Buffer.from('"edges"');
      this.#beginNumbers(this.edges);
    } else {
      this.#target = "strings";
      this.#key = Buffer.from('"strings"');
    }
    this.#phase = Phase.SeekKey;
  }

  #stringsIn(chunk: Buffer, start: number): number {
    let i = start;
    while (i < chunk.length) {
      if (!this.#inString) {
        const c = chunk[i++]!;
        if (c === QUOTE) {
          this.#inString = true;
          this.#hadEscape = false;
          this.#pieces = [];
          continue;
        }
        if (c === CLOSE) {
          this.#phase = Phase.Done;
          return i;
        }
        if (c !== COMMA && !isSpace(c)) throw bad(`unexpected "${String.fromCharCode(c)}" in "strings"`);
        continue;
      }
      const begin = i;
      let end = -1;
      for (; i < chunk.length; i++) {
        if (this.#escapeNext) {
          this.#escapeNext = false;
          continue;
        }
        const c = chunk[i]!;
        if (c === BACKSLASH) {
          this.#escapeNext = true;
          this.#hadEscape = true;
        } else if (c === QUOTE) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        this.#pieces.push(Buffer.from(chunk.subarray(begin)));
        return chunk.length;
      }
      const last = chunk.subarray(begin, end);
      const bytes = this.#pieces.length === 0 ? last : Buffer.concat([...this.#pieces, last]);
      this.#pieces = [];
      this.#inString = false;
      i = end + 1;
      this.strings.push(this.#hadEscape ? this.#unescape(bytes) : bytes.toString("utf8"));
    }
    return i;
  }

  #unescape(bytes: Buffer): string {
    try {
      return JSON.parse(`"${bytes.toString("utf8")}"`) as string;
    } catch {
      throw bad(`string ${this.strings.length} is not valid JSON`);
    }
  }
}

/** Parse a heap snapshot held in memory (a Buffer or the JSON text). */
export function parseHeapSnapshot(data: Buffer | string): HeapSnapshot {
  const scanner = new SnapshotScanner();
  scanner.push(typeof data === "string" ? Buffer.from(data) : data);
  const { meta, nodes, edges, strings } = scanner.finish();
  return new HeapSnapshot(meta, nodes, edges, strings);
}

/** Read and parse a `.heapsnapshot` file, a few MiB at a time. */
export function readHeapSnapshot(file: string, chunkBytes = 8 * 1024 * 1024): HeapSnapshot {
  const scanner = new SnapshotScanner();
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      scanner.push(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  const { meta, nodes, edges, strings } = scanner.finish();
  return new HeapSnapshot(meta, nodes, edges, strings);
}
