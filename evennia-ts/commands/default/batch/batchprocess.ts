/**
 * `batchcommand` and `batchcode` (Evennia's batch processors): build from files in
 * the game's `world/` folder, all at once or, with `/interactive`, step by step with
 * the state commands of {@link BatchInteractiveCmdSet} (`nn`, `bb`, `pp`, `ll`, `ss`,
 * `cc`, `jj`, `rr`, `qq`, `hh` ...).
 */
import { CmdSet } from "../../cmdset.ts";
import { TypedObject } from "../../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { Command } from "../../command.ts";
import { MuxCommand } from "../../mux-command.ts";
import { BATCHCODE_DISABLED_MESSAGE, BATCHCODE_LOCK, batchCodeRefusal } from "./batch-code-access.ts";
import { duringBatchRun, inBatchRun, nestedRunRefusal, runCurrent, runRemaining } from "./batch-run.ts";
import { batchRoots, batchState, clearBatchState, formatCode, parseBatch, setBatchState, showCurrent, stepPointer, type BatchMode, type BatchState } from "./batch-state.ts";

export { BATCHCODE_DISABLED_MESSAGE };

/** The lock of the batch processors and their state commands. */
const BATCH_LOCK = "cmd:perm(batchcommands) or perm(Developer)";

/** End the run of the caller of `cmd`: its state and the processor's cmdsets go. */
function purgeProcessor(cmd: Command): void {
  const caller = cmd.caller as object;
  clearBatchState(caller);
  if (caller instanceof TypedObject) {
    caller.cmdset.remove(BatchInteractiveCmdSet);
    caller.cmdset.remove(BatchSafeCmdSet);
  }
}

/** Start a run of `mode` for `cmd`'s caller: parse, then run all or enter interactive mode. */
async function startBatch(cmd: MuxCommand, mode: BatchMode, usage: string, what: string): Promise<void> {
  const pythonPath = cmd.args.trim();
  if (!pythonPath) {
    cmd.msg(usage);
    return;
  }
  const caller = cmd.caller as object;
  if (!(caller instanceof TypedObject)) {
    cmd.msg("You need to be logged in to run a batch file.");
    return;
  }
  if (inBatchRun(caller)) {
    cmd.msg(nestedRunRefusal(cmd.key));
    return;
  }
  let parsed: { file: string; stack: string[] };
  try {
    parsed = parseBatch(mode, pythonPath);
  } catch (err) {
    if (!isEvenniaError(err)) throw err;
    cmd.msg(`'${pythonPath}' could not load: ${err.message}\n(batch files are read from the game folder's ${batchRoots().folders.join(", ")} folder(s))`);
    return;
  }
  const { file, stack } = parsed;
  if (stack.length === 0) {
    cmd.msg(`File ${pythonPath} seems empty of ${what}.`);
    return;
  }
  const state: BatchState = { mode, pythonPath, file, stack, ptr: 0, debug: cmd.switches.includes("debug") };
  purgeProcessor(cmd);
  setBatchState(caller, state);
  const label = mode === "batch_code" ? "Batch-code" : "Batch-command";
  if (cmd.switches.includes("interactive")) {
    caller.cmdset.add(BatchSafeCmdSet);
    caller.cmdset.add(BatchInteractiveCmdSet);
    cmd.msg(`\n${label} processor - Interactive mode for ${pythonPath} ...`);
    showCurrent(cmd, state);
    return;
  }
  await duringBatchRun(cmd, async () => {
    try {
      cmd.msg(`Running ${label} processor - Automatic mode for ${pythonPath}${mode === "batch_commands" ? " (this might take some time)" : ""} ...`);
      // as Evennia: a failing block stops the run where it is
      if ((await runRemaining(cmd, state)) === "done") cmd.msg(`|G  Batchfile '${pythonPath}' applied.|n`);
    } finally {
      clearBatchState(caller);
    }
  });
}

/** `batchcommand[/interactive] <path.to.file>`. */
export class CmdBatchCommands extends MuxCommand {
  override key = "batchcommands";
  override aliases = ["batchcommand", "batchcmd"];
  override switchOptions = ["interactive"];
  override locks = BATCH_LOCK;
  override helpCategory = "building";
  override help = `Build from a batch-command file.

Usage:
  batchcommand[/interactive] <path.to.file>

Switches:
  interactive - step through the file: see each command before it runs,
                skip, go back, reload the file ... (hh lists the commands)

Runs the commands of a batch-command file (.ev) as if you typed them, one
after the other, with your permissions. The file is named by its path in the
game folder's world/ folder (the setting batchProcessPaths), dots between the
parts and without .ev: "world.build" or "build" both read world/build.ev.

In the file, every command ends at a line starting with #, which is a
comment. A command may run over several lines; an empty line inside it is a
line break. "#INSERT path.to.other" runs the commands of another file there.
Commands that would ask you a question (destroy) should be given /force.

Examples:
  batchcommand world.build
  batchcommand/interactive build`;

