/**
 * The retainer report: "what keeps object #123 alive?" — the job Evennia's users do
 * with objgraph, done on a heap snapshot of the server in a separate process (a
 * snapshot of a big game runs to hundreds of MiB; reading it must not load the server).
 *
 *   node --import tsx evennia-ts/tools/retainers.ts <file.heapsnapshot> --object 123
 *   node --import tsx evennia-ts/tools/retainers.ts <file.heapsnapshot> --typeclass typeclasses.characters.Character
 *
 * It finds the typeclassed instances asked for and prints, for each, the shortest
 * reference paths from the GC roots to it (weak references do not count: the identity
 * map's WeakRefs never keep anything alive, its pins and LRU do). An object nothing
 * strong reaches has no path; one that was collected is not in the snapshot at all.
 * `evennia-ts heapdump --retainers <#id|typeclass>` writes a snapshot and runs this.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { EvenniaError, describeError } from "../utils/errors.ts";
import { readHeapSnapshot, type HeapSnapshot } from "./heap-snapshot.ts";
import { RetainerGraph } from "./retainer-paths.ts";
import { asTypeclassed, findTypeclassedNodes, matchesQuery, type SnapshotRowKind, type TypeclassedNode, type TypeclassedQuery } from "./typeclassed-nodes.ts";

/** Options of {@link retainerReport}. */
export interface RetainerReportOptions extends TypeclassedQuery {
  /** Paths shown per instance (default 3). */
  maxPaths?: number;
  /** Instances reported in detail (default 5; the rest are only counted). */
  maxInstances?: number;
}

/** One step of a rendered path: the reference followed (`via`, null for the root) and where it leads. */
export interface RetainerStep {
  via: string | null;
  node: string;
}

/** What the report says about one instance. */
export interface InstanceRetainers {
  /** `DefaultCharacter #123 "Anna" @4567`. */
  label: string;
  className: string;
  rowId: number | null;
  kind: SnapshotRowKind;
  typeclassPath: string | null;
  key: string | null;
  /** The snapshot's node id (`@4567` in DevTools). */
  nodeId: number;
  selfSize: number;
  /** False when only weak references (or none) reach it: it is garbage, waiting to be collected. */
  reachable: boolean;
  /** References on the shortest path from the root (0 when unreachable). */
  distance: number;
  /** Distinct objects holding a strong reference to it. */
  retainerCount: number;
  /** The shortest paths from the root, through different retainers, shortest first. */
  paths: RetainerStep[][];
}

/** The whole report. */
export interface RetainerReport {
  snapshot: string;
  nodeCount: number;
  edgeCount: number;
  /** Milliseconds spent reading the file and analysing it. */
  readMs: number;
  analyseMs: number;
  /** Typeclassed instances in the snapshot, of any kind. */
  typeclassedCount: number;
  /** False when the snapshot holds no numeric values (objects cannot be found by id). */
  numericValues: boolean;
  /** What was asked for, as text (`object #123`, `typeclass Character`). */
  query: string;
  /** How many instances matched (at most `maxInstances` of them are in `instances`). */
  matched: number;
  instances: InstanceRetainers[];
}

function describeQuery(q: TypeclassedQuery): string {
  const parts: string[] = [];
  if (q.id !== undefined) parts.push(`${q.kind ?? "row"} #${q.id}`);
  else if (q.kind !== undefined) parts.push(`every ${q.kind}`);
  if (q.typeclass !== undefined) parts.push(`typeclass ${q.typeclass}`);
  return parts.join(", ") || "every typeclassed object";
}

/** Read `file` and report what keeps the instances `options` asks for alive. */
export function retainerReport(file: string, options: RetainerReportOptions): RetainerReport {
  const started = performance.now();
  const snap = readHeapSnapshot(file);
  const readMs = performance.now() - started;
  return { ...analyseRetainers(snap, options), snapshot: path.resolve(file), readMs };
}

