/**
 * Shortest reference paths from the GC roots to a node of a heap snapshot — the
 * answer to "what keeps this object alive".
 *
 * A breadth-first search from the snapshot's root over strong edges (weak edges do not
 * keep anything alive) that never enters the node asked about finds what is alive
 * without it. The node's retainers are the sources of its incoming strong edges that
 * this search reached; each yields one path: the search tree's path to the retainer,
 * then the retainer's edge.
 */
import type { HeapSnapshot } from "./heap-snapshot.ts";

/** One reference path: `nodes[0]` is the root, `edges[i]` leads from `nodes[i]` to `nodes[i + 1]`. */
export interface ReferencePath {
  nodes: number[];
  edges: number[];
}

/** Edge types in the order paths through them are preferred when lengths tie (easier to read first). */
const EDGE_PREFERENCE = ["property", "element", "context", "shortcut", "internal", "hidden"];

/** Distances from the root of one breadth-first search, and the edge each node was first reached by. */
interface SearchTree {
  /** Strong-edge distance from the root, -1 where not reached. */
  distance: Int32Array;
  /** The edge each node was first reached by, -1 for the root and unreached nodes. */
  parentEdge: Int32Array;
}

/** What keeps one node alive (see {@link RetainerGraph.analyse}). */
export interface RetainerAnalysis {
  /** False when no strong path from the root reaches the node: it is garbage. */
  reachable: boolean;
  /** References on the shortest strong path from the root (0 when unreachable). */
  distance: number;
  /** Distinct objects holding a strong reference to it that are alive without it (its own parts pointing back do not count). */
  retainerCount: number;
  /** Shortest paths from the root, each through a different retainer, shortest first. */
  paths: ReferencePath[];
}

/** The incoming edges of every node of one snapshot, for searching what retains what. */
export class RetainerGraph {
  /** The source node of every edge. */
  readonly edgeSource: Uint32Array;
  /** Incoming edges of node `n`: `incoming[incomingStart[n]]` .. `incoming[incomingStart[n + 1] - 1]`. */
  readonly incomingStart: Uint32Array;
  readonly incoming: Uint32Array;
  readonly #weak: Uint8Array;
  #full: SearchTree | null = null;

  /** Index `snapshot`; searches start at node `root` (0: V8's synthetic root). */
  constructor(
    readonly snapshot: HeapSnapshot,
    readonly root = 0,
  ) {
    const n = snapshot.nodeCount;
    const m = snapshot.edgeCount;
    const weakType = snapshot.edgeTypes.indexOf("weak");
    this.#weak = new Uint8Array(m);
    this.edgeSource = new Uint32Array(m);
    const counts = new Uint32Array(n + 1);
    for (let node = 0; node < n; node++) {
      for (let e = snapshot.firstEdge[node]!; e < snapshot.firstEdge[node + 1]!; e++) {
        this.edgeSource[e] = node;
        if (snapshot.edgeTypeIndex(e) === weakType) this.#weak[e] = 1;
        counts[snapshot.edgeTarget(e) + 1]!++;
      }
    }
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
    this.incomingStart = counts;
    this.incoming = new Uint32Array(m);
    const fill = counts.slice(0, n);
    for (let e = 0; e < m; e++) this.incoming[fill[snapshot.edgeTarget(e)]!++] = e;
  }

  /** Breadth-first search from the root over strong edges, never entering `avoid` (-1: avoid nothing). */
  #search(avoid: number): SearchTree {
    const snapshot = this.snapshot;
    const n = snapshot.nodeCount;
    const distance = new Int32Array(n).fill(-1);
    const parentEdge = new Int32Array(n).fill(-1);
    const queue = new Uint32Array(n);
    let head = 0;
    let tail = 0;
    distance[this.root] = 0;
    queue[tail++] = this.root;
    while (head < tail) {
      const node = queue[head++]!;
      const next = distance[node]! + 1;
      for (let e = snapshot.firstEdge[node]!; e < snapshot.firstEdge[node + 1]!; e++) {
        if (this.#weak[e]) continue;
        const to = snapshot.edgeTarget(e);
        if (distance[to] !== -1 || to === avoid) continue;
        distance[to] = next;
        parentEdge[to] = e;
        queue[tail++] = to;
      }
    }
    return { distance, parentEdge };
  }

  #pathIn(tree: SearchTree, node: number): ReferencePath | null {
    if (tree.distance[node]! < 0) return null;
    const nodes = [node];
    const edges: number[] = [];
    for (let at = node; at !== this.root; ) {
      const e = tree.parentEdge[at]!;
      edges.push(e);
      at = this.edgeSource[e]!;
      nodes.push(at);
    }
    return { nodes: nodes.reverse(), edges: edges.reverse() };
  }

  /** True when `node` is reachable from the root through strong edges (something keeps it alive). */
  isReachable(node: number): boolean {
    this.#full ??= this.#search(-1);
    return this.#full.distance[node]! >= 0;
  }

  /** One shortest strong path from the root to `node`, or null when unreachable. */
  shortestPath(node: number): ReferencePath | null {
    this.#full ??= this.#search(-1);
    return this.#pathIn(this.#full, node);
  }

  /**
   * What keeps `target` alive: its retainers that are alive without it (found by a search
   * that never enters `target`, so its own parts pointing back at it do not count, while
   * an object reachable both through it and another way does), and up to `maxPaths`
   * shortest paths from the root, each through a different retainer, shortest first. A
   * retainer whose own path runs through a retainer already listed is skipped: it adds
   * nothing (`Array → (object elements) → obj` after `Array → obj`).
   */
  analyse(target: number, maxPaths: number): RetainerAnalysis {
    if (target === this.root) return { reachable: true, distance: 0, retainerCount: 0, paths: [] };
    const tree = this.#search(target);
    const candidates: { edge: number; source: number; path: ReferencePath }[] = [];
    for (let i = this.incomingStart[target]!; i < this.incomingStart[target + 1]!; i++) {
      const e = this.incoming[i]!;
      const source = this.edgeSource[e]!;
      if (this.#weak[e] || source === target || tree.distance[source]! < 0) continue;
      candidates.push({ edge: e, source, path: this.#pathIn(tree, source)! });
    }
    if (candidates.length === 0) return { reachable: false, distance: 0, retainerCount: 0, paths: [] };
    const rank = (e: number) => {
      const i = EDGE_PREFERENCE.indexOf(this.snapshot.edgeType(e));
      return i < 0 ? EDGE_PREFERENCE.length : i;
    };
    candidates.sort((a, b) => a.path.nodes.length - b.path.nodes.length || rank(a.edge) - rank(b.edge));
    const chosen = new Set<number>();
    const paths: ReferencePath[] = [];
    for (const c of candidates) {
      if (paths.length >= maxPaths) break;
      if (chosen.has(c.source) || c.path.nodes.some((node) => chosen.has(node))) continue;
      chosen.add(c.source);
      paths.push({ nodes: [...c.path.nodes, target], edges: [...c.path.edges, c.edge] });
    }
    return {
      reachable: true,
      distance: candidates[0]!.path.nodes.length,
      retainerCount: new Set(candidates.map((c) => c.source)).size,
      paths,
    };
  }
}
