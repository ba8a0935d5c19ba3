import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseHeapSnapshot, readHeapSnapshot, type HeapSnapshot } from "../../evennia-ts/tools/heap-snapshot.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";
import { syntheticSnapshot, type SyntheticNode } from "./synthetic-snapshot.ts";

const dir = mkdtempSync(path.join(tmpdir(), "evts-snap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRICKY = ['quote " and backslash \\', "line\nbreak\ttab", "ctrl \u0001", "ünïcödé ✓ 𝄞", "", "[\"not\",\"an\",\"array\"]"];

const NODES: SyntheticNode[] = [
  { type: "synthetic", name: "", edges: [["element", 1, 1], ["shortcut", "g", 2]] },
  { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 2]] },
  {
    type: "object",
    name: "global",
    edges: [
      ["property", "tricky", 3],
      ["property", "list", 4],
      ["weak", "w", 5],
    ],
  },
  { type: "string", name: TRICKY.join("|") },
  { type: "array", name: "", edges: TRICKY.map((_, i) => ["element", i + 10, 6 + i] as [string, number, number]) },
  { type: "object", name: "Weakling", selfSize: 4_000_000_000 },
  ...TRICKY.map((s) => ({ type: "string", name: s })),
];

function expectShape(snap: HeapSnapshot): void {
  expect(snap.nodeCount).toBe(NODES.length);
  expect(snap.edgeCount).toBe(NODES.reduce((n, node) => n + (node.edges?.length ?? 0), 0));
  expect(snap.nodeName(1)).toBe("(GC roots)");
  expect(snap.nodeType(2)).toBe("object");
  expect(snap.nodeName(3)).toBe(TRICKY.join("|"));
  TRICKY.forEach((s, i) => expect(snap.nodeName(6 + i)).toBe(s));
  expect(snap.selfSize(5)).toBe(4_000_000_000);
  expect(snap.nodeId(5)).toBe(11);
  const g = 2;
  const list = snap.edgeTarget(snap.findEdge(g, "property", "list"));
  expect(list).toBe(4);
  const firstElement = snap.firstEdge[list]!;
  expect(snap.edgeType(firstElement)).toBe("element");
  expect(snap.edgeName(firstElement)).toBe("10");
  const weak = snap.findEdge(g, "weak", "w");
  expect(snap.isWeakEdge(weak)).toBe(true);
  expect(snap.edgeTarget(weak)).toBe(5);
  expect(snap.findEdge(g, "property", "missing")).toBe(-1);
}

describe("parseHeapSnapshot / readHeapSnapshot", () => {
  it("reads nodes, edges and strings (escapes, control characters, non-ASCII) by the meta's field names", () => {
    expectShape(parseHeapSnapshot(syntheticSnapshot(NODES)));
    expectShape(parseHeapSnapshot(syntheticSnapshot(NODES, { shuffledFields: true })));
  });

  it("gives the same result whatever the chunk size (numbers, keys, multi-byte characters and escapes split across chunks)", () => {
    const file = path.join(dir, "tricky.heapsnapshot");
    writeFileSync(file, syntheticSnapshot(NODES));
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) expectShape(readHeapSnapshot(file, chunk));
  });

  it("refuses what is not a complete, consistent snapshot with EV_ERR_BAD_INPUT", () => {
    const good = syntheticSnapshot(NODES);
    const bad = [
      "",
      "{}",
      "not json at all",
      good.slice(0, good.length - 10), // truncated inside "strings"
      good.slice(0, good.indexOf('"edges"') + 12), // truncated inside "edges"
      good.replace('"node_count":', '"node_count_x":'),
      good.replace(/"node_count":\d+/, '"node_count":2'), // more numbers than announced
      good.replace('"nodes":[', '"nodes":[-'), // a negative number
      good.replace(/"strings":\[.*$/s, '"strings":["only one"]}'), // names of nodes that do not exist
    ];
    for (const text of bad) {
      let caught: unknown;
      try {
        parseHeapSnapshot(text);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(text.slice(0, 60))).toBeInstanceOf(EvenniaError);
      expect((caught as EvenniaError).code).toBe("EV_ERR_BAD_INPUT");
    }
  });

  it("refuses an edge pointing at no node", () => {
    const text = syntheticSnapshot([
      { type: "synthetic", name: "", edges: [["property", "x", 1]] },
      { type: "object", name: "A" },
    ]);
    const broken = text.replace(/"edges":\[(\d+),\s*(\d+),\s*(\d+)\]/, (_m, t, n) => `"edges":[${t},${n},700]`);
    expect(broken).not.toBe(text);
    expect(() => parseHeapSnapshot(broken)).toThrow(/points at no node/);
  });
});
