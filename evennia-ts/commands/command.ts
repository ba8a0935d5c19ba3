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
  /** False when the login throttle refuses more attempts from this session's address or for this name. */
  loginAllowed(session: CommandSession, username: string): boolean;
  /** Record a failed login attempt. */
  loginFailed(session: CommandSession, username: string): void;
  /** The connection screen text. */
  connectionScreen(): string;
  /** Game settings. */
  readonly settings: { serverName: string; passwordMinLength: number; baseCharacterTypeclass: string; baseAccountTypeclass: string };
  /** Every logged-in session. */
  sessions(): CommandSession[];
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
