/**
 * GMCP (Generic MUD Communication Protocol) payloads ⇄ message triples.
 *
 * A GMCP message is `Package.Sub <json>` (the JSON part is optional):
 * - in: the JSON value becomes the triple's arguments: an object → kwargs, an array →
 *   args, any other value → `[value]`, nothing (or `null`) → no arguments; text that is
 *   not JSON is kept as one string argument. The name is mapped by `gmcpToCmdname`.
 *   A value nested deeper than {@link MAX_OOB_NESTING} is refused (it could not cross the link);
 *   keys named `__proto__` are dropped (an `Object.assign` of them would set a prototype).
 * - out (as Evennia): no arguments → just the name; kwargs only → `Name {kwargs}`; args
 *   only → `Name <arg>` for one argument, `Name [args]` for several; both →
 *   `Name [<args>, {kwargs}]` (a single argument unwrapped).
 */
import type { OobMessage } from "../../protocol/message.ts";
import { cmdnameToGmcp, gmcpToCmdname } from "../../protocol/oob-names.ts";
import { MAX_OOB_NESTING, jsonNestsDeeperThan } from "./json-depth.ts";

/**
 * Decode one GMCP payload (already UTF-8 decoded); null when it has no package name or
 * its value nests too deeply.
 */
export function decodeGmcp(payload: string): OobMessage | null {
  const text = payload.trim();
  if (text.length === 0) return null;
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const name = match[1]!;
  const data = match[2]!.trim();
  const cmdname = gmcpToCmdname(name);
  if (data.length === 0) return [cmdname, [], {}];
  if (jsonNestsDeeperThan(data, MAX_OOB_NESTING)) return null;
  let value: unknown;
  try {
    value = JSON.parse(data, dropProtoKeys);
  } catch {
    return [cmdname, [data], {}];
  }
  if (value === null) return [cmdname, [], {}];
  if (Array.isArray(value)) return [cmdname, value, {}];
  if (typeof value === "object") return [cmdname, [], { ...(value as Record<string, unknown>) }];
  return [cmdname, [value], {}];
}

/** JSON.parse reviver: removes every `__proto__` key. */
function dropProtoKeys(key: string, value: unknown): unknown {
  return key === "__proto__" ? undefined : value;
}

/** Encode a triple as a GMCP payload string. */
export function encodeGmcp(message: OobMessage): string {
  const [cmdname, args, kwargs] = message;
  const name = cmdnameToGmcp(cmdname);
  const hasArgs = args.length > 0;
  const hasKwargs = Object.keys(kwargs).length > 0;
  if (!hasArgs && !hasKwargs) return name;
  const argValue = args.length === 1 ? args[0] : args;
  if (hasArgs && hasKwargs) return `${name} ${JSON.stringify([argValue, kwargs])}`;
  if (hasArgs) return `${name} ${JSON.stringify(argValue)}`;
  return `${name} ${JSON.stringify(kwargs)}`;
}
