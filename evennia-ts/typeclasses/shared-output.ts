/**
 * Output shared by many receivers (a room's `say` heard by 200 players): `msgContents`
 * makes one frozen output spec for all of them and its message triples once, so each
 * session sends the same triples instead of turning the spec into new ones per
 * receiver (and the link's coalescer finds them equal by identity).
 *
 * Only specs made here are shared: they are frozen, nested values included, so the
 * triples made from one stay true. A session asks {@link sharedMessages} and falls back
 * to `normalizeOutput` for anything else.
 */
import { normalizeOutput, type MessageKwargs, type OobMessage, type OutputSpec } from "../protocol/message.ts";

/** The triples of each shared spec, by the spec. */
const triplesOf = new WeakMap<object, readonly OobMessage[]>();

/**
 * A frozen copy of `spec` (with `options` as the kwargs of a string `text`, as
 * `DefaultObject.msg` would add them) and its triples made once. Null when the spec
 * holds something that cannot be copied safely (then each receiver gets it as before).
 */
export function shareOutput(spec: string | OutputSpec, options?: MessageKwargs): OutputSpec | null {
  let source: OutputSpec = typeof spec === "string" ? { text: spec } : spec;
  if (options && typeof source.text === "string") source = { ...source, text: [source.text, { ...options }] as [string, MessageKwargs] as never };
  const copy = frozenCopy(source, 0);
  if (copy === undefined) return null;
  const shared = copy as OutputSpec;
  triplesOf.set(shared, deepFreeze(normalizeOutput(shared)));
  return shared;
}

/** The triples of a spec made by {@link shareOutput} (the same array each time), or undefined for any other spec. */
export function sharedMessages(spec: unknown): OobMessage[] | undefined {
  return typeof spec === "object" && spec !== null ? (triplesOf.get(spec) as OobMessage[] | undefined) : undefined;
}

/** A frozen copy of plain JSON-like data, or undefined when it holds anything else (or nests deeper than 8). */
function frozenCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" || typeof value === "bigint" ? undefined : value;
  if (depth > 8) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const copied = frozenCopy(item, depth + 1);
      if (copied === undefined && item !== undefined) return undefined;
      out.push(copied);
    }
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = frozenCopy(item, depth + 1);
    if (copied === undefined && item !== undefined) return undefined;
    out[key] = copied;
  }
  return Object.freeze(out);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
