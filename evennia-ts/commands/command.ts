/**
 * `Command`: one thing a player can type. Subclass it, set `key` (and `aliases`,
 * `locks`, `helpCategory`, `help`), and implement `func()`. The handler copies the
 * command out of the merged cmdset, fills in the caller, session and arguments, then
 * runs `atPreCmd` → `parse` → `func` → `atPostCmd` in one unit of work.
 *
 * Two commands are "the same" to cmdset merging when their names overlap: a key or
 * alias of one is a key or alias of the other (as in Evennia).
 */
import type { LoopHealthFigures, PortalReport } from "../utils/loop-health.ts";
import type { CheckpointStats } from "../db/wal-checkpointer.ts";
import { checkLock } from "../locks/lock-string.ts";
import type { PermissionHolder } from "../locks/permissions.ts";
import type { OutputSpec } from "../protocol/message.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import type { CmdSet } from "./cmdset.ts";
import type { CmdSetHandler } from "./cmdset-handler.ts";

/** The session a command runs for, as commands see it. */
export interface CommandSession {
  readonly sessid: number;
  readonly address: string;
  readonly protocolKey: string;
  readonly clientOptions: Record<string, unknown>;
  /** When the connection was made (ms since epoch). */
  readonly connectedAt: number;
  /** Commands (and other input) received on this session. */
  readonly commandCount: number;
  /** When the last input arrived (ms since epoch): what `who` shows as idle time. */
  readonly lastCommandAt: number;
  account: DefaultAccount | null;
  puppet: DefaultObject | null;
  /** The session's own cmdsets (unlogged-in commands, session commands). */
  readonly cmdset: CmdSetHandler;
  msg(spec: string | OutputSpec): void;
  /**
   * Change client options from the game side (`option`, `encoding`, `screenreader`):
   * merged into {@link clientOptions} and, after the commit, sent to the portal, which
   * renders what follows by them (colour depth, screen reader, encoding, raw ...).
   */
  updateClientOptions(options: Record<string, unknown>): void;
}

/** What runs commands and can be asked for things only the server can do. */
export interface CommandServices {
  /** Log `session` in as `account`: the account's login hooks run (and puppet its character, by default). */
  login(session: CommandSession, account: DefaultAccount): Promise<void>;
  /**
   * Create an account with the account class's `create` (the first account is the
   * superuser) and, as the settings say, its character; `session` is the creating one.
   */
  createAccountWithCharacter(name: string, password: string, accountTypeclass: string, session?: CommandSession): Promise<DefaultAccount>;
  /** Log a session out (hooks run now) and close it with a last message after the commit. */
  disconnect(session: CommandSession, reason: string): Promise<void>;
  /** Ask the portal to reload, reset or shut down the server. */
  requestServer(action: "reload" | "reset" | "shutdown"): void;
  /**
   * Ask the login throttle about an attempt from this session's address for `username`:
   * resolves, after any delay the throttle imposes on a much-attacked account, with
   * null (go on and check the password) or the reason the attempt is refused.
   */
  loginThrottleCheck(session: CommandSession, username: string): Promise<string | null>;
  /** Record a failed login attempt. */
  loginFailed(session: CommandSession, username: string): void;
  /** Record a successful login (clears the account's throttle counts). */
  loginSucceeded(session: CommandSession, username: string): void;
  /** The attempt admitted by {@link loginThrottleCheck} ended without a verdict (a ban, an error): it no longer counts as in flight. */
  loginAttemptEnded?(session: CommandSession): void;
  /**
   * Per-IP account-creation throttle: null when this session's address may create an
   * account now — and then the creation counts at once, so parallel sessions cannot
   * all slip through — else the reason to tell the player.
   */
  accountCreationCheck(session: CommandSession): string | null;
  /** The creation counted by {@link accountCreationCheck} did not happen (the name was taken ...): give it back. */
  accountCreationAborted(session: CommandSession): void;
  /** The login and account-creation throttles, for admins. */
  readonly throttles: ThrottleAdmin;
  /** The connection screen text. */
  connectionScreen(): string;
  /** Game settings. */
  readonly settings: {
    serverName: string;
    passwordMinLength: number;
    baseCharacterTypeclass: string;
    baseAccountTypeclass: string;
    gameDir?: string;
    cmdIgnorePrefixes?: string;
  };
  /** Every logged-in session. */
  sessions(): CommandSession[];
  /** Every connected session, logged in or not (`wall` reaches them all). */
  allSessions(): CommandSession[];
  /** The persistent IP and name bans (`ban`, `unban`; enforced at connect, login and account creation). */
  readonly bans: BanAdmin;
  /** Figures and services of the running server (`time`, `server`, `service`). */
  readonly server: ServerAdmin;
  /**
   * Run `line` as if `session` had typed it (`force`): it is queued behind that
   * session's commands once the current unit of work commits. Resolves when it has run.
   */
  executeAs(session: CommandSession, line: string): Promise<void>;
}

