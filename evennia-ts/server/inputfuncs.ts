/**
 * Inputfuncs: handlers of incoming messages by cmdname. `text` goes to the command
 * handler; every other cmdname is looked up here. The server registers Evennia's
 * defaults (`client_options`, GMCP `core_hello`/`core_supports_*`/`core_ping`, MSDP
 * `msdp_list`/`msdp_report`/... — see `server/oob/`) before the game's code loads,
 * so a game replaces any of them by registering the same name
 * (`registerInputFunc("get_inventory", async (session, args, kwargs) => ...)`).
 * Each runs in a unit of work. Unknown cmdnames are logged and ignored.
 */
import type { MessageKwargs } from "../protocol/message.ts";
import type { ServerSession } from "./server-session.ts";

/** An input handler. */
export type InputFunc = (session: ServerSession, args: unknown[], kwargs: MessageKwargs) => void | Promise<void>;

const registry = new Map<string, InputFunc>();
/** What each handler does, in a line, for `get_inputfuncs`. */
const descriptions = new Map<string, string>();

/**
 * Register (or replace) the handler of `cmdname` (case-insensitive); `description`
 * says in a line what it does (clients asking `get_inputfuncs` are sent it).
 */
export function registerInputFunc(cmdname: string, fn: InputFunc, description = ""): void {
  registry.set(cmdname.toLowerCase(), fn);
  descriptions.set(cmdname.toLowerCase(), description);
}

/** Remove the handler of `cmdname`; true when there was one. */
export function unregisterInputFunc(cmdname: string): boolean {
  descriptions.delete(cmdname.toLowerCase());
  return registry.delete(cmdname.toLowerCase());
}

/** Every registered cmdname with its description (empty when none was given), by name. */
export function inputFuncDescriptions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of inputFuncNames()) out[name] = descriptions.get(name) ?? "";
  return out;
}

/** The handler of `cmdname`, if any. */
export function findInputFunc(cmdname: string): InputFunc | undefined {
  return registry.get(cmdname.toLowerCase());
}

/** Every registered cmdname. */
export function inputFuncNames(): string[] {
  return [...registry.keys()].sort();
}
