/**
 * Inputfuncs: handlers of incoming messages by cmdname. `text` goes to the command
 * handler; `client_options` updates the session; game code registers its own
 * (`registerInputFunc("get_inventory", async (session, args, kwargs) => ...)`).
 * Each runs in a unit of work. Unknown cmdnames are logged and ignored.
 */
import type { MessageKwargs } from "../protocol/message.ts";
import type { ServerSession } from "./server-session.ts";

/** An input handler. */
export type InputFunc = (session: ServerSession, args: unknown[], kwargs: MessageKwargs) => void | Promise<void>;

const registry = new Map<string, InputFunc>();

/** Register (or replace) the handler of `cmdname`. */
export function registerInputFunc(cmdname: string, fn: InputFunc): void {
  registry.set(cmdname.toLowerCase(), fn);
}

/** The handler of `cmdname`, if any. */
export function findInputFunc(cmdname: string): InputFunc | undefined {
  return registry.get(cmdname.toLowerCase());
}

/** Every registered cmdname. */
export function inputFuncNames(): string[] {
  return [...registry.keys()].sort();
}