/** One ban: an account name or an IP pattern (`*` matches one number of the address). */
export interface BanEntry {
  /** The banned account name, lower-case ("" for an IP ban). */
  name: string;
  /** The banned IP pattern ("" for a name ban). */
  ip: string;
  /** When the ban was made (ISO 8601). */
  date: string;
  /** Why, as the admin said ("" when no reason was given). */
  reason: string;
}

/** What admins may do with bans. Changes are staged in the current unit of work. */
export interface BanAdmin {
  /** Every ban, oldest first (the ban id is the position, from 1). */
  list(): Promise<BanEntry[]>;
  /**
   * Ban an account name or an IP pattern (four numbers or `*`: `203.0.113.*`);
   * returns the new entry. A malformed pattern or an empty name is refused (EV_ERR_BAD_INPUT).
   */
  add(ban: { name: string } | { ip: string }, reason: string): Promise<BanEntry>;
  /** Remove ban number `id` (from 1); returns it, or null when there is none. */
  remove(id: number): Promise<BanEntry | null>;
  /** Is this address or account name banned? */
  isBanned(who: { ip?: string; username?: string }): Promise<boolean>;
}

/** One service of the running server, as `service` lists it. */
export interface ServiceRow {
  /** Its name (what `service/stop <name>` takes). */
  name: string;
  /** What it does. */
  description: string;
  running: boolean;
  /** The server cannot work without it: it cannot be stopped. */
  essential: boolean;
  /** It can be stopped and started again from the game. */
  controllable: boolean;
}

/** The running server's clock, load and services, for admin commands. */
export interface ServerAdmin {
  /** When this server process started (ms since the epoch); a reload starts a new one. */
  readonly startedAt: number;
  /** When the game was first started (ms since the epoch), or null when unknown. */
  firstStartedAt(): Promise<number | null>;
  /** Commands run: the total since this server started and the rate over the last minute. */
  commandRate(): { total: number; perSecond: number; windowSeconds: number };
  /** Latency of the most recent commands (ms, from the line reaching the server to its commit): p50, p90, p99, max. */
  commandLatency(): { samples: number; p50: number; p90: number; p99: number; max: number };
  /** The event loop's delay and the collector's pauses (absent where nothing measures them). */
  loopHealth?(): LoopHealthFigures;
  /** The portal's memory and loop as it last reported them (null before its first report). */
  portalHealth?(): PortalReport | null;
  /** SQLite's WAL checkpoint thread's counters (absent or null: PostgreSQL, or SQLite checkpoints in its commits). */
  checkpointStats?(): Readonly<CheckpointStats> | null;
  /** The server's services. */
  listServices(): ServiceRow[];
  /** Start or stop a service by name: resolves with what happened, to tell the admin. */
  controlService(name: string, action: "start" | "stop"): Promise<string>;
}

/** Past this many name pairs, {@link Command.sameAs} compares through a Set rather than a scan. */
const SCAN_LIMIT = 256;

/** Evennia's default `arg_regex`: the name must be followed by a space, a `/`, a newline or nothing. */
export const DEFAULT_ARG_REGEX = "^[ /]|\\n|$";

/** Thrown from `parse` or `func` to stop a command quietly (nothing is rolled back). */
export class InterruptCommand extends Error {
  constructor() {
    super("command interrupted");
    this.name = "InterruptCommand";
  }
}

