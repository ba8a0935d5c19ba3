/**
 * Commands available before login: `connect`, `create`, `quit`, `look`, `help`,
 * `info` (`encoding` and `screenreader` are in unloggedin-client-options.ts).
 *
 * `connect <name>` and `create <name>` without a password ask for it with echo
 * off (telnet `IAC WILL ECHO`, the webclient's password field); `create` asks
 * twice. The one-line forms `connect <name> <password>` and
 * `create <name> <password>` work as before. With the setting `guestEnabled`,
 * `connect guest` logs in a throw-away guest account.
 */
import { activeSettings } from "../../conf/active-settings.ts";
import { normalizeAccountName } from "../../typeclasses/account-names.ts";
import { accountTypeclass, type DefaultAccount } from "../../typeclasses/accounts.ts";
import { DefaultGuest } from "../../typeclasses/guests.ts";
import { findAccount } from "../../typeclasses/search.ts";
import type { Session } from "../../typeclasses/sessions.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { frameworkVersion, processStartedAt } from "../../utils/version.ts";
import { Command, type CommandServices, type CommandSession } from "../command.ts";
import { getInput } from "../input-prompt.ts";
import { hasUnmatchedQuote, splitQuoted } from "../command-parser.ts";


/** The account `name` names, as typed or in its {@link normalizeAccountName} form; null when none. */
async function findAccountByTypedName(name: string): Promise<DefaultAccount | null> {
  return (await findAccount(name)) ?? (name.trim() === normalizeAccountName(name) ? null : await findAccount(normalizeAccountName(name)));
}

/** What {@link checkLogin} decided: the account to log in, or what to tell the session (markup). */
export type LoginCheck = { account: DefaultAccount } | { refusal: string };

/**
 * Every check a login by name and password passes, whichever way it comes (`connect`, GMCP
 * `Char.Login`, the `login` inputfunc): the login throttle, bans of the address and of the name
 * (as typed, normalized, and the account's own name when it was found by an alias), the
 * password. Failures are counted by the throttle, under the account's own name when the
 * name typed found it by an alias or another form (so aliases do not each get their own
 * count), and the account's `atFailedLogin` runs. The attempt counts as in flight for
 * the throttle until it is decided: logins raced from many connections are counted.
 */
export async function checkLogin(services: CommandServices, session: CommandSession, typed: string, password: string): Promise<LoginCheck> {
  try {
    return await checkLoginOnce(services, session, typed, password);
  } finally {
    services.loginAttemptEnded?.(session);
  }
}

async function checkLoginOnce(services: CommandServices, session: CommandSession, typed: string, password: string): Promise<LoginCheck> {
  // throttled and checked for bans in one form: full-width spellings do not count apart
  let name = normalizeAccountName(typed);
  const refused = await services.loginThrottleCheck(session, name);
  if (refused) return { refusal: `|r${refused}|n` };
  if (await isBannedLogin(services, session, name)) return { refusal: BANNED_LOGIN_MESSAGE };
  const account = await findAccountByTypedName(typed);
  if (account && account.key.toLowerCase() !== name.trim().toLowerCase()) {
    // found by an alias or another form: the account's own throttle applies, and counts this attempt
    name = account.key;
    const refusedForAccount = await services.loginThrottleCheck(session, name);
    if (refusedForAccount) return { refusal: `|r${refusedForAccount}|n` };
    // the name typed may not be the banned one
    if (await isBannedLogin(services, session, name)) return { refusal: BANNED_LOGIN_MESSAGE };
  }
  if (!account || !(await account.checkPassword(password))) {
    if (account) await account.atFailedLogin(session as unknown as Session);
    services.loginFailed(session, name);
    return { refusal: "|rUsername and/or password is incorrect.|n" };
  }
  services.loginSucceeded(session, name);
  return { account };
}

/** Check `password` for `typed` and log in, or say why not. */
async function logIn(services: CommandServices, session: CommandSession, typed: string, password: string): Promise<void> {
  const checked = await checkLogin(services, session, typed, password);
  if ("refusal" in checked) session.msg(checked.refusal);
  else await services.login(session, checked.account);
}

/** What `create` (and the website's register page) says when the setting `newAccountRegistrationEnabled` is off. */
export const REGISTRATION_DISABLED_MESSAGE = "New accounts cannot be created here at the moment.";

