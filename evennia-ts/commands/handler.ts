/**
 * The command handler: it takes a line a player typed, applies the player's input
 * nicks to it (`typeclasses/nick-handler.ts`), gathers and merges the
 * cmdsets that apply (`cmdset-gather.ts`, `cmdset-merge.ts`; the merge is cached
 * for an unchanged situation), finds the command (`command-parser.ts`), and runs a
 * copy of it in a unit of work: `atPreCmd` → `parse` → `func` → `atPostCmd`. Lines
 * that call no command go to the system commands (`system-commands.ts`). A
 * session's commands run one at a time, in order, through a bounded per-session
 * queue (`session-command-queue.ts`). A failing command — whether its constructor,
 * a hook, `parse` or `func` throws — is rolled back; the player gets a short message
 * with an error id, the log gets the trace (a database outage: one line, repeats
 * summarised), and the session's next command runs as usual. Nothing a player types
 * can throw out of {@link CommandHandler.execute}.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { NotLoadedError } from "../typeclasses/attribute-handler.ts";
import type { PermissionHolder } from "../locks/permissions.ts";
import { isEvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { beginActivity, endActivity } from "../utils/activity.ts";
import type { CmdSet } from "./cmdset.ts";
import { configureDefaultCmdSets, FRAMEWORK_CMDSET_PATHS, type DefaultCmdSetPaths } from "./cmdset-handler.ts";
import { gatherCmdSetsSoon } from "./cmdset-gather.ts";
import "./exit-cmdset.ts";
import { MergeCache, mergeStack, type StackEntry } from "./cmdset-merge.ts";
import { Command, copyCommand, InterruptCommand, type CommandServices, type CommandSession } from "./command.ts";
import { DEFAULT_IGNORE_PREFIXES, parseCommand, type CommandMatch } from "./command-parser.ts";
import { CMD_MULTIMATCH, CMD_NOINPUT, CMD_NOMATCH, MultiMatchCommand, multiMatchMessage, noMatchMessage, systemCommand } from "./system-commands.ts";
import { SessionCommandQueue } from "./session-command-queue.ts";
import { RepeatedErrorLog } from "../utils/repeated-error-log.ts";
import type { Session } from "../typeclasses/sessions.ts";
import { inputNickCategories } from "../typeclasses/nick-handler.ts";
import { answerInput, hasPendingInput, takePendingInput, type PendingInput } from "./input-prompt.ts";

const log = getLogger("commands");
/** Runs of one command when it reads attributes whose references are still loading (see `Store.load`). */
const MAX_ATTEMPTS = 3;
/** How many sets a session's stacks were merged on are remembered (see CommandHandler.forgetMerges). */
const BOTTOMS_KEPT = 4;

/** Paths of the default cmdsets (settings). */
export type CmdSetPaths = Partial<DefaultCmdSetPaths> & Pick<DefaultCmdSetPaths, "cmdsetUnloggedin" | "cmdsetAccount" | "cmdsetCharacter">;

/** Framework fallbacks when a game registers none. */
export const DEFAULT_CMDSET_PATHS: DefaultCmdSetPaths = FRAMEWORK_CMDSET_PATHS;

/** Options of {@link CommandHandler}. */
export interface CommandHandlerOptions {
  /** Merged cmdsets to remember (0: no cache). Default 1000. */
  mergeCacheSize?: number;
  /** Characters ignored at the start of command names (default `@&/+`). */
  ignorePrefixes?: string;
  /** Longest line accepted, in characters (0: no limit). Default 6000. */
  maxCharLimit?: number;
  /** Commands a session may have waiting behind the running one (setting `commandQueueLimit`; default 20). */
  queueLimit?: number;
  /** Apply the players' input nicks to each typed line before it is parsed (default true). */
  useNicks?: boolean;
  /** Told of each command that failed with an error (not bad input or a database outage): the server posts it on MudInfo. */
  onCommandError?: (report: { id: string; line: string; who: string | null }) => void;
}