/** One throttle entry, as the admin command shows it. */
export interface ThrottleRow {
  /** What is throttled: `address`, `account`, `account@address` (logins) or `creation` (new accounts). */
  kind: string;
  /** The address, account name or `name@address`. */
  key: string;
  /** Failures (or creations) in the window. */
  count: number;
  /** What it does now (`refused`, `delayed 4 s`, `counting`). */
  effect: string;
  /** Seconds until the oldest count ages out. */
  secondsLeft: number;
}

/** What admins may do with the server's throttles. */
export interface ThrottleAdmin {
  /** Every throttle with counts in its window. */
  list(): ThrottleRow[];
  /** Clear every throttle, or those of one address or account name; returns how many entries went. */
  clear(target?: string): number;
}

/** Base class of every command. */
export class Command {
  /**
   * What the player types. Set it before the command goes into a cmdset; to rename a
   * command already in one, add it to the set again (`set.add(cmd)`), as Evennia's
   * `set_key` re-reads the names: the parser reads names when it indexes a set.
   */
  key = "";
  /** Other names for the command (the same holds as for {@link key}). */
  aliases: string[] = [];
  /** Lock string; `cmd:` decides who may use the command, `view:`/`read:` who sees its help. */
  locks = "cmd:all()";
  /** Help category (lower-case, as Evennia stores it). */
  helpCategory = "general";
  /**
   * The help text (`help <key>`). Write a summary line, `Usage:`, and examples. A
   * default command without it fails the test suite.
   */
  help = "";
  /** List this command in `help`? (It stays usable either way.) */
  autoHelp = true;
  /**
   * What must follow the command name for the name to match (a RegExp or its
   * source; null: anything). The default wants a space, `/`, newline or the end,
   * so `lookaround` does not call `look`.
   */
  argRegex: RegExp | string | null = DEFAULT_ARG_REGEX;
  /** True for the commands that traverse exits. */
  isExit = false;
  /** True for channel commands. */
  isChannel = false;

  // filled in when the command is put in a cmdset / by the handler before running
  /** The object whose cmdset holds this command (null for session and account sets without one). */
  obj: DefaultObject | DefaultAccount | CommandSession | null = null;
  /** Who runs the command: the puppet, or the account/session when there is none. */
  caller!: DefaultObject | DefaultAccount | CommandSession;
  /** The session that sent the command. */
  session!: CommandSession;
  /** The account of the session, if logged in. */
  account: DefaultAccount | null = null;
  /** The name the command was called by, lower-case and without an ignored prefix (`l` for `look`). */
  cmdname = "";
  /** The name as typed, with its prefix (`@reload`). */
  rawCmdname = "";
  /** Same as {@link cmdname} (Evennia's older name). */
  cmdstring = "";
  /** Everything after the command name, raw (leading space kept). */
  args = "";
  /** The whole line as typed. */
  raw = "";
  /** The merged cmdset the command was found in. */
  cmdset!: CmdSet;
  /** Server services (login, disconnect, reload ...). */
  services!: CommandServices;

  /** Every name this command answers to, lower-case, longest first. */
  get names(): string[] {
    const cache = this.namesCache;
    if (cache && cache.key === this.key && cache.aliases === this.aliases && cache.count === this.aliases.length) return cache.names;
    const all = [this.key, ...this.aliases].map((n) => String(n).toLowerCase()).filter((n) => n !== "");
    const names = [...new Set(all)].sort((a, b) => b.length - a.length);
    this.namesCache = { key: this.key, aliases: this.aliases, count: this.aliases.length, names };
    return names;
  }

  /** True when this command and `other` share a name (Evennia's command equality). */
  sameAs(other: Command | string): boolean {
    // a command has a handful of names: a scan beats a Set per command (a thousand characters hold 80 each)
    const mine = this.names;
    if (typeof other === "string") return mine.includes(other.toLowerCase());
    const theirs = other.names;
    if (mine.length * theirs.length > SCAN_LIMIT) {
      // many names (a player's own channel aliases have no limit): a Set made now keeps it linear
      const set = new Set(mine);
      return theirs.some((n) => set.has(n));
    }
    for (const n of theirs) if (mine.includes(n)) return true;
    return false;
  }

  private namesCache: { key: string; aliases: string[]; count: number; names: string[] } | null = null;

