/**
 * Commands available before login: `connect`, `create`, `quit`, `look`, `help`.
 */
import { findAccount } from "../../typeclasses/search.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { Command } from "../command.ts";
import { hasUnmatchedQuote, splitQuoted } from "../command-parser.ts";

const NAME_RE = /^[\p{L}\p{N}_. @+\-']+$/u;

/** `connect <name> <password>`: log in. */
export class CmdUnconnectedConnect extends Command {
  override key = "connect";
  override aliases = ["conn", "con", "co"];
  override argRegex = "\\s.*?|$";
  override help = `Connect to the game.

Usage (at login screen):
  connect accountname password
  connect "account name" "pass word"

Use the create command to first create an account before logging in.
If you have spaces in your name, enclose it in double quotes.

Examples:
  connect Anna secret123
  connect "Anna Smith" secret123`;

  override async func(): Promise<void> {
    if (hasUnmatchedQuote(this.args)) {
      this.msg('Your input has an unmatched quote (").\nUsage (without <>): connect <name> <password>');
      return;
    }
    const parts = splitQuoted(this.args);
    if (parts.length !== 2) {
      this.msg("Usage (without <>): connect <name> <password>");
      return;
    }
    const [name, password] = parts as [string, string];
    const refused = await this.services.loginThrottleCheck(this.session, name);
    if (refused) {
      this.msg(`|r${refused}|n`);
      return;
    }
    const account = await findAccount(name);
    if (!account || !(await account.checkPassword(password))) {
      this.services.loginFailed(this.session, name);
      this.msg("|rUsername and/or password is incorrect.|n");
      return;
    }
    this.services.loginSucceeded(this.session, name);
    await this.services.login(this.session, account);
  }
}

/** `create <name> <password>`: make a new account (and its character). */
export class CmdUnconnectedCreate extends Command {
  override key = "create";
  override aliases = ["cre", "cr"];
  override argRegex = "\\s.*?|$";
  override help = `Create a new account.

Usage (at login screen):
  create <accountname> <password>
  create "account name" "pass word"

This creates a new account. If you have spaces in your name, enclose it in
double quotes.

Examples:
  create Anna secret123
  create "Anna Smith" secret123`;

  override async func(): Promise<void> {
    if (hasUnmatchedQuote(this.args)) {
      this.msg('Your input has an unmatched quote (").\nUsage (without <>): create <name> <password>');
      return;
    }
    const parts = splitQuoted(this.args);
    if (parts.length !== 2) {
      this.msg("Usage (without <>): create <name> <password>\nIf <name> contains spaces, enclose it in double quotes.");
      return;
    }
    const [name, password] = parts as [string, string];
    const { passwordMinLength, baseAccountTypeclass } = this.services.settings;
    if (name.length < 3 || name.length > 30 || !NAME_RE.test(name)) {
      this.msg("|rA name must be 3 to 30 characters: letters, digits, spaces and . @ + - _ ' only.|n");
      return;
    }
    if (password.length < passwordMinLength) {
      this.msg(`|rA password must be at least ${passwordMinLength} characters long.|n`);
      return;
    }
    const throttled = this.services.accountCreationCheck(this.session);
    if (throttled) {
      this.msg(`|r${throttled}|n`);
      return;
    }
    try {
      // refuses a taken name (any case) with EV_ERR_BAD_INPUT, shown below
      await this.services.createAccountWithCharacter(name, password, baseAccountTypeclass);
    } catch (err) {
      this.services.accountCreationAborted(this.session);
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|r${err.message}|n`);
        return;
      }
      throw err;
    }
    const quoted = name.includes(" ") ? `"${name}"` : name;
    this.msg(`A new account '${name}' was created. Welcome!\nYou can now log in with the command 'connect ${quoted} <your password>'.`);
  }
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
    this.services.disconnect(this.session, "Good bye! Disconnecting.");
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
        "  |wcreate|n <name> <password>  - create a new account",
        "  |wconnect|n <name> <password> - log in to an existing account",
        "  |wlook|n                      - show the connection screen again",
        "  |whelp|n                      - this help",
        "  |wquit|n                      - disconnect",
        'Names with spaces go in double quotes: connect "Anna Smith" secret',
      ].join("\n"),
    );
  }
}