/** What a banned address or account name is told at login and account creation (Evennia's words). */
export const BANNED_LOGIN_MESSAGE = "|rYou have been banned and cannot continue from here.\nIf you feel this ban is in error, please email an admin.|n";

/** True when this session's address or `name` is banned. */
function isBannedLogin(services: CommandServices, session: CommandSession, name?: string): Promise<boolean> {
  return services.bans.isBanned({ ip: session.address, username: name });
}

/** True (after telling the session) when this session's address or `name` is banned. */
async function refuseBanned(services: CommandServices, session: CommandSession, name?: string): Promise<boolean> {
  if (!(await isBannedLogin(services, session, name))) return false;
  session.msg(BANNED_LOGIN_MESSAGE);
  return true;
}

/** `connect <name> [<password>]`: log in (asks for the password when it is left out). */
export class CmdUnconnectedConnect extends Command {
  override key = "connect";
  override aliases = ["conn", "con", "co"];
  override argRegex = "\\s.*?|$";
  override help = `Connect to the game.

Usage (at login screen):
  connect accountname password
  connect accountname          (asks for the password, hidden)
  connect "account name" "pass word"

Use the create command to first create an account before logging in.
If you have spaces in your name, enclose it in double quotes.

Examples:
  connect Anna secret123
  connect "Anna Smith" secret123`;

  override async func(): Promise<void> {
    if (hasUnmatchedQuote(this.args)) {
      this.msg('Your input has an unmatched quote (").\nUsage (without <>): connect <name> [<password>]');
      return;
    }
    const parts = splitQuoted(this.args);
    if (parts.length < 1 || parts.length > 2) {
      this.msg("Usage (without <>): connect <name> [<password>]");
      return;
    }
    const [name, password] = parts as [string, string | undefined];
    const { services, session } = this;
    if (parts.length === 1 && name.toLowerCase() === "guest" && activeSettings().guestEnabled) {
      await this.guestLogin();
      return;
    }
    if (password !== undefined) {
      await logIn(services, session, name, password);
      return;
    }
    getInput(
      session,
      "Password: ",
      async (answer) => {
        if (!answer) {
          session.msg("Login aborted.");
          return;
        }
        await logIn(services, session, name, answer);
      },
      { hidden: true },
    );
  }

  private async guestLogin(): Promise<void> {
    if (await refuseBanned(this.services, this.session)) return;
    try {
      const guest = await DefaultGuest.createGuest(this.session.address);
      await this.services.login(this.session, guest);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|r${err.message}|n`);
        return;
      }
      throw err;
    }
  }
}

/** `create <name> [<password>]`: make a new account (asks for the password twice when it is left out). */
export class CmdUnconnectedCreate extends Command {
  override key = "create";
  override aliases = ["cre", "cr"];
  override argRegex = "\\s.*?|$";
  override help = `Create a new account.

Usage (at login screen):
  create <accountname> <password>
  create <accountname>              (asks for the password twice, hidden)
  create "account name" "pass word"

This creates a new account. If you have spaces in your name, enclose it in
double quotes.

Examples:
  create Anna secret123
  create "Anna Smith" secret123`;

  override async func(): Promise<void> {
    if (hasUnmatchedQuote(this.args)) {
      this.msg('Your input has an unmatched quote (").\nUsage (without <>): create <name> [<password>]');
      return;
    }
    const parts = splitQuoted(this.args);
    if (parts.length < 1 || parts.length > 2) {
      this.msg("Usage (without <>): create <name> [<password>]\nIf <name> contains spaces, enclose it in double quotes.");
      return;
    }
    if (!activeSettings().newAccountRegistrationEnabled) {
      this.msg(`|r${REGISTRATION_DISABLED_MESSAGE}|n`);
      return;
    }
    const [rawName, password] = parts as [string, string | undefined];
    const cls = accountTypeclass(this.services.settings.baseAccountTypeclass);
    let name: string;
    try {
      name = cls.validateUsername(rawName);
      if (password !== undefined) cls.validatePassword(password);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|r${err.message}|n`);
        return;
      }
      throw err;
    }
    // also another account's alias: `connect <name>` would find that account, not the new one
    if (await findAccount(name)) {
      this.msg(`|rSorry, there is already an account with the name '${name}'.|n`);
      return;
    }
    if (password !== undefined) {
      await createAndWelcome(this.services, this.session, name, password);
      return;
    }
    const { services, session } = this;
    getInput(
      session,
      "Password: ",
      (first) => {
        if (!first) {
          session.msg("Account creation aborted.");
          return;
        }
        try {
          cls.validatePassword(first);
        } catch (err) {
          if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
            session.msg(`|r${err.message}|n`);
            return;
          }
          throw err;
        }
        getInput(
          session,
          "Password again: ",
          async (second) => {
            if (second !== first) {
              session.msg("|rThe passwords do not match. Nothing was created.|n");
              return;
            }
            await createAndWelcome(services, session, name, first);
          },
          { hidden: true },
        );
      },
      { hidden: true },
    );
  }
}