  /** The compiled {@link argRegex}, or null. */
  get argPattern(): RegExp | null {
    const re = this.argRegex;
    if (re === null || re === undefined || re === "") return null;
    return compileArgRegex(re instanceof RegExp ? re.source : re);
  }

  /**
   * Does `accessor` pass this command's `accessType` lock? (`default` when there is no such lock.)
   * `session` is the session the command would run for (`is_ooc()` reads it).
   */
  access(accessor: PermissionHolder | null, accessType = "cmd", defaultAllow = false, session?: unknown): boolean {
    return checkLock(this.locks, accessType, { accessor: accessor as (PermissionHolder & { id?: number }) | null, accessed: this, session }, defaultAllow);
  }

  /** @internal set by the handler: runs a line for this command's session */
  _runLine: ((line: string) => Promise<void>) | null = null;

  /** Run `line` as if the session had typed it, now (inside this command's unit of work). */
  async execute(line: string): Promise<void> {
    if (this._runLine) await this._runLine(line);
  }

  /** Send output to the session that ran the command. */
  msg(spec: string | OutputSpec): void {
    this.session.msg(spec);
  }

  /** The client's screen width (NAWS), or the default 78. */
  clientWidth(): number {
    const width = Number(this.session?.clientOptions?.screenwidth);
    return Number.isFinite(width) && width >= 20 ? Math.min(Math.floor(width), 400) : DEFAULT_CLIENT_WIDTH;
  }

  /** The client's screen height, or the default 45. */
  clientHeight(): number {
    const height = Number(this.session?.clientOptions?.screenheight);
    return Number.isFinite(height) && height >= 5 ? Math.min(Math.floor(height), 400) : DEFAULT_CLIENT_HEIGHT;
  }

  /** The help text `help <key>` shows (override to make it depend on the caller). */
  getHelp(_caller: unknown, _cmdset: CmdSet): string {
    return this.help;
  }

  /** Hook before parsing; return false to abort the command quietly. */
  async atPreCmd(): Promise<boolean | void> {}

  /** Parse `this.args` into fields of your own. */
  parse(): void | Promise<void> {}

  /** Do the command's work. */
  async func(): Promise<void> {}

  /** Hook after `func`. */
  async atPostCmd(): Promise<void> {}

  toString(): string {
    return this.key;
  }
}

/** Evennia's `CLIENT_DEFAULT_WIDTH`. */
export const DEFAULT_CLIENT_WIDTH = 78;
/** Evennia's `CLIENT_DEFAULT_HEIGHT`. */
export const DEFAULT_CLIENT_HEIGHT = 45;

const compiled = new Map<string, RegExp>();

function compileArgRegex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    // matched at the start of the rest only, as Python's re.match
    re = new RegExp(`^(?:${source})`, "iu");
    compiled.set(source, re);
  }
  return re;
}

/**
 * A copy of `template` to run: an object whose prototype is the template, so it
 * reads the template's fields and methods without copying them, and whatever a run
 * assigns (`caller`, `args`, fields set in `parse`) is its own. Its `aliases` and the
 * other arrays and plain objects its fields hold are its own shallow copies: a command
 * added by class is one instance shared by every set, and a run filling such a field
 * in place (`this.targets.push(...)`) would otherwise show it to every player's runs.
 * Other objects (a Map, a class instance) and `obj` are shared as they are.
 */
export function copyCommand<T extends Command>(template: T): T {
  const copy = Object.create(template) as T;
  copy.aliases = [...template.aliases];
  // the instances on the way up: the set's command, the shared instance it views (not the classes' prototypes)
  for (let level: object | null = template; level && !Object.hasOwn(level, "constructor"); level = Object.getPrototypeOf(level) as object | null) {
    for (const key of Object.keys(level)) {
      const value: unknown = (level as Record<string, unknown>)[key];
      // skip the owner (a reference, whatever it is made of), what the run already has and what a nearer level shadows
      if (key === "obj" || Object.hasOwn(copy, key) || (template as Record<string, unknown>)[key] !== value) continue;
      const array = Array.isArray(value);
      if (!array && !isPlainObject(value)) continue;
      if (!Object.getOwnPropertyDescriptor(level, key)!.writable) continue; // an accessor or a read-only field: left as it is
      (copy as Record<string, unknown>)[key] = array ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    }
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
