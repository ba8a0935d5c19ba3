/**
 * The state of a batch run and its interactive mode (Evennia's `batchprocess.py`
 * helpers): the parsed entries, where the caller is in them, and running one
 * entry — a command through the command handler, or a code block. Kept per caller
 * in memory (a reload ends an interactive run, as in Evennia).
 */
import { activeSettings } from "../../../conf/active-settings.ts";
import type { Command } from "../../command.ts";
import { runBatchCodeBlock } from "./batch-code-runner.ts";
import { codeOfBlock, parseBatchCodeFile, parseBatchCommandFile, resolveBatchFile, type BatchFileRoots } from "./batch-files.ts";

/** Which processor a run uses. */
export type BatchMode = "batch_commands" | "batch_code";

/** One caller's batch run. */
export interface BatchState {
  mode: BatchMode;
  /** The path the builder gave (`world.build`). */
  pythonPath: string;
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

/** Parse the file of a run again (for `rr`, `rrr`) or for the first time. */
export function parseBatch(mode: BatchMode, pythonPath: string): string[] {
  return mode === "batch_code" ? parseBatchCodeFile(pythonPath, batchRoots()) : parseBatchCommandFile(pythonPath, batchRoots());
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

/**
 * Run the current entry as `cmd`'s caller: a command through the command handler
 * (locks and all, as if typed), or a code block. Resolves false when a code block
 * failed (its error has been shown).
 */
export async function runCurrent(cmd: Command, state: BatchState): Promise<boolean> {
  const entry = state.stack[state.ptr];
  if (entry === undefined) return true;
  cmd.msg(formatHeader(state, entry));
  if (state.mode === "batch_commands") {
    await cmd.execute(entry);
    return true;
  }
  const file = resolveBatchFile(state.pythonPath, ".ts", batchRoots());
  const error = await runBatchCodeBlock(entry, file, { caller: cmd.caller, debug: state.debug, print: (text) => cmd.msg(text) });
  if (error) {
    cmd.msg({ text: [formatCode(error), { type: "batch" }] });
    return false;
  }
  return true;
}