/** Create the account (and its character, as the settings say) and tell how to log in. */
async function createAndWelcome(services: CommandServices, session: CommandSession, name: string, password: string): Promise<void> {
  if (await refuseBanned(services, session, name)) return;
  const throttled = services.accountCreationCheck(session);
  if (throttled) {
    session.msg(`|r${throttled}|n`);
    return;
  }
  try {
    // refuses a taken name (any case) with EV_ERR_BAD_INPUT, shown below
    await services.createAccountWithCharacter(name, password, services.settings.baseAccountTypeclass, session);
  } catch (err) {
    services.accountCreationAborted(session);
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
      session.msg(`|r${err.message}|n`);
      return;
    }
    throw err;
  }
  const quoted = name.includes(" ") ? `"${name}"` : name;
  session.msg(`A new account '${name}' was created. Welcome!\nYou can now log in with the command 'connect ${quoted}'.`);
}

/** `quit`: disconnect. */
export class CmdUnconnectedQuit extends Command {
  override key = "quit";
  override aliases = ["q", "qu"];
  override help = `Quit when in unlogged-in state.

Usage:
  quit

We maintain a different version of the quit command here for unconnected
accounts for the sake of simplicity.

Examples:
  quit`;

  override async func(): Promise<void> {
    await this.services.disconnect(this.session, "Good bye! Disconnecting.");
  }
}

/** `look`: show the connection screen again. */
export class CmdUnconnectedLook extends Command {
  override key = "look";
  override aliases = ["l"];
  override help = `Look when in unlogged-in state.

Usage:
  look

This is an unconnected version of the look command for simplicity: it shows
the connection screen again.

Examples:
  look`;

  override async func(): Promise<void> {
    this.msg(this.services.connectionScreen());
  }
}

/** `help`: how to get in. */
export class CmdUnconnectedHelp extends Command {
  override key = "help";
  override aliases = ["h", "?"];
  override help = `Get help when in unconnected-in state.

Usage:
  help

This is an unconnected version of the help command, for simplicity.

Examples:
  help`;

  override async func(): Promise<void> {
    this.msg(
      [
        `You are not yet logged into ${this.services.settings.serverName}.`,
        "Commands available now:",
        "  |wcreate|n <name>             - create a new account (you are asked for a password)",
        "  |wconnect|n <name>            - log in to an existing account (you are asked for the password)",
        "  |wconnect|n <name> <password> - the same on one line",
        "  |wlook|n                      - show the connection screen again",
        "  |whelp|n                      - this help",
        "  |wencoding|n <encoding>       - match the text encoding of your client (utf-8, latin-1)",
        "  |wscreenreader|n              - plain text for screen readers (on/off)",
        "  |winfo|n                      - facts about this server",
        "  |wquit|n                      - disconnect",
        'Names with spaces go in double quotes: connect "Anna Smith"',
      ].join("\n"),
    );
  }
}


/** A time as C's `ctime` writes it, in UTC (`Tue Dec  1 17:19:06 2026`). */
function ctime(ms: number): string {
  const d = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** `info`: MUDINFO-style facts about the server, for listing sites and crawlers. */
export class CmdUnconnectedInfo extends Command {
  override key = "info";
  override help = `Show facts about the server, for MUD listings.

Usage:
  info

Answers in the old MUDINFO format that MUD listing sites and crawlers read:
the game's name, when the server started, how many accounts are connected and
the server's version.

Examples:
  info`;

  override async func(): Promise<void> {
    const accounts = new Set(this.services.sessions().map((s) => s.account).filter((a) => a !== null)).size;
    this.msg(
      [
        "## BEGIN INFO 1.1",
        `Name: ${this.services.settings.serverName}`,
        `Uptime: ${ctime(processStartedAt())}`,
        `Connected: ${accounts}`,
        `Version: evennia-ts ${frameworkVersion()}`,
        "## END INFO",
      ].join("\n"),
    );
  }
}