/** How deep a command may run other commands (Evennia's limit). */
const COMMAND_RECURSION_LIMIT = 10;

/** Evennia's `MAX_CHAR_LIMIT_WARNING`. */
export const MAX_CHAR_LIMIT_WARNING = "You entered a string that was too long. Please break it up into multiple parts.";

/** Control characters a typed line may not contain (tab is allowed). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** How `^C`-style a control character is written. */
function caretNotation(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
  if (code === 0x7f) return "^?";
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** How a running command is named in stall reports: `command "dig" ("dig/tel Hall") by Anna (account anna, session 3)`. */
export function describeCommandRun(cmdname: string, raw: string, caller: unknown, session: CommandSession): string {
  return commandRunLabeller(cmdname, raw, caller, session)();
}

/**
 * {@link describeCommandRun} put into words only when read (the stall watchdog reads it
 * after a blocked loop), not on every command. The names are taken now, as strings: the
 * label keeps no game object alive.
 */
function commandRunLabeller(cmdname: string, raw: string, caller: unknown, session: CommandSession): () => string {
  const key = caller && typeof caller === "object" && "key" in caller ? (caller as { key: unknown }).key : undefined;
  const who = String(key ?? "an unlogged session");
  const accountKey = session.account?.key;
  const sessid = session.sessid;
  return () => {
    const typed = raw.trim();
    const shown = typed.length > 60 ? `${typed.slice(0, 60)}...` : typed;
    const account = accountKey !== undefined && accountKey !== who ? `account ${accountKey}, ` : "";
    return `command "${cmdname}" ("${shown}") by ${who} (${account}session ${sessid})`;
  };
}

/** Runs players' commands. */
export class CommandHandler {
  /** Each session's commands, one at a time, bounded. */
  readonly queue: SessionCommandQueue<CommandSession>;
  /** Database-outage failures: one line each, repeats summarised. */
  private readonly outageLog = new RepeatedErrorLog(log);
  /** How deep commands run commands (`execute`) per session. */
  private readonly nesting = new WeakMap<CommandSession, number>();
  /** The sets each session's stacks were merged on, most recent first (see {@link forgetMerges}). */
  private readonly bottoms = new WeakMap<CommandSession, CmdSet[]>();
  private readonly cache: MergeCache | null;
  private readonly ignorePrefixes: string;
  private readonly maxCharLimit: number;
  private readonly useNicks: boolean;
  private readonly onCommandError: CommandHandlerOptions["onCommandError"];

  constructor(
    private readonly db: Database,
    private readonly services: CommandServices,
    paths: CmdSetPaths,
    options: CommandHandlerOptions = {},
  ) {
    configureDefaultCmdSets(paths);
    const size = options.mergeCacheSize ?? 1000;
    this.cache = size > 0 ? new MergeCache(size) : null;
    this.ignorePrefixes = options.ignorePrefixes ?? DEFAULT_IGNORE_PREFIXES;
    this.maxCharLimit = options.maxCharLimit ?? 6000;
    this.useNicks = options.useNicks ?? true;
    this.onCommandError = options.onCommandError;
    this.queue = new SessionCommandQueue(options.queueLimit ?? 20, (session, line) => this.run(session, line));
  }

  /** Queue a line from `session`; resolves when it has run (or was dropped: queue full, session gone). */
  execute(session: CommandSession, line: string): Promise<void> {
    return this.queue.enqueue(session, line);
  }

  /** Write pending "... and N more like it" log summaries now (the server is stopping). */
  flushLogSummaries(): void {
    this.outageLog.flush();
  }

  /** Drop the commands `session` has waiting (it disconnected); returns how many. */
  discard(session: CommandSession): number {
    return this.queue.discard(session);
  }

  /** Forget the merged cmdsets made for `session` (it is gone): only it could hit them. */
  forgetMerges(session: CommandSession): void {
    for (const bottom of this.bottoms.get(session) ?? []) this.cache?.forget(bottom);
    this.bottoms.delete(session);
  }

  /** Merge-cache hits and misses (null when the cache is off). */
  cacheStats(): ReturnType<MergeCache["stats"]> | null {
    return this.cache?.stats() ?? null;
  }

  /** The merged cmdset that applies to `session` now. */
  async currentCmdSet(session: CommandSession): Promise<CmdSet> {
    return this.currentCmdSetSoon(session);
  }

  /** {@link currentCmdSet} without a promise when nothing has to be loaded first (each promise costs). */
  private currentCmdSetSoon(session: CommandSession): CmdSet | Promise<CmdSet> {
    const gathered = gatherCmdSetsSoon(session, this.accessor(session));
    if (gathered instanceof Promise) return gathered.then(({ entries }) => this.merge(session, entries));
    return this.merge(session, gathered.entries);
  }

  private merge(session: CommandSession, entries: readonly StackEntry[]): CmdSet {
    if (!this.cache) return mergeStack(entries);
    const bottom = entries[0]?.set;
    if (bottom) this.noteBottom(session, bottom);
    return this.cache.merged(entries);
  }

  /** Remember `bottom` among the sets `session`'s stacks were merged on (the last few: logging in and out changes it). */
  private noteBottom(session: CommandSession, bottom: CmdSet): void {
    const known = this.bottoms.get(session);
    if (!known) this.bottoms.set(session, [bottom]);
    else if (known[0] !== bottom) {
      const at = known.indexOf(bottom);
      if (at > 0) known.splice(at, 1);
      known.unshift(bottom);
      if (known.length > BOTTOMS_KEPT) known.length = BOTTOMS_KEPT;
    }
  }

  /** Who command locks are checked against: the puppet when there is one, else the account (else the session), as Evennia. */
  private accessor(session: CommandSession): PermissionHolder | null {
    return (session.puppet ?? session.account ?? session) as PermissionHolder;
  }

  private async run(session: CommandSession, rawLine: string): Promise<void> {
    // an answer to a question passes the same checks as a command line; refused, the question stays open
    const refusal = hasPendingInput(session) ? this.lineRefusal(String(rawLine).replace(/\r?\n$/, "")) : null;
    if (refusal) {
      session.msg(refusal);
      this.sendPrompt(session);
      return;
    }
    const question = takePendingInput(session);
    if (question) {
      await this.answer(session, String(rawLine), question);
    } else {
      try {
        await this.runLine(session, this.applyNicks(session, typeof rawLine === "string" ? rawLine : String(rawLine)));
      } catch (err) {
        this.reportFailure(session, String(rawLine).slice(0, 200), err);
      }
    }
    this.sendPrompt(session);
  }

  /**
   * After each command, the account's prompt (`DefaultAccount.getPrompt`), if it
   * has one and no question is waiting for an answer. A session with the client
   * option `commandend` on gets an empty prompt when there is no other, logged in
   * or not: telnet ends it with EOR or GA, the webclient gets a `prompt` message,
   * so a client (or the load tester) knows each command's output is complete.
   */
  private sendPrompt(session: CommandSession): void {
    const account = session.account;
    const marker = session.clientOptions.commandend === true;
    if (!account || hasPendingInput(session)) {
      if (marker) session.msg({ prompt: "" });
      return;
    }
    let prompt: string | null = null;
    try {
      prompt = account.getPrompt(session as unknown as Session);
    } catch (err) {
      log.error(`getPrompt of ${account.key} failed`, err);
    }
    if (prompt) session.msg({ prompt });
    else if (marker) session.msg({ prompt: "" });
  }

  /**
   * The line after the input nicks (`inputline`, and categories registered as
   * applying to input) of the puppet and its account — or, out of character, of the
   * account — as Evennia does before the command handler sees it. Lines over the
   * length limit are left for `runLine` to refuse.
   */
  private applyNicks(session: CommandSession, line: string): string {
    if (!this.useNicks || !session.account || (this.maxCharLimit > 0 && line.length > this.maxCharLimit)) return line;
    try {
      const categories = inputNickCategories();
      return session.puppet ? session.puppet.nicks.nickreplace(line, categories, true) : session.account.nicks.nickreplace(line, categories, false);
    } catch (err) {
      log.error(`nick replacement for session ${session.sessid} failed; the line is used as typed`, err);
      return line;
    }
  }

  /** A line answers a question asked with `getInput`: the callback runs instead of a command. */
  private async answer(session: CommandSession, rawLine: string, question: PendingInput): Promise<void> {
    const activity = beginActivity(commandRunLabeller("(answer to a question)", question.hidden ? "(hidden input)" : rawLine, session.puppet ?? session.account ?? session, session));
    try {
      await answerInput(this.db, session, rawLine.replace(/\r?\n$/, ""), question);
    } catch (err) {
      this.reportFailure(session, question.hidden ? "(hidden input)" : rawLine.trim(), err);
    } finally {
      endActivity(activity);
    }
  }

  /** Why a typed line is not run (too long, or holding a control character), or null. */
  private lineRefusal(rawLine: string): string | null {
    if (this.maxCharLimit > 0 && rawLine.length > this.maxCharLimit) return MAX_CHAR_LIMIT_WARNING;
    const control = CONTROL_CHARS.exec(rawLine);
    if (control) return `Your input contained a control character (${caretNotation(control[0])}); it was not run.`;
    return null;
  }

  private async runLine(session: CommandSession, rawLine: string): Promise<void> {
    const refusal = this.lineRefusal(rawLine);
    if (refusal) {
      session.msg(refusal);
      return;
    }
    const soon = this.currentCmdSetSoon(session);
    const cmdset = soon instanceof Promise ? await soon : soon;
    const line = rawLine.trim();
    const caller = session.puppet ?? session.account ?? session;
    const base = { session, cmdset, raw: rawLine };
    if (!line) {
      const syscmd = systemCommand(cmdset, CMD_NOINPUT);
      if (syscmd) await this.runCommand(syscmd, { ...base, cmdname: CMD_NOINPUT, rawCmdname: CMD_NOINPUT, args: "" });
      return;
    }
    const accessor = this.accessor(session);
    const matches = parseCommand(line, cmdset, { ignorePrefixes: this.ignorePrefixes, caller: accessor, session });
    if (matches.length > 1) {
      const syscmd = systemCommand(cmdset, CMD_MULTIMATCH);
      if (syscmd) {
        await this.runCommand(syscmd, { ...base, cmdname: CMD_MULTIMATCH, rawCmdname: CMD_MULTIMATCH, args: "There were multiple matches." }, matches);
      } else session.msg(multiMatchMessage(matches, caller));
      return;
    }
    const match = matches[0];
    if (!match) {
      const syscmd = systemCommand(cmdset, CMD_NOMATCH);
      if (syscmd) await this.runCommand(syscmd, { ...base, cmdname: CMD_NOMATCH, rawCmdname: CMD_NOMATCH, args: line });
      else session.msg(noMatchMessage(line, cmdset.allNames(accessor)));
      return;
    }
    await this.runCommand(match.cmd, { ...base, cmdname: match.cmdname, rawCmdname: match.rawCmdname, args: match.args });
  }

  private async runCommand(
    template: Command,
    call: { session: CommandSession; cmdset: CmdSet; raw: string; cmdname: string; rawCmdname: string; args: string },
    matches?: CommandMatch[],
  ): Promise<void> {
    const { session } = call;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown = null;
      let failed = false;
      // the stall watchdog (server/stall-watchdog.ts) names what ran when the loop was blocked
      const activity = beginActivity(commandRunLabeller(call.rawCmdname, call.raw, session.puppet ?? session.account ?? session, session));
      try {
        const cmd = this.prepare(template, call, matches);
        await runInUnitOfWork(this.db, () => runHooks(cmd));
      } catch (err) {
        failed = true;
        failure = err;
      }
      endActivity(activity);
      if (!failed) return;
      // It read an attribute or contents still loading: it has been rolled back (its output
      // was never sent); wait for them and run it again, as a fresh copy.
      if (failure instanceof NotLoadedError && attempt < MAX_ATTEMPTS) {
        await failure.ready;
        continue;
      }
      this.reportFailure(session, call.raw.trim(), failure);
      return;
    }
  }

  /** A fresh copy of `template` with this run's caller, session and arguments. */
  private prepare(
    template: Command,
    call: { session: CommandSession; cmdset: CmdSet; raw: string; cmdname: string; rawCmdname: string; args: string },
    matches?: CommandMatch[],
  ): Command {
    const { session } = call;
    const cmd = copyCommand(template);
    cmd.session = session;
    cmd.account = session.account;
    cmd.caller = session.puppet ?? session.account ?? session;
    cmd.cmdname = call.cmdname;
    cmd.cmdstring = call.cmdname;
    cmd.rawCmdname = call.rawCmdname;
    cmd.args = call.args;
    cmd.raw = call.raw;
    cmd.cmdset = call.cmdset;
    cmd.services = this.services;
    cmd._runLine = async (line) => {
      const depth = (this.nesting.get(session) ?? 0) + 1;
      if (depth > COMMAND_RECURSION_LIMIT) {
        session.msg(`Command recursion limit (${COMMAND_RECURSION_LIMIT}) reached for '${call.rawCmdname}'.`);
        return;
      }
      this.nesting.set(session, depth);
      try {
        await this.runLine(session, line);
      } finally {
        this.nesting.set(session, depth - 1);
      }
    };
    if (matches && cmd instanceof MultiMatchCommand) cmd.matches = matches;
    else if (matches) (cmd as Command & { matches?: CommandMatch[] }).matches = matches;
    return cmd;
  }

  private reportFailure(session: CommandSession, line: string, err: unknown): void {
    try {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT") || isEvenniaError(err, "EV_ERR_LOCK_DENIED") || isEvenniaError(err, "EV_ERR_SERIALIZE")) {
        session.msg(`|r${err.message}|n`);
        return;
      }
      const id = randomBytes(4).toString("hex");
      const where = `command "${line.slice(0, 200)}" from session ${session.sessid} failed [error id ${id}]`;
      if (isEvenniaError(err, "EV_ERR_DB_UNAVAILABLE")) this.outageLog.report(err.code, `${where}: ${err.code}: ${err.message}`);
      else {
        log.error(where + privateMemberHint(err), err);
        this.onCommandError?.({ id, line, who: session.account?.key ?? null });
      }
      const what = isEvenniaError(err, "EV_ERR_DB_UNAVAILABLE") ? "The database is unavailable right now" : "An error occurred";
      session.msg(`|r${what}; nothing was changed (error id ${id}). It has been logged.|n`);
    } catch (reportErr) {
      log.error("could not report a failed command", reportErr);
    }
  }
}

/**
 * A hint for the log when a command failed on a JavaScript `#private` member: a run is
 * a copy of the command (an object whose prototype is the set's command), which has
 * none of the original's private members. TypeScript's `private` works.
 */
function privateMemberHint(err: unknown): string {
  if (!(err instanceof TypeError) || !/private member|Receiver must be an instance of class/.test(err.message)) return "";
  return " (a command runs as a copy whose prototype is the command, so JavaScript #private members are not on it: use TypeScript's `private` in commands)";
}

const basePreCmd = Command.prototype.atPreCmd;
const basePostCmd = Command.prototype.atPostCmd;

/**
 * `atPreCmd` → `parse` → `func` → `atPostCmd`; `InterruptCommand` stops quietly. The
 * base class's empty hooks are not called (each call would cost a promise).
 */
async function runHooks(cmd: Command): Promise<void> {
  try {
    if (cmd.atPreCmd !== basePreCmd && (await cmd.atPreCmd()) === false) return;
    const parsing = cmd.parse();
    if (parsing) await parsing;
    await cmd.func();
    if (cmd.atPostCmd !== basePostCmd) await cmd.atPostCmd();
  } catch (err) {
    if (!(err instanceof InterruptCommand)) throw err;
  }
}
