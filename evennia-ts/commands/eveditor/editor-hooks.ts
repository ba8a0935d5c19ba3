/**
 * The functions an editor calls — `loadfunc`, `savefunc`, `quitfunc`, `codefunc`
 * — and the registry that names them, so a persistent editor can be made again
 * after a reload: `registerEditorFunction("desc.save", saveDesc)`, then
 * `EvEditor.start(this, { savefunc: "desc.save", persistent: true })`.
 */
import { EvenniaError } from "../../utils/errors.ts";
import type { CommandSession } from "../command.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";

/** Who uses an editor: a character (or other object), an account, or a session (not persistent). */
export type EditorCaller = DefaultObject | DefaultAccount | CommandSession;

/** Gives the starting text (`loadfunc(caller, editor)`). */
export type EditorLoadFunc = (caller: EditorCaller, editor: EditorHandle) => unknown;
/** Saves the text (`savefunc(caller, buffer, editor)`); true when it saved (it tells the player). */
export type EditorSaveFunc = (caller: EditorCaller, buffer: string, editor: EditorHandle) => boolean | void | Promise<boolean | void>;
/** Runs when the editor closes (`quitfunc(caller, editor)`); it tells the player. */
export type EditorQuitFunc = (caller: EditorCaller, editor: EditorHandle) => void | Promise<void>;
/** Code mode: runs the buffer (`:!`) and is called on every save. */
export type EditorCodeFunc = (caller: EditorCaller, buffer: string, editor: EditorHandle) => void | Promise<void>;

/** What hooks see of the editor. */
export interface EditorHandle {
  /** The editor's name (shown in its header). */
  readonly key: string;
  /** Your data for the hooks (the `data` option), kept across reloads when persistent. */
  readonly data: Record<string, unknown>;
  /** The session the editor talks to. */
  readonly session: CommandSession | null;
}

/** Any editor hook. */
export type EditorFunction = EditorLoadFunc | EditorSaveFunc | EditorQuitFunc | EditorCodeFunc;

const functions = new Map<string, EditorFunction>();

/** Register an editor hook under `name` (game modules do this as they load). */
export function registerEditorFunction(name: string, fn: EditorFunction): void {
  functions.set(name, fn);
}

/** The hook `spec` names (a function is itself); undefined for none. Throws EV_ERR_NOT_FOUND for an unknown name. */
export function resolveEditorFunction<F extends EditorFunction>(spec: F | string | null | undefined): F | undefined {
  if (spec === null || spec === undefined || spec === "") return undefined;
  if (typeof spec === "function") return spec;
  const fn = functions.get(spec);
  if (!fn) throw new EvenniaError("EV_ERR_NOT_FOUND", `no editor function is registered as "${spec}"`);
  return fn as F;
}
