/**
 * `Command`: one thing a player can type. Subclass it, set `key` (and `aliases`,
 * `locks`, `helpCategory`), and implement `func()`. The handler fills in the
 * caller, session and arguments, then runs `atPreCmd` → `parse` → `func` →
 * `atPostCmd` in one unit of work.
 */
import type { OutputSpec } from "../protocol/message.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import type { CmdSet } from "./cmdset.ts";

/** The session a command runs for, as commands see it. */
export interface CommandSession {
  readonly sessid: number;
  readonly address: string;
  readonly protocolKey: string;
  readonly clientOptions: Record<string, unknown>;
  account: DefaultAccount | null;
  puppet: DefaultObject | null;
  msg(spec: string | OutputSpec): void;
}

/** What runs commands and can be asked for things only the server can do. */
export interface CommandServices {
  /** Log `session` in as `account` (and puppet its character as the settings say). */
  login(session: CommandSession, account: DefaultAccount): Promise<void>;
  /** Create an account and, as the settings say, its character (the first account is the superuser). */
  createAccountWithCharacter(name: string, password: string, accountTypeclass: string): Promise<DefaultAccount>;
  /** Disconnect a session with a last message. */
  disconnect(session: CommandSession, reason: string): void;
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
  readonly settings: { serverName: string; passwordMinLength: number; baseCharacterTypeclass: string; baseAccountTypeclass: string };
  /** Every logged-in session. */
  sessions(): CommandSession[];
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
  /** What the player types. */
  key = "";
  /** Other names for the command. */
  aliases: string[] = [];
  /** Lock string; `cmd:` decides who may use the command. */
  locks = "cmd:all()";
  /** Help category. */
  helpCategory = "general";
  /** Auto-generate help from the TSDoc? (help system arrives later) */
  autoHelp = true;

  // filled in by the handler before running
  /** Who runs the command: the puppet, or the account/session when there is none. */
  caller!: DefaultObject | DefaultAccount | CommandSession;
  /** The session that sent the command. */
  session!: CommandSession;
  /** The account of the session, if logged in. */
  account: DefaultAccount | null = null;
  /** The name the command was called by (`l` for `look`). */
  cmdstring = "";
  /** Everything after the command name, raw (leading space kept). */
  args = "";
  /** The whole line as typed. */
  raw = "";
  /** The merged cmdset the command was found in. */
  cmdset!: CmdSet;
  /** Server services (login, disconnect, reload ...). */
  services!: CommandServices;

  /** Every name this command answers to, lower-case. */
  get names(): string[] {
    return [this.key, ...this.aliases].map((n) => n.toLowerCase());
  }

  /** Send output to the session that ran the command. */
  msg(spec: string | OutputSpec): void {
    this.session.msg(spec);
  }

  /** Hook before parsing; return false to abort the command quietly. */
  async atPreCmd(): Promise<boolean | void> {}

  /** Parse `this.args` into fields of your own. */
  parse(): void | Promise<void> {}

  /** Do the command's work. */
  async func(): Promise<void> {}

  /** Hook after `func`. */
  async atPostCmd(): Promise<void> {}
}
