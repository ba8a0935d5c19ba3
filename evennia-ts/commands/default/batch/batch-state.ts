/**
 * The state of a batch run and its interactive mode (Evennia's `batchprocess.py`
 * helpers): the parsed entries, where the caller is in them, and how they are
 * shown. Kept per caller in memory (a reload ends an interactive run, as in
 * Evennia). Running entries is `batch-run.ts`.
 */
import { activeSettings } from "../../../conf/active-settings.ts";
import type { Command } from "../../command.ts";
import { codeOfBlock, parseBatchCodeFile, parseBatchCommandFile, resolveBatchFile, type BatchFileRoots } from "./batch-files.ts";

/** Which processor a run uses. */
export type BatchMode = "batch_commands" | "batch_code";

/** One caller's batch run. */
export interface BatchState {
  mode: BatchMode;
  /** The path the builder gave (`world.build`). */
  pythonPath: string;
  /**
   * The file it named, resolved when it was (re)loaded: code blocks are written
   * beside it, even if the file is deleted or replaced during the run.
   */
  file: string;
  /** The entries: commands, or code blocks with their headers. */
  stack: string[];
  /** The current entry (from 0). */
  ptr: number;
  /** `/debug` of batchcode. */
  debug: boolean;
}

const states = new WeakMap<object, BatchState>();

/** The batch run of `caller`, if one is going on. */
export function batchState(caller: object): BatchState | undefined {
  return states.get(caller);
}

/** Start (or replace) the batch run of `caller`. */
export function setBatchState(caller: object, state: BatchState): void {
  states.set(caller, state);
}

/** End the batch run of `caller`. */
export function clearBatchState(caller: object): void {
  states.delete(caller);
}

/** The folders batch files are read from, for the running game. */
export function batchRoots(): BatchFileRoots {
  const settings = activeSettings();
  return { gameDir: settings.gameDir, folders: settings.batchProcessPaths ?? ["world"] };
}

/** Parse the file of a run again (for `rr`, `rrr`) or for the first time: the file and its entries. */
export function parseBatch(mode: BatchMode, pythonPath: string): { file: string; stack: string[] } {
  const roots = batchRoots();
  const file = resolveBatchFile(pythonPath, mode === "batch_code" ? ".ts" : ".ev", roots);
  const stack = mode === "batch_code" ? parseBatchCodeFile(pythonPath, roots) : parseBatchCommandFile(pythonPath, roots);
  return { file, stack };
}

/** Width of the entry shown in a header line. */
const HEADER_WIDTH = 60;

/** `|w01/12|G: <the entry, cut to one line>|n`, as Evennia heads each entry. */
export function formatHeader(state: BatchState, entry: string): string {
  const text = (state.mode === "batch_code" ? codeOfBlock(entry).replace(/^\s*\/\/.*$/gm, "").trim() : entry).replace(/\n/g, "\\n");
  const cut = text.length > HEADER_WIDTH ? `${text.slice(0, HEADER_WIDTH - 3)}...` : text;
  const n = String(state.ptr + 1).padStart(2, "0");
  const total = String(state.stack.length).padStart(2, "0");
  return `|w${n}/${total}|G: ${cut}|n`;
}

/** Code and errors shown with a `>>>` margin. */
export function formatCode(text: string): string {
  return text
    .split("\n")
    .map((line) => `|G>>>|n ${line}`)
    .join("\n");
}

/** Move the pointer by `step`, staying inside the file (telling the caller at either end). */
export function stepPointer(cmd: Command, state: BatchState, step = 1): void {
  const n = state.stack.length;
  if (state.ptr + step <= 0) cmd.msg("|RBeginning of batch file.|n");
  if (state.ptr + step >= n) cmd.msg("|REnd of batch file.|n");
  state.ptr = Math.max(0, Math.min(n - 1, state.ptr + step));
}

/** Show the current entry: its header, and with `showAll` all of it. */
export function showCurrent(cmd: Command, state: BatchState, showAll = false): void {
  if (state.stack.length === 0) return;
  state.ptr = Math.min(state.ptr, state.stack.length - 1);
  const entry = state.stack[state.ptr]!;
  let text = `${formatHeader(state, entry)}|G(hh for help)|n`;
  if (showAll) {
    for (const line of entry.trim().split("\n")) text += `\n|G||n ${line}`;
  }
  cmd.msg({ text: [text, { type: "batch" }] });
}
