/**
 * The command handler: it takes a line a player typed, finds the command in the
 * cmdsets that apply (unlogged-in, account, puppet), checks its `cmd` lock, and
 * runs it in a unit of work. A session's commands run one at a time, in order.
 * A failing command is rolled back; the player gets a short message with an
 * error id and the log gets the trace.
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
import type { Session } from "../typeclasses/sessions.ts";
import { answerInput, hasPendingInput, takePendingInput, type PendingInput } from "./input-prompt.ts";
import { commandIndex, matchCommand } from "./parse-input.ts";

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

/** Runs players' commands. */
export class CommandHandler {
  private readonly indexCache = new Map<string, { cmdset: CmdSet; index: Map<string, CommandClass> }>();
  private readonly queues = new WeakMap<CommandSession, Promise<void>>();
  /** Merged sets with a room's exits, by the room's exit (or fallback) set, then by base key. */
  private readonly roomIndexCache = new WeakMap<CmdSet, Map<string, { cmdset: CmdSet; index: Map<string, CommandClass> }>>();

  constructor(
    private readonly db: Database,
    private readonly services: CommandServices,
    private readonly paths: CmdSetPaths,
  ) {}

  /** Queue a line from `session`; resolves when it has run. */
  execute(session: CommandSession, line: string): Promise<void> {
    const previous = this.queues.get(session) ?? Promise.resolve();
    const next = previous.then(async () => {
      await this.run(session, line);
      this.sendPrompt(session);
    });
    this.queues.set(session, next);
    return next;
  }

  private async run(session: CommandSession, rawLine: string): Promise<void> {
    const question = takePendingInput(session);
    if (question) {
      await this.answer(session, rawLine, question);
      return;
    }
    const line = rawLine.trim();
    if (!line) return;
    const { cmdset, index } = this.cmdsetFor(session);
    const match = matchCommand(line, index);
    const cmd = match ? new match.cls() : undefined;
    if (!match || !cmd || !this.allowed(cmd, session)) {
      const word = line.split(/\s+/)[0] ?? line;
      session.msg(`Command '${word}' is not available. Type "help" for help.`);
      return;
    }
    cmd.session = session;
    cmd.account = session.account;
    cmd.caller = session.puppet ?? session.account ?? session;
    cmd.cmdstring = match.cmdstring;
    cmd.args = match.args;
    cmd.raw = rawLine;
    cmd.cmdset = cmdset;
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

  /**
   * After each command, the account's prompt (`DefaultAccount.getPrompt`), if it
   * has one and no question is waiting for an answer.
   */
  private sendPrompt(session: CommandSession): void {
    const account = session.account;
    if (!account || hasPendingInput(session)) return;
    try {
      const prompt = account.getPrompt(session as Session);
      if (prompt) session.msg({ prompt });
    } catch (err) {
      log.error(`getPrompt of ${account.key} failed`, err);
    }
  }

  /** A line answers a question asked with `getInput`: the callback runs instead of a command. */
  private async answer(session: CommandSession, rawLine: string, question: PendingInput): Promise<void> {
    try {
      await answerInput(this.db, session, rawLine.replace(/\r?\n$/, ""), question);
    } catch (err) {
      this.reportFailure(session, question.hidden ? "(hidden input)" : rawLine.trim(), err);
    }
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
    log.error(`command "${line.slice(0, 200)}" from session ${session.sessid} failed [error id ${id}]`, err);
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