  override async func(): Promise<void> {
    await startBatch(this, "batch_commands", "Usage: batchcommands[/interactive] <path.to.file>", "valid commands");
  }
}

/** `batchcode[/interactive][/debug] <path.to.file>`. */
export class CmdBatchCode extends MuxCommand {
  override key = "batchcode";
  override aliases = ["batchcodes"];
  override switchOptions = ["interactive", "debug"];
  override locks = BATCHCODE_LOCK;
  override helpCategory = "building";
  override help = `Build from a batch-code file of TypeScript.

Usage:
  batchcode[/interactive][/debug] <path.to.file>

Switches:
  interactive - step through the file block by block (hh lists the commands)
  debug       - set DEBUG to true in the code, so blocks can delete what
                they made and be run again while you work on them

Runs a batch-code file (.ts in the game's world/ folder, named like
"world.code" for world/code.ts) inside the server. "#HEADER" lines start code
put in front of every block (imports, constants); "#CODE" lines start a block
that runs on its own; "#INSERT path.to.other" inserts another file's blocks.
Each block can use caller, here, DEBUG, print(), search, getById,
createObject and spawn without importing them.

|rThe command is off unless the setting batchCodeEnabled is true, and even
then only Developers may use it: the code can do anything the server can.|n

Examples:
  batchcode world.code
  batchcode/interactive/debug code`;

  override async func(): Promise<void> {
    const refusal = batchCodeRefusal(this);
    if (refusal) {
      this.msg(refusal);
      return;
    }
    await startBatch(this, "batch_code", "Usage: batchcode[/interactive/debug] <path.to.file>", "functional code");
  }
}

/** Base of the interactive mode's state commands: they need a run going on. */
abstract class BatchStateCommand extends Command {
  override locks = BATCH_LOCK;
  override helpCategory = "batchprocess";

  /** The caller's run; null after telling it there is none. */
  protected state(): BatchState | null {
    const state = batchState(this.caller as object);
    if (!state || state.stack.length === 0) {
      this.msg("There is no batch file being processed (quitting interactive mode).");
      purgeProcessor(this);
      return null;
    }
    return state;
  }

  /** The number of steps after the command (`nn 3`; 1 when none); null after refusing anything else. */
  protected count(): number | null {
    const arg = this.args.trim();
    if (!arg) return 1;
    const steps = /^\d+$/.test(arg) ? Number(arg) : NaN;
    if (!(steps >= 1)) {
      this.msg(formatCode(`${this.key} takes a number of steps as a positive whole number (${this.key} 3), not '${arg}'.`));
      return null;
    }
    return steps;
  }

  /** A batch file cannot steer the run it is part of (`nn` or `rrr` in a file run by `cc`). */
  override async atPreCmd(): Promise<boolean> {
    if (!inBatchRun(this.caller as object)) return true;
    this.msg(nestedRunRefusal(this.key));
    return false;
  }

  override async func(): Promise<void> {
    const state = this.state();
    if (state) await duringBatchRun(this, () => this.run(state));
  }

  /** The run must end (its caller is gone, or batch code is no longer allowed). */
  protected stopped(): void {
    purgeProcessor(this);
  }

  /** Do the command's work on the run. */
  protected abstract run(state: BatchState): Promise<void>;
}

/** `abort`: leave the processor at once, whatever cmdsets a batch file added. */
export class CmdStateAbort extends BatchStateCommand {
  override key = "abort";
  override help = `Leave the batch processor at once.

Usage:
  abort

Examples:
  abort`;
  override async func(): Promise<void> {
    purgeProcessor(this);
    this.msg("Exited processor and reset out active cmdset back to the default one.");
  }
  protected async run(): Promise<void> {}
}

/** Makes a state command class with a help text of Evennia's shape. */
function stateHelp(summary: string, usage: string, example: string): string {
  return `${summary}\n\nUsage:\n  ${usage}\n\nExamples:\n  ${example}`;
}

