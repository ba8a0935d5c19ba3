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
import { NotLoadedError } from "../typeclasses/attribute-handler.ts";
import { checkLockString } from "../locks/lock-handler.ts";
import { isEvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { CmdSet, mergeAll, type CommandClass } from "./cmdset.ts";
import { cmdSetFor } from "./cmdset-registry.ts";
import type { Command, CommandServices, CommandSession } from "./command.ts";
import { directionFallbackFor, exitCmdSetFor } from "./exit-cmdset.ts";
import { commandIndex, matchCommand } from "./parse-input.ts";

const log = getLogger("commands");
/** Runs of one command when it reads attributes whose references are still loading (see `Store.load`). */
const MAX_ATTEMPTS = 3;

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
    const next = previous.then(() => this.run(session, line));
    this.queues.set(session, next);
    return next;
  }

  private async run(session: CommandSession, rawLine: string): Promise<void> {
    const line = rawLine.trim();
    if (!line) return;
    const { cmdset, index } = this.cmdsetFor(session);
    const match = matchCommand(line, index);
    if (!match || !this.allowed(new match.cls(), session)) {
      const word = line.split(/\s+/)[0] ?? line;
      session.msg(`Command '${word}' is not available. Type "help" for help.`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runOnce(session, rawLine, match.cls, match, cmdset);
        return;
      } catch (err) {
        // It read an attribute whose references were still loading: it has been rolled back
        // (its output was never sent); wait for them and run it again.
        if (err instanceof NotLoadedError && attempt < MAX_ATTEMPTS) {
          await err.ready;
          continue;
        }
        this.reportFailure(session, line, err);
        return;
      }
    }
  }

  private async runOnce(
    session: CommandSession,
    rawLine: string,
    cls: CommandClass,
    match: { cmdstring: string; args: string },
    cmdset: CmdSet,
  ): Promise<void> {
    const cmd = new cls();
    cmd.session = session;
    cmd.account = session.account;
    cmd.caller = session.puppet ?? session.account ?? session;
    cmd.cmdstring = match.cmdstring;
    cmd.args = match.args;
    cmd.raw = rawLine;
    cmd.cmdset = cmdset;
    cmd.services = this.services;
    await runInUnitOfWork(this.db, async () => {
      if ((await cmd.atPreCmd()) === false) return;
      await cmd.parse();
      await cmd.func();
      await cmd.atPostCmd();
    });
  }

  /** The `cmd` lock, checked against the puppet when there is one, else the account (else the session), as Evennia. */
  private allowed(cmd: Command, session: CommandSession): boolean {
    const accessor = session.puppet ?? session.account ?? session;
    return checkLockString(accessor, cmd.locks, "cmd", { accessed: cmd, default: true, session });
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
