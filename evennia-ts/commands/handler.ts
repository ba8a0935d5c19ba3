/**
 * The command handler: it takes a line a player typed, finds the command in the
 * cmdsets that apply (unlogged-in, account, puppet), checks its `cmd` lock, and
 * runs it in a unit of work. A session's commands run one at a time, in order,
 * through a bounded per-session queue (`session-command-queue.ts`). A failing
 * command — whether its constructor, a hook, `parse` or `func` throws — is rolled
 * back; the player gets a short message with an error id, the log gets one line
 * (a database outage: no trace, and repeats summarised), and the session's next
 * command runs as usual.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { checkLock } from "../locks/lock-string.ts";
import { isEvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { CmdSet, mergeAll, type CommandClass } from "./cmdset.ts";
import { cmdSetFor } from "./cmdset-registry.ts";
import type { Command, CommandServices, CommandSession } from "./command.ts";
import { directionFallbackFor, exitCmdSetFor } from "./exit-cmdset.ts";
import { commandIndex, matchCommand } from "./parse-input.ts";
import { SessionCommandQueue } from "./session-command-queue.ts";
import { RepeatedErrorLog } from "../utils/repeated-error-log.ts";

const log = getLogger("commands");

/** Paths of the cmdsets the handler uses (settings). */
export interface CmdSetPaths {
  cmdsetUnloggedin: string;
  cmdsetAccount: string;
  cmdsetCharacter: string;
}

/** Framework fallbacks when a game registers none. */
export const DEFAULT_CMDSET_PATHS: CmdSetPaths = {
  cmdsetUnloggedin: "evennia.commands.default.UnloggedinCmdSet",
  cmdsetAccount: "evennia.commands.default.AccountCmdSet",
  cmdsetCharacter: "evennia.commands.default.CharacterCmdSet",
};

/** Options of the handler beyond cmdset paths. */
export interface CommandHandlerOptions {
  /** Commands a session may have waiting behind the running one (setting `commandQueueLimit`; default 20). */
  queueLimit?: number;
}

/** Runs players' commands. */
export class CommandHandler {
  private readonly indexCache = new Map<string, { cmdset: CmdSet; index: Map<string, CommandClass> }>();
  /** Merged sets with a room's exits, by the room's exit (or fallback) set, then by base key. */
  private readonly roomIndexCache = new WeakMap<CmdSet, Map<string, { cmdset: CmdSet; index: Map<string, CommandClass> }>>();
  /** Each session's commands, one at a time, bounded. */
  readonly queue: SessionCommandQueue<CommandSession>;
  /** Database-outage failures: one line each, repeats summarised. */
  private readonly outageLog = new RepeatedErrorLog(log);

  constructor(
    private readonly db: Database,
    private readonly services: CommandServices,
    private readonly paths: CmdSetPaths,
    options: CommandHandlerOptions = {},
  ) {
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

  private async run(session: CommandSession, rawLine: string): Promise<void> {
    const line = rawLine.trim();
    if (!line) return;
    let found: { cmd: Command; cmdset: CmdSet; cmdstring: string; args: string } | null;
    try {
      found = this.find(session, line);
    } catch (err) {
      // a command class whose constructor throws (or a broken cmdset or lock): this command fails, not the session
      this.reportFailure(session, line, err);
      return;
    }
    if (!found) {
      const word = line.split(/\s+/)[0] ?? line;
      session.msg(`Command '${word}' is not available. Type "help" for help.`);
      return;
    }
    const { cmd } = found;
    cmd.session = session;
    cmd.account = session.account;
    cmd.caller = session.puppet ?? session.account ?? session;
    cmd.cmdstring = found.cmdstring;
    cmd.args = found.args;
    cmd.raw = rawLine;
    cmd.cmdset = found.cmdset;
    cmd.services = this.services;
    try {
      await runInUnitOfWork(this.db, async () => {
        if ((await cmd.atPreCmd()) === false) return;
        await cmd.parse();
        await cmd.func();
        await cmd.atPostCmd();
      });
    } catch (err) {
      this.reportFailure(session, line, err);
    }
  }

  /** The command `line` names, built, if `session` may use it; null when there is none. */
  private find(session: CommandSession, line: string): { cmd: Command; cmdset: CmdSet; cmdstring: string; args: string } | null {
    const { cmdset, index } = this.cmdsetFor(session);
    const match = matchCommand(line, index);
    if (!match) return null;
    const cmd = new match.cls();
    if (!this.allowed(cmd, session)) return null;
    return { cmd, cmdset, cmdstring: match.cmdstring, args: match.args };
  }

  private allowed(cmd: Command, session: CommandSession): boolean {
    return checkLock(cmd.locks, "cmd", { accessor: session.account }, true);
  }

  private reportFailure(session: CommandSession, line: string, err: unknown): void {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT") || isEvenniaError(err, "EV_ERR_LOCK_DENIED") || isEvenniaError(err, "EV_ERR_SERIALIZE")) {
      session.msg(`|r${err.message}|n`);
      return;
    }
    const id = randomBytes(4).toString("hex");
    const where = `command "${line.slice(0, 200)}" from session ${session.sessid} failed [error id ${id}]`;
    if (isEvenniaError(err, "EV_ERR_DB_UNAVAILABLE")) this.outageLog.report(err.code, `${where}: ${err.code}: ${err.message}`);
    else log.error(where, err);
    const what = isEvenniaError(err, "EV_ERR_DB_UNAVAILABLE") ? "The database is unavailable right now" : "An error occurred";
    session.msg(`|r${what}; nothing was changed (error id ${id}). It has been logged.|n`);
  }

  private cmdsetFor(session: CommandSession): { cmdset: CmdSet; index: Map<string, CommandClass> } {
    const parts: [string, string][] = session.account
      ? [[this.paths.cmdsetAccount, DEFAULT_CMDSET_PATHS.cmdsetAccount]]
      : [[this.paths.cmdsetUnloggedin, DEFAULT_CMDSET_PATHS.cmdsetUnloggedin]];
    if (session.account && session.puppet) parts.push([this.paths.cmdsetCharacter, DEFAULT_CMDSET_PATHS.cmdsetCharacter]);
    const cacheKey = parts.map(([p]) => p).join("|");
    let cached = this.indexCache.get(cacheKey);
    if (!cached) {
      const sets = parts.map(([p, f]) => cmdSetFor(p, f)).filter((s): s is CmdSet => s !== null);
      const cmdset = mergeAll(sets);
      cached = { cmdset, index: commandIndex(cmdset) };
      this.indexCache.set(cacheKey, cached);
    }
    if (!session.account || !session.puppet) return cached;
    // the puppet's room adds its exits (and "You can't go that way." for other directions)
    const location = session.puppet.location;
    const exits = exitCmdSetFor(location);
    const fallback = directionFallbackFor(location);
    const roomKey = exits ?? fallback;
    let byBase = this.roomIndexCache.get(roomKey);
    if (!byBase) this.roomIndexCache.set(roomKey, (byBase = new Map()));
    let merged = byBase.get(cacheKey);
    if (!merged) {
      const cmdset = mergeAll([fallback, cached.cmdset, ...(exits ? [exits] : [])]);
      merged = { cmdset, index: commandIndex(cmdset) };
      byBase.set(cacheKey, merged);
    }
    return merged;
  }
}