/** Report on a snapshot already read (see {@link retainerReport}). */
export function analyseRetainers(snap: HeapSnapshot, options: RetainerReportOptions): Omit<RetainerReport, "snapshot" | "readMs"> {
  const started = performance.now();
  const maxPaths = options.maxPaths ?? 3;
  const maxInstances = options.maxInstances ?? 5;
  const all = findTypeclassedNodes(snap);
  const numericValues = all.length === 0 || all.some((t) => t.rowId !== null);
  if (options.id !== undefined && !numericValues) {
    throw new EvenniaError(
      "EV_ERR_BAD_INPUT",
      "this snapshot holds no numeric values, so objects cannot be found by id: write it with `evennia-ts heapdump` " +
        "(or v8.writeHeapSnapshot(file, { exposeNumericValues: true })), or ask by --typeclass",
    );
  }
  const matches = all.filter((t) => matchesQuery(t, options));
  const graph = matches.length > 0 ? new RetainerGraph(snap) : null;
  const instances = matches.slice(0, maxInstances).map((found) => describeInstance(snap, graph!, found, maxPaths));
  return {
    nodeCount: snap.nodeCount,
    edgeCount: snap.edgeCount,
    analyseMs: performance.now() - started,
    typeclassedCount: all.length,
    numericValues,
    query: describeQuery(options),
    matched: matches.length,
    instances,
  };
}

function describeInstance(snap: HeapSnapshot, graph: RetainerGraph, found: TypeclassedNode, maxPaths: number): InstanceRetainers {
  const analysis = graph.analyse(found.node, maxPaths);
  return {
    label: nodeLabel(snap, found.node),
    className: found.className,
    rowId: found.rowId,
    kind: found.kind,
    typeclassPath: found.typeclassPath,
    key: found.key,
    nodeId: snap.nodeId(found.node),
    selfSize: snap.selfSize(found.node),
    reachable: analysis.reachable,
    distance: analysis.distance,
    retainerCount: analysis.retainerCount,
    paths: analysis.paths.map((p) => renderPath(snap, p.nodes, p.edges)),
  };
}

