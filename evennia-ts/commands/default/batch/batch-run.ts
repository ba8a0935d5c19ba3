/**
 * Running the entries of a batch run. Each entry is its own unit of work, as if
 * the builder had typed it: a command commits (or, failing, is rolled back and
 * says "nothing was changed" truthfully) before the next runs, and a code block
 * that throws is rolled back. The batch command around them works outside any
 * unit of work, so what it says arrives in order with what the entries say.
 *
 * Guards against files that fight the processor: a batch run cannot be started or
 * steered from inside one (a file running itself, or `nn` / `rrr` in a file run
 * by `cc`), a question asked by a command of the file is cancelled rather than
 * left for the builder's next line, and the run stops when its caller is gone
 * (deleted, out of character, disconnected).
 */
import { randomBytes } from "node:crypto";
import { outsideUnitOfWork, runInUnitOfWork } from "../../../db/unit-of-work.ts";
import { TypedObject } from "../../../typeclasses/typed-object.ts";
import { EvenniaError } from "../../../utils/errors.ts";
import { getLogger } from "../../../utils/logger.ts";
import type { Command } from "../../command.ts";
import { hasPendingInput, takePendingInput } from "../../input-prompt.ts";
import { runBatchCodeBlock } from "./batch-code-runner.ts";
import { batchCodeRefusal } from "./batch-code-access.ts";
import { formatCode, formatHeader, type BatchState } from "./batch-state.ts";

const log = getLogger("commands.batch");

/** Callers whose batch run is running entries now. */
const running = new WeakSet<object>();

/** True while `caller`'s batch run is running an entry (a line of the file is what runs). */
export function inBatchRun(caller: object): boolean {
  return running.has(caller);
}

/** What a batch command typed from inside a batch file is told. */
export function nestedRunRefusal(name: string): string {
  return `|r${name} cannot be used from inside a batch run (a batch file cannot start or steer a batch run).|n`;
}

/**
 * Do `work` as `cmd`'s batch run: outside the command's unit of work, marked as
 * running (see {@link inBatchRun}). An unexpected error ends it with a message that
 * says what was kept, never "nothing was changed".
 */
export async function duringBatchRun(cmd: Command, work: () => Promise<void>): Promise<void> {
  const caller = cmd.caller as object;
  running.add(caller);
  try {
    await outsideUnitOfWork(async () => {
      try {
        await work();
      } catch (err) {
        const id = randomBytes(4).toString("hex");
        log.error(`batch run of ${String((caller as { key?: unknown }).key)} failed [error id ${id}]`, err);
        cmd.msg(`|rThe batch run stopped with an error (error id ${id}); the entries run before it were kept. It has been logged.|n`);
      }
    });
  } finally {
    running.delete(caller);
  }
}

/** How running an entry went: done, failed (a code block; shown), or stopped (the run must end; said why). */
export type EntryOutcome = "done" | "failed" | "stopped";

/** Run the current entry as `cmd`'s caller (call inside {@link duringBatchRun}). */
export async function runCurrent(cmd: Command, state: BatchState): Promise<EntryOutcome> {
  const entry = state.stack[state.ptr];
  if (entry === undefined) return "done";
  if (state.mode === "batch_code") {
    const refusal = batchCodeRefusal(cmd);
    if (refusal) {
      cmd.msg(refusal);
      return "stopped";
    }
  }
  cmd.msg(formatHeader(state, entry));
  const outcome = state.mode === "batch_commands" ? await runCommandEntry(cmd, entry) : await runCodeEntry(cmd, state, entry);
  const gone = callerGone(cmd);
  if (gone) {
    cmd.msg(`|rThe batch run stopped: ${gone}. Nothing more of ${state.pythonPath} was run.|n`);
    return "stopped";
  }
  return outcome;
}

/** Run entries from the current one to the end; the first that does not end "done" stops it. */
export async function runRemaining(cmd: Command, state: BatchState): Promise<EntryOutcome> {
  while (state.ptr < state.stack.length) {
    const outcome = await runCurrent(cmd, state);
    if (outcome !== "done") return outcome;
    state.ptr++;
  }
  return "done";
}

/** A command of the file, through the command handler in a unit of work of its own. */
async function runCommandEntry(cmd: Command, entry: string): Promise<EntryOutcome> {
  await cmd.execute(entry);
  if (hasPendingInput(cmd.session)) {
    // a hidden question (a password) turned the client's echo off: turn it back on
    if (takePendingInput(cmd.session)?.hidden) cmd.msg({ echo: [[], { hidden: false }] });
    cmd.msg(`|r'${entry}' asked a question, which a batch file cannot answer: the question was cancelled and what it asked about was not done (in a batch file give the command a switch that does not ask, like destroy/force).|n`);
  }
  return "done";
}

/** A code block in a unit of work of its own: rolled back when it throws. */
async function runCodeEntry(cmd: Command, state: BatchState, entry: string): Promise<EntryOutcome> {
  const caller = cmd.caller as TypedObject;
  let error: string | null = null;
  try {
    await runInUnitOfWork(caller._store.db, async () => {
      error = await runBatchCodeBlock(entry, state.file, {
        caller,
        debug: state.debug,
        // shown at once, even when the block is rolled back after
        print: (text) => outsideUnitOfWork(() => cmd.msg(text)),
      });
      // throwing rolls back what the block changed
      if (error) throw new EvenniaError("EV_ERR_GAME_CODE", error);
    });
  } catch (err) {
    error ??= `What the block did could not be saved: ${(err as Error).message}`;
  }
  if (error === null) return "done";
  cmd.msg({ text: [formatCode(`${error}\nThe block was rolled back: nothing it changed in the game was kept.`), { type: "batch" }] });
  return "failed";
}

/** Why the caller the run started for no longer runs this session's commands, or null. */
function callerGone(cmd: Command): string | null {
  const caller = cmd.caller as object;
  const name = String((caller as { key?: unknown }).key ?? "the caller");
  if (caller instanceof TypedObject && caller.isDeleted) return `${name} was deleted`;
  const session = cmd.session;
  const now = session.puppet ?? session.account ?? session;
  return now === caller ? null : `this session's commands no longer run as ${name}`;
}