/** `ll`: show the whole current entry. */
export class CmdStateLL extends BatchStateCommand {
  override key = "ll";
  override help = stateHelp("Show the whole current command or code block.", "ll", "ll");
  protected async run(state: BatchState): Promise<void> {
    showCurrent(this, state, true);
  }
}

/** `pp`: run the current entry (and stay on it). */
export class CmdStatePP extends BatchStateCommand {
  override key = "pp";
  override help = stateHelp("Process the current command or block, staying on it.", "pp", "pp");
  protected async run(state: BatchState): Promise<void> {
    if ((await runCurrent(this, state)) === "stopped") this.stopped();
  }
}

/** `rr`: reload the file, staying on the same entry. */
export class CmdStateRR extends BatchStateCommand {
  override key = "rr";
  override help = stateHelp("Reload the batch file, staying on the same entry.", "rr", "rr");
  protected async run(state: BatchState): Promise<void> {
    if (!this.reload(state)) return;
    this.msg(formatCode("File reloaded. Staying on same command."));
    showCurrent(this, state);
  }

  /** Parse the file again into `state`; false after reporting a failure. */
  protected reload(state: BatchState): boolean {
    try {
      const { file, stack } = parseBatch(state.mode, state.pythonPath);
      state.file = file;
      state.stack = stack;
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      this.msg(`|rCould not reload ${state.pythonPath} (the entries loaded before stay): ${err.message}|n`);
      return false;
    }
    if (state.stack.length === 0) {
      this.msg(`File ${state.pythonPath} is now empty; leaving the processor.`);
      purgeProcessor(this);
      return false;
    }
    return true;
  }
}

/** `rrr`: reload the file and start from the top. */
export class CmdStateRRR extends CmdStateRR {
  override key = "rrr";
  override help = stateHelp("Reload the batch file and start again from the first entry.", "rrr", "rrr");
  protected override async run(state: BatchState): Promise<void> {
    if (!this.reload(state)) return;
    state.ptr = 0;
    this.msg(formatCode("File reloaded. Restarting from top."));
    showCurrent(this, state);
  }
}

/** `nn [steps]`: go to the next entry, running nothing. */
export class CmdStateNN extends BatchStateCommand {
  override key = "nn";
  override help = stateHelp("Go to the next entry (or steps ahead) without running anything.", "nn [steps]", "nn 3");
  protected async run(state: BatchState): Promise<void> {
    const steps = this.count();
    if (steps === null) return;
    stepPointer(this, state, steps);
    showCurrent(this, state);
  }
}

/** `nl [steps]`: next, showing the whole entry. */
export class CmdStateNL extends BatchStateCommand {
  override key = "nl";
  override help = stateHelp("Go to the next entry and show all of it, without running anything.", "nl [steps]", "nl");
  protected async run(state: BatchState): Promise<void> {
    const steps = this.count();
    if (steps === null) return;
    stepPointer(this, state, steps);
    showCurrent(this, state, true);
  }
}

/** `bb [steps]`: back to the previous entry, running nothing. */
export class CmdStateBB extends BatchStateCommand {
  override key = "bb";
  override help = stateHelp("Go back to the previous entry (or steps back) without running anything.", "bb [steps]", "bb 2");
  protected async run(state: BatchState): Promise<void> {
    const steps = this.count();
    if (steps === null) return;
    stepPointer(this, state, -steps);
    showCurrent(this, state);
  }
}

/** `bl [steps]`: back, showing the whole entry. */
export class CmdStateBL extends BatchStateCommand {
  override key = "bl";
  override help = stateHelp("Go back to the previous entry and show all of it, without running anything.", "bl [steps]", "bl");
  protected async run(state: BatchState): Promise<void> {
    const steps = this.count();
    if (steps === null) return;
    stepPointer(this, state, -steps);
    showCurrent(this, state, true);
  }
}

/** `ss [steps]`: run the current entry and step on (steps times). */
export class CmdStateSS extends BatchStateCommand {
  override key = "ss";
  override help = stateHelp("Process the current entry, then step to the next (steps times).", "ss [steps]", "ss 5");
  protected showAll = false;
  protected async run(state: BatchState): Promise<void> {
    const steps = this.count();
    if (steps === null) return;
    for (let i = 0; i < steps; i++) {
      const atEnd = state.ptr >= state.stack.length - 1;
      if ((await runCurrent(this, state)) === "stopped") {
        this.stopped();
        return;
      }
      stepPointer(this, state, 1);
      if (atEnd) break;
      showCurrent(this, state, this.showAll);
    }
  }
}