function shorten(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A readable name for node `n`: `DefaultCharacter #12 "Anna" @345`, `Array @77`, `(GC roots)`. */
export function nodeLabel(snap: HeapSnapshot, n: number): string {
  const type = snap.nodeType(n);
  const name = snap.nodeName(n);
  const at = `@${snap.nodeId(n)}`;
  if (n === 0 && type === "synthetic") return "(root)";
  switch (type) {
    case "synthetic":
      return name || "(synthetic)";
    case "object": {
      const typed = asTypeclassed(snap, n);
      if (typed) {
        const id = typed.rowId === null ? "" : ` #${typed.rowId}`;
        const key = typed.key ? ` "${shorten(typed.key)}"` : "";
        return `${typed.className}${id}${key} ${at}`;
      }
      if (name === "system / Context") return `(closure scope) ${at}`;
      return `${name || "Object"} ${at}`;
    }
    case "closure":
      return `${name ? `function ${name}()` : "(anonymous function)"} ${at}`;
    case "string":
    case "concatenated string":
    case "sliced string":
      return `"${shorten(name)}" ${at}`;
    case "array":
      return `${name || "(array)"} ${at}`;
    default:
      return `${name || `(${type})`} [${type}] ${at}`;
  }
}

/** A readable name for the reference edge `e` is: `.name`, `[3]`, `closure variable x` ... */
export function edgeLabel(snap: HeapSnapshot, e: number): string {
  const type = snap.edgeType(e);
  const name = snap.edgeName(e);
  switch (type) {
    case "property":
      return /^[A-Za-z_$#][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
    case "element":
      return `[${name}]`;
    case "context":
      return `closure variable ${name}`;
    case "shortcut":
      return "(shortcut)";
    case "hidden":
      return "(hidden)";
    case "internal":
      if (name === "weak_refs_keep_during_job") return "(WeakRef targets read in the running job: released when it ends)";
      return `(internal ${shorten(name, 60)})`;
    default:
      return `(${type} ${shorten(name, 60)})`;
  }
}

const COLLECTIONS = new Set(["Map", "Set"]);

/** Render a path, folding V8's `Map → table → [i]` into one `(Map entry)` step. */
function renderPath(snap: HeapSnapshot, nodes: number[], edges: number[]): RetainerStep[] {
  const steps: RetainerStep[] = [{ via: null, node: nodeLabel(snap, nodes[0]!) }];
  let pendingVia: string | null = null;
  for (let i = 1; i < nodes.length; i++) {
    const e = edges[i - 1]!;
    const from = nodes[i - 1]!;
    const node = nodes[i]!;
    const isTable =
      snap.edgeType(e) === "internal" && snap.edgeName(e) === "table" && COLLECTIONS.has(snap.nodeName(from)) && i < nodes.length - 1;
    if (isTable) {
      pendingVia = `(${snap.nodeName(from)} entry)`;
      continue;
    }
    steps.push({ via: pendingVia ?? edgeLabel(snap, e), node: nodeLabel(snap, node) });
    pendingVia = null;
  }
  return steps;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The report as lines of text. */
export function formatRetainerReport(report: RetainerReport): string[] {
  const lines = [
    `Snapshot ${report.snapshot}: ${report.nodeCount.toLocaleString("en")} nodes, ${report.edgeCount.toLocaleString("en")} edges ` +
      `(read in ${(report.readMs / 1000).toFixed(1)} s, analysed in ${(report.analyseMs / 1000).toFixed(1)} s)`,
  ];
  if (!report.numericValues) lines.push("Note: the snapshot holds no numeric values; row ids are unknown (write it with `evennia-ts heapdump`).");
  if (report.matched === 0) {
    lines.push(
      `No live instance of ${report.query} in the snapshot (${report.typeclassedCount} typeclassed objects in all): ` +
        "nothing keeps it in memory (or it was never loaded).",
    );
    return lines;
  }
  lines.push(`${report.matched} instance(s) of ${report.query} (of ${report.typeclassedCount} typeclassed objects in the snapshot).`);
  for (const inst of report.instances) {
    lines.push("");
    const what = [inst.kind, inst.typeclassPath].filter(Boolean).join(", ");
    lines.push(`${inst.label} (${what}), ${formatBytes(inst.selfSize)}`);
    if (!inst.reachable) {
      lines.push("  not reachable from the GC roots through strong references: it is garbage and will be collected.");
      continue;
    }
    lines.push(`  held by ${inst.retainerCount} object(s); shortest path: ${inst.distance} reference(s)`);
    inst.paths.forEach((steps, i) => {
      lines.push(`  ${i + 1}. ${steps[0]!.node}`);
      for (const step of steps.slice(1)) lines.push(`       → ${step.via} ${step.node}`);
    });
  }
  if (report.matched > report.instances.length) lines.push("", `... and ${report.matched - report.instances.length} more instance(s).`);
  return lines;
}

/** Parse `#123` / `123` as a row id, anything else as a typeclass. */
export function parseRetainerTarget(target: string): TypeclassedQuery {
  const m = /^#?(\d+)$/.exec(target.trim());
  if (m) return { id: Number(m[1]) };
  if (!target.trim()) throw new EvenniaError("EV_ERR_BAD_INPUT", "say which object: #<id> or a typeclass");
  return { typeclass: target.trim() };
}

const KINDS: SnapshotRowKind[] = ["object", "account", "script", "channel"];

const USAGE =
  "Usage: node --import tsx evennia-ts/tools/retainers.ts <file.heapsnapshot> (--object <id> | --typeclass <path>)\n" +
  "         [--kind object|account|script|channel] [--paths K] [--instances N] [--json]";

/** Run the report from a command line (without node and script); resolves to the exit code. */
export function runRetainersCli(argv: string[], out: (line: string) => void, err: (line: string) => void): number {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        object: { type: "string" },
        typeclass: { type: "string" },
        kind: { type: "string" },
        paths: { type: "string" },
        instances: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    err(`Error: ${describeError(e)}`);
    err(USAGE);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const count = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new EvenniaError("EV_ERR_BAD_INPUT", `--${name} must be a whole number >= 1`);
    return n;
  };
  try {
    if (positionals.length !== 1 || (values.object === undefined) === (values.typeclass === undefined)) {
      err(USAGE);
      return 2;
    }
    const query: RetainerReportOptions = values.object !== undefined ? parseRetainerTarget(values.object) : { typeclass: values.typeclass };
    if (values.object !== undefined && query.id === undefined) throw new EvenniaError("EV_ERR_BAD_INPUT", `--object wants a number, got "${values.object}"`);
    if (values.kind !== undefined) {
      if (!KINDS.includes(values.kind as SnapshotRowKind)) throw new EvenniaError("EV_ERR_BAD_INPUT", `--kind must be one of ${KINDS.join(", ")}`);
      query.kind = values.kind as SnapshotRowKind;
    }
    query.maxPaths = count(values.paths, "paths");
    query.maxInstances = count(values.instances, "instances");
    const report = retainerReport(positionals[0]!, query);
    if (values.json) out(JSON.stringify(report, null, 2));
    else for (const line of formatRetainerReport(report)) out(line);
    return 0;
  } catch (e) {
    err(`Error: ${describeError(e)}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  process.exitCode = runRetainersCli(
    process.argv.slice(2),
    (line) => process.stdout.write(line + "\n"),
    (line) => process.stderr.write(line + "\n"),
  );
}
