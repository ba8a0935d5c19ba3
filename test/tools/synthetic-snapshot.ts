/**
 * Builds small heap snapshots by hand, in V8's format, for tests of the reader and of
 * the retainer search.
 */

/** One edge of a synthetic node: type, name (or index for element/hidden), target node ordinal. */
export type SyntheticEdge = [type: string, nameOrIndex: string | number, to: number];

/** One node. */
export interface SyntheticNode {
  type: string;
  name: string;
  edges?: SyntheticEdge[];
  selfSize?: number;
}

const NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];
const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** The snapshot JSON text of `nodes` (node 0 is the root). Field order may be shuffled to test that readers use the meta. */
export function syntheticSnapshot(nodes: SyntheticNode[], options: { shuffledFields?: boolean } = {}): string {
  const strings: string[] = [];
  const str = (s: string) => {
    const i = strings.indexOf(s);
    if (i >= 0) return i;
    strings.push(s);
    return strings.length - 1;
  };
  const nodeFields = options.shuffledFields
    ? ["name", "id", "type", "edge_count", "self_size", "trace_node_id", "detachedness"]
    : ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];
  const edgeFields = options.shuffledFields ? ["to_node", "type", "name_or_index"] : ["type", "name_or_index", "to_node"];
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach((node, i) => {
    const values: Record<string, number> = {
      type: NODE_TYPES.indexOf(node.type),
      name: str(node.name),
      id: i * 2 + 1,
      self_size: node.selfSize ?? 16,
      edge_count: node.edges?.length ?? 0,
      trace_node_id: 0,
      detachedness: 0,
    };
    if (values.type! < 0) throw new Error(`unknown node type ${node.type}`);
    flatNodes.push(...nodeFields.map((f) => values[f]!));
    for (const [type, name, to] of node.edges ?? []) {
      const t = EDGE_TYPES.indexOf(type);
      if (t < 0) throw new Error(`unknown edge type ${type}`);
      const e: Record<string, number> = {
        type: t,
        name_or_index: type === "element" || type === "hidden" ? Number(name) : str(String(name)),
        to_node: to * nodeFields.length,
      };
      flatEdges.push(...edgeFields.map((f) => e[f]!));
    }
  });
  const meta = {
    node_fields: nodeFields,
    node_types: [NODE_TYPES, "string", "number", "number", "number", "number", "number"],
    edge_fields: edgeFields,
    edge_types: [EDGE_TYPES, "string_or_number", "node"],
  };
  const header = JSON.stringify({ meta, node_count: nodes.length, edge_count: flatEdges.length / edgeFields.length, trace_function_count: 0 });
  return (
    `{"snapshot":${header},\n"nodes":[${flatNodes.join(",")}],\n"edges":[${flatEdges.join(",\n")}],\n` +
    `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[1,2,3,4],\n"strings":[${strings.map((s) => JSON.stringify(s)).join(",\n")}]}`
  );
}
