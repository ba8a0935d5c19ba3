/**
 * The message contract between players and the game: every message is a triple
 * `[cmdname, args, kwargs]`, whatever protocol carried it.
 *
 * - in:  `["text", ["look"], {}]`, `["client_options", [], {screenwidth: 120}]`
 * - out: `["text", ["A dark room..."], {type: "look"}]`, `["char_vitals", [], {hp: 10}]`
 */

/** Keyword arguments of a message: JSON-compatible values keyed by name. */
export type MessageKwargs = Record<string, unknown>;

/** One protocol-independent message `[cmdname, args, kwargs]`. */
export type OobMessage = [cmdname: string, args: unknown[], kwargs: MessageKwargs];

/**
 * What game code passes to `session.msg(...)`: each key is a cmdname; the value is
 * a string (shorthand for `[[value], {}]`), an args array, or `[args, kwargs]`.
 */
export type OutputSpec = Record<string, string | unknown[] | [unknown[], MessageKwargs] | undefined>;

/** Limits a message must respect to cross the link (hostile input is cut here). */
export const MESSAGE_LIMITS = {
  /** Longest cmdname accepted. */
  maxCmdnameLength: 128,
} as const;

/** Build a message triple. */
export function message(cmdname: string, args: unknown[] = [], kwargs: MessageKwargs = {}): OobMessage {
  return [cmdname, args, kwargs];
}

/** Shorthand for `["text", [text], kwargs]`. */
export function textMessage(text: string, kwargs: MessageKwargs = {}): OobMessage {
  return ["text", [text], kwargs];
}

/**
 * Turn a `session.msg()` spec into message triples, in key order.
 * `{text: "hi"}` → `[["text", ["hi"], {}]]`;
 * `{text: ["hi", {type: "say"}]}` → `[["text", ["hi"], {type: "say"}]]`;
 * `{char_vitals: [[], {hp: 10}]}` → `[["char_vitals", [], {hp: 10}]]`.
 */
export function normalizeOutput(spec: OutputSpec): OobMessage[] {
  const out: OobMessage[] = [];
  for (const [cmdname, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (typeof value === "string") {
      out.push([cmdname, [value], {}]);
    } else if (Array.isArray(value)) {
      if (value.length === 2 && Array.isArray(value[0]) && isPlainObject(value[1])) {
        out.push([cmdname, [...(value[0] as unknown[])], { ...(value[1] as MessageKwargs) }]);
      } else if (value.length === 2 && typeof value[0] === "string" && isPlainObject(value[1])) {
        // {text: ["hello", {type: "say"}]}
        out.push([cmdname, [value[0]], { ...(value[1] as MessageKwargs) }]);
      } else {
        out.push([cmdname, [...value], {}]);
      }
    } else if (isPlainObject(value)) {
      out.push([cmdname, [], { ...(value as MessageKwargs) }]);
    } else {
      out.push([cmdname, [value], {}]);
    }
  }
  return out;
}

/** True for `{...}` literals (not arrays, null, class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Validate an untrusted value as a message triple (from a websocket client, the
 * link, ...). Returns the triple or a reason it was refused.
 */
export function parseOobMessage(value: unknown): { ok: true; message: OobMessage } | { ok: false; reason: string } {
  if (!Array.isArray(value) || value.length === 0 || value.length > 3) {
    return { ok: false, reason: "a message must be an array [cmdname, args, kwargs]" };
  }
  const [cmdname, args = [], kwargs = {}] = value as unknown[];
  if (typeof cmdname !== "string" || cmdname.length === 0 || cmdname.length > MESSAGE_LIMITS.maxCmdnameLength) {
    return { ok: false, reason: "cmdname must be a non-empty string of at most 128 characters" };
  }
  if (!Array.isArray(args)) return { ok: false, reason: "args must be an array" };
  if (!isPlainObject(kwargs)) return { ok: false, reason: "kwargs must be an object" };
  return { ok: true, message: [cmdname, args, kwargs] };
}
