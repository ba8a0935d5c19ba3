import { describe, expect, it } from "vitest";
import { parseHeapSnapshot } from "../../evennia-ts/tools/heap-snapshot.ts";
import { RetainerGraph } from "../../evennia-ts/tools/retainer-paths.ts";
import { syntheticSnapshot, type SyntheticNode } from "./synthetic-snapshot.ts";

/**
 *   0 root ─element→ 1 (GC roots) ─element→ 2 global
 *   2 global ─.cache→ 3 Map ─internal table→ 4 table ─internal 5→ 10 Target
 *   2 global ─.list→ 5 Array ─[0]→ 10 Target
 *                    5 Array ─internal elements→ 6 (object elements) ─internal 0→ 10 Target   (redundant: goes through 5)
 *   2 global ─.deep→ 7 Holder ─.a→ 8 Holder ─.b→ 9 Holder ─.c→ 10 Target                  (longer)
 *   10 Target ─.self→ 11 Part ─.owner→ 10 Target                                            (its own part: not a retainer)
 *   2 global ─weak→ 12 Ghost; 12 Ghost ─.x→ 13 Orphan                                        (only weakly reachable)
 *   10 Target ─.sessions→ 14 Session ─.puppet→ 10 Target, and 9 Holder ─.session→ 14 Session (alive without Target
 *                                                                                          too, by a longer way)
 */
const NODES: SyntheticNode[] = [
  { type: "synthetic", name: "", edges: [["element", 1, 1]] },
  { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 2]] },
  {
    type: "object",
    name: "global",
    edges: [
      ["property", "cache", 3],
      ["property", "list", 5],
      ["property", "deep", 7],
      ["weak", "ghost", 12],
    ],
  },
  { type: "object", name: "Map", edges: [["internal", "table", 4]] },
  { type: "array", name: "", edges: [["internal", "5", 10]] },
  { type: "object", name: "Array", edges: [["element", 0, 10], ["internal", "elements", 6]] },
  { type: "array", name: "(object elements)", edges: [["internal", "0", 10]] },
  { type: "object", name: "Holder", edges: [["property", "a", 8]] },
  { type: "object", name: "Holder", edges: [["property", "b", 9]] },
  { type: "object", name: "Holder", edges: [["property", "c", 10], ["property", "session", 14]] },
  { type: "object", name: "Target", edges: [["property", "self", 11], ["property", "sessions", 14]] },
  { type: "object", name: "Part", edges: [["property", "owner", 10]] },
  { type: "object", name: "Ghost", edges: [["property", "x", 13]] },
  { type: "object", name: "Orphan" },
  { type: "object", name: "Session", edges: [["property", "puppet", 10]] },
];

const snap = parseHeapSnapshot(syntheticSnapshot(NODES));
const graph = new RetainerGraph(snap);
const names = (p: { nodes: number[] }) => p.nodes.map((n) => (n === 0 ? "root" : snap.nodeName(n)));

describe("RetainerGraph", () => {
  it("finds what strong edges reach from the root; weak edges reach nothing", () => {
    expect(graph.shortestPath(10)!.nodes).toHaveLength(5);
    expect(names(graph.shortestPath(2)!)).toEqual(["root", "(GC roots)", "global"]);
    expect(graph.isReachable(12)).toBe(false);
    expect(graph.isReachable(13)).toBe(false);
    expect(graph.shortestPath(12)).toBeNull();
    expect(graph.analyse(13, 3)).toEqual({ reachable: false, distance: 0, retainerCount: 0, paths: [] });
  });

  it("lists shortest paths through different retainers, shortest first, property/element edges before internal ones", () => {
    const { reachable, distance, paths } = graph.analyse(10, 10);
    expect(reachable).toBe(true);
    expect(distance).toBe(4);
    expect(paths.map(names)).toEqual([
      ["root", "(GC roots)", "global", "Array", "Target"],
      ["root", "(GC roots)", "global", "Map", "", "Target"],
      ["root", "(GC roots)", "global", "Holder", "Holder", "Holder", "Target"],
    ]);
    // each path's edges lead from one node to the next
    for (const p of paths) {
      p.edges.forEach((e, i) => {
        expect(graph.edgeSource[e]).toBe(p.nodes[i]);
        expect(snap.edgeTarget(e)).toBe(p.nodes[i + 1]);
      });
    }
  });

  it("leaves out the object's own parts, counts retainers alive without it, skips paths through a retainer already shown", () => {
    const { paths, retainerCount } = graph.analyse(10, 10);
    expect(paths.some((p) => p.nodes.includes(11))).toBe(false); // Part
    expect(paths.some((p) => p.nodes.includes(6))).toBe(false); // (object elements), under Array
    // Array, (object elements), the Map's table, the last Holder, and the Session (its shortest
    // path runs through Target, but it is alive without it) — not Part
    expect(retainerCount).toBe(5);
    const session = graph.analyse(14, 10);
    expect(session.paths.map(names)).toEqual([
      ["root", "(GC roots)", "global", "Array", "Target", "Session"],
      ["root", "(GC roots)", "global", "Holder", "Holder", "Holder", "Session"],
    ]);
    expect(session.retainerCount).toBe(2);
  });

  it("stops at the number of paths asked for", () => {
    expect(graph.analyse(10, 1).paths.map(names)).toEqual([["root", "(GC roots)", "global", "Array", "Target"]]);
    expect(graph.analyse(10, 0).paths).toEqual([]);
  });
});