/** `sl [steps]`: as `ss`, showing each next entry in full. */
export class CmdStateSL extends CmdStateSS {
  override key = "sl";
  override help = stateHelp("Process the current entry, step to the next and show all of it.", "sl [steps]", "sl");
  protected override showAll = true;
}

/** `cc`: run everything left, then leave the processor. */
export class CmdStateCC extends BatchStateCommand {
  override key = "cc";
  override help = stateHelp("Process every remaining entry, then leave the processor.", "cc", "cc");
  protected async run(state: BatchState): Promise<void> {
    const outcome = await runRemaining(this, state);
    if (outcome === "stopped") {
      this.stopped();
      return;
    }
    if (outcome === "failed") {
      this.msg(formatCode("Stopped at the failing block; fix it and rr to reload."));
      return;
    }
    purgeProcessor(this);
    this.msg(formatCode("Finished processing batch file."));
  }
}

/** `jj <n>`: jump to entry n. */
export class CmdStateJJ extends BatchStateCommand {
  override key = "jj";
  override help = stateHelp("Jump to entry number N without running anything.", "jj <N>", "jj 4");
  protected showAll = false;
  protected async run(state: BatchState): Promise<void> {
    const arg = this.args.trim();
    if (!/^\d+$/.test(arg)) {
      this.msg(formatCode("You must give a number index."));
      return;
    }
    const index = Number(arg);
    if (!(index >= 1 && index <= state.stack.length)) {
      this.msg(formatCode(`There is no entry ${arg}: the file has entries 1 to ${state.stack.length}.`));
      return;
    }
    stepPointer(this, state, index - 1 - state.ptr);
    showCurrent(this, state, this.showAll);
  }
}

/** `jl <n>`: jump to entry n and show it in full. */
export class CmdStateJL extends CmdStateJJ {
  override key = "jl";
  override help = stateHelp("Jump to entry number N and show all of it.", "jl <N>", "jl 4");
  protected override showAll = true;
}

/** `qq`: quit, running nothing more. */
export class CmdStateQQ extends BatchStateCommand {
  override key = "qq";
  override help = stateHelp("Quit the batch processor; nothing more is run.", "qq", "qq");
  override async func(): Promise<void> {
    purgeProcessor(this);
    this.msg("Aborted interactive batch mode.");
  }
  protected async run(): Promise<void> {}
}

/** The list `hh` shows. */
export const BATCH_INTERACTIVE_HELP = `Interactive batch processing commands:
 nn [steps] - next command (no processing)
 nl [steps] - next & look
 bb [steps] - back to previous command (no processing)
 bl [steps] - back & look
 jj   <N>   - jump to command nr N (no processing)
 jl   <N>   - jump & look
 pp         - process currently shown command (no step)
 ss [steps] - process & step
 sl [steps] - process & step & look
 ll         - look at full definition of current command
 rr         - reload batch file (stay on current)
 rrr        - reload batch file (start from first)
 hh         - this help list
 cc         - continue processing to end, then quit.
 qq         - quit (abort all remaining commands)
 abort      - always available, whatever cmdsets the batch added: leave the
              processor at once and get your normal commands back.`;

/** `hh`: the list of state commands. */
export class CmdStateHH extends BatchStateCommand {
  override key = "hh";
  override help = stateHelp("List the interactive batch processor's commands.", "hh", "hh");
  override async func(): Promise<void> {
    this.msg({ text: [BATCH_INTERACTIVE_HELP, { type: "help" }] });
  }
  protected async run(): Promise<void> {}
}

/** Always there during a run: `abort` gets the builder out whatever the file did. */
export class BatchSafeCmdSet extends CmdSet {
  override key = "Batch_default";
  override priority = 150;
  override atCmdsetCreation(): void {
    this.add(CmdStateAbort);
  }
}

/** The interactive mode's state commands, on top of the builder's own. */
export class BatchInteractiveCmdSet extends CmdSet {
  override key = "Batch_interactive";
  override priority = 104;
  override atCmdsetCreation(): void {
    this.add(CmdStateAbort).add(CmdStateLL).add(CmdStatePP).add(CmdStateRR).add(CmdStateRRR).add(CmdStateNN).add(CmdStateNL);
    this.add(CmdStateBB).add(CmdStateBL).add(CmdStateSS).add(CmdStateSL).add(CmdStateCC).add(CmdStateJJ).add(CmdStateJL);
    this.add(CmdStateQQ).add(CmdStateHH);
  }
}
