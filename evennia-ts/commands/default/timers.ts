/**
 * Looking at the shared timers: `tickers` (the ticker handler's subscriptions)
 * and `tasks` (delayed calls made with `delay`, which it can also cancel, pause,
 * run early or remove).
 */
import { EvTable } from "../../utils/text/evtable.ts";
import { tickerHandler } from "../../timers/ticker-handler.ts";
import { taskHandler, type DelayedTask } from "../../timers/task-handler.ts";
import { getInput } from "../input-prompt.ts";
import { MuxCommand } from "../mux-command.ts";

/** `2026/01/01 12:00:30`: a task's completion date, as Evennia's table shows it. */
function completionDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ").replaceAll("-", "/");
}

/** A task's arguments for the table: objects as `#id` (saved ones are tagged JSON), never throwing. */
function displayArgs(task: DelayedTask): string {
  const readable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(readable);
    if (value && typeof value === "object") {
      const v = value as Record<string, unknown>;
      if (typeof v.dbref === "string") return v.dbref;
      if (v.$t === "ref") return `#${String(v.id)}`;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, readable(x)]));
    }
    return value;
  };
  try {
    return JSON.stringify(readable(task.argsJson !== null ? JSON.parse(task.argsJson) : task.args));
  } catch {
    return "(not shown)";
  }
}

/** `tickers`: the ticker handler's subscriptions. */
export class CmdTickers extends MuxCommand {
  override key = "tickers";
  override locks = "cmd:perm(tickers) or perm(Builder)";
  override helpCategory = "system";
  override help = `List the running tickers.

Usage:
  tickers

Shows every subscription of the ticker handler: its interval in seconds, the
object and method it calls (or the function, for one made in code with a plain
function), its idstring and whether it is saved (* in the db column: it
survives reloads and restarts). Tickers are made and removed in code with
tickerHandler.add and tickerHandler.remove; this command only looks.

Examples:
  tickers`;

  override async func(): Promise<void> {
    if (this.args.trim() || this.switches.length) {
      this.msg("Usage: tickers");
      return;
    }
    const subs = tickerHandler.started ? tickerHandler.all() : [];
    if (subs.length === 0) {
      this.msg("No tickers are currently active.");
      return;
    }
    const table = new EvTable(["interval (s)", "object", "path/methodname", "idstring", "db"], { maxwidth: this.clientWidth() });
    for (const sub of subs) {
      const object = sub.objRef === null ? "[None]" : sub.obj ? `${sub.obj.key} (${sub.objRef})` : `(${sub.objRef})`;
      table.addRow(String(sub.interval), object, sub.method, sub.idstring || "[Unset]", sub.persistent ? "*" : "-");
    }
    this.msg(`|wActive tickers|n:\n${table.toString()}`);
  }
}

/** The actions `tasks/<switch>` runs on a task. */
const TASK_ACTIONS = ["pause", "unpause", "do_task", "call", "remove", "cancel"] as const;
type TaskAction = (typeof TASK_ACTIONS)[number];

/** Run `action` on `task`; what it returned, for the message. */
async function runTaskAction(task: DelayedTask, action: TaskAction): Promise<string> {
  switch (action) {
    case "pause":
      return String(task.pause());
    case "unpause":
      return String(task.unpause());
    // inside the command's unit of work the callback runs right after it commits, in its own
    case "do_task":
      await task.callNow();
      return "called (it runs as this command completes)";
    case "call":
      await task.call();
      return "called (it runs as this command completes; the task keeps waiting)";
    case "remove":
      return String(task.remove());
    case "cancel":
      return String(task.cancel());
  }
}

/** `tasks`: list delayed tasks, and act on them. */
export class CmdTasks extends MuxCommand {
  override key = "tasks";
  override aliases = ["delays", "task"];
  override switchOptions = [...TASK_ACTIONS];
  override locks = "cmd:perm(Developer)";
  override helpCategory = "system";
  override help = `List delayed tasks, or act on one.

Usage:
  tasks
  tasks/<switch> <task id or function name>

Switches:
  pause   - stop the task's countdown (it keeps the time it had left)
  unpause - start the countdown again
  do_task - call the task now, instead of at its completion date
  call    - call the task's callback now, and keep it waiting for its date
  remove  - forget the task without calling it
  cancel  - stop the task from being called

Tasks are one-off delayed calls, made in code with delay(seconds, callback).
Without a switch, lists them: id, completion date, what it calls, its
arguments and whether it is saved (it survives reloads and restarts). Given a
task id, asks you to confirm first; given a function or method name, acts on
every task that calls it, at once.

Examples:
  tasks
  tasks/cancel 2
  tasks/cancel moveCallback
  tasks/do_task 5`;

  override async func(): Promise<void> {
    const tasks = taskHandler.started ? taskHandler.all() : [];
    if (tasks.length === 0) {
      this.msg("There are no active tasks.");
      if (this.switches.length || this.args.trim()) this.msg("Likely the task has completed and been removed.");
      return;
    }
    if (this.switches.length && this.lhs) {
      await this.act(this.switches[0] as TaskAction, this.lhslist[0]!);
      return;
    }
    if (this.switches.length || this.lhs) {
      this.msg("Task command misformed.\nProper format tasks[/switch] [function name or task id]");
      return;
    }
    const table = new EvTable(["Task ID", "Completion Date", "Function", "Object", "Arguments", "persistent"], { maxwidth: this.clientWidth() });
    for (const task of tasks) {
      table.addRow(
        String(task.id),
        completionDate(task.deadline) + (task.paused ? " (paused)" : ""),
        task.callbackName,
        task.objRef ?? "[None]",
        displayArgs(task),
        task.persistent ? "True" : "False",
      );
    }
    table.reformatColumn(1, { width: 21 }); // a date on one line
    this.msg(table.toString());
  }

  /** Run `action` on the task `target` names (an id: after a yes/no question) or on every task calling the function it names. */
  private async act(action: TaskAction, target: string): Promise<void> {
    if (/^\d+$/.test(target)) {
      const id = Number(target);
      const task = taskHandler.get(id);
      if (!task) {
        this.msg(`Task ${id} does not exist.`);
        return;
      }
      const due = completionDate(task.deadline);
      const session = this.session;
      getInput(session, `${action.charAt(0).toUpperCase()}${action.slice(1)} task ${id} with completion date ${due} (${task.callbackName}) [Y]/N?`, async (answer) => {
        const reply = answer.trim().toLowerCase();
        if (reply && !["y", "yes"].includes(reply)) {
          session.msg(`No ${action} processed.`);
          return;
        }
        if (taskHandler.get(id) !== task) {
          session.msg("Task completed while waiting for input.");
          return;
        }
        const result = await runTaskAction(task, action);
        session.msg(`${action} request completed.\nThe task function ${action} returned: ${result}`);
      });
      return;
    }
    const name = target.toLowerCase();
    const matching = taskHandler.all().filter((t) => t.callbackName.toLowerCase() === name);
    if (matching.length === 0) {
      this.msg(`No tasks deferring function name ${target} found.`);
      return;
    }
    for (const task of matching) {
      const result = await runTaskAction(task, action);
      this.msg(`Task action ${action} completed on task ID ${task.id}.\nThe task function ${action} returned: ${result}`);
    }
  }
}
