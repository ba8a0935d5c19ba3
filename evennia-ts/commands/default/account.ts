/**
 * Account commands, available whenever logged in: `look` (out of character),
 * `quit`, `ic`, `ooc`, `charcreate`, `chardelete`, `password`.
 */
import { activeSettings } from "../../conf/active-settings.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { Session } from "../../typeclasses/sessions.ts";
import { onePuppetingAtATime } from "../../typeclasses/puppet-lock.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { Command } from "../command.ts";
import { getInput } from "../input-prompt.ts";
import { MuxCommand } from "../mux-command.ts";
import { characterNameFormatProblem, createCharacterFor, tidyCharacterName } from "./character-creation.ts";
import { startCharCreateMenu } from "./charcreate-menu.ts";

/** Security-relevant account changes (Evennia's `log_sec`). */
const securityLog = getLogger("security");

/** `quit[/all]`: log out and disconnect this session (or, with `/all`, every session of the account). */
export class CmdQuit extends MuxCommand {
  override key = "quit";
  override aliases = ["q"];
  override switchOptions = ["all"];
  override help = `Quit the game.

Usage:
  quit
  quit/all

Switches:
  all - disconnect every session of your account, not just this one

Logs this session out and disconnects it. Your other sessions (if the game lets
you connect more than once) stay connected unless you use /all.

Examples:
  quit
  quit/all`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) {
      await this.services.disconnect(this.session, "Quitting. Hope to see you again, soon.");
      return;
    }
    const others = account.sessions.filter((s) => s.sessid !== this.session.sessid);
    if (this.switches.includes("all")) {
      for (const other of others) await account.disconnectSession(other, "Quitting all sessions (quit/all from another session).");
      await this.services.disconnect(this.session, "Quitting all sessions. Hope to see you soon again.");
      return;
    }
    const still = others.length;
    const reason =
      still === 0
        ? "Quitting. Hope to see you again, soon."
        : still === 1
          ? "Quitting. One session is still connected."
          : `Quitting. ${still} sessions are still connected.`;
    await this.services.disconnect(this.session, reason);
  }
}

/**
 * `look` out of character (Evennia's CmdOOCLook): the account's sessions and the
 * characters it may play; `look <character>` shows one of them. While puppeting,
 * the character's own `look` is used instead (its cmdset wins).
 */
export class CmdOOCLook extends Command {
  override key = "look";
  override aliases = ["l", "ls"];
  override helpCategory = "general";
  override help = `Look while out of character.

Usage:
  look
  look <character>

Shows your account: your connected sessions and the characters you may play
(use ic <character> to play one). With a name, shows that character of yours.

Examples:
  look
  look Anna`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    if (this.session.puppet) {
      // only reached when the puppet has no look command of its own
      this.msg("You currently have no ability to look around.");
      return;
    }
    const name = this.args.trim().toLowerCase();
    const characters = account.characters;
    if (name) {
      const found = characters.find((c) => c.key.toLowerCase() === name);
      if (found) {
        this.msg(`|c${found.getDisplayName()}|n\n${found.getDisplayDesc()}`);
        return;
      }
    }
    const settings = activeSettings();
    if (!name && settings.autoPuppetOnLogin && settings.maxNrCharacters === 1 && characters.length > 0) {
      // one character and it is played at login: nothing to choose from
      this.msg("You are out-of-character (OOC).\nUse |wic|n to get back into the game.");
      return;
    }
    this.msg(account.atLook(this.session as unknown as Session));
  }
}

/** `ic [<character>]`: play one of your characters (the last one played when none is named). */
export class CmdIC extends Command {
  override key = "ic";
  override aliases = ["puppet"];
  override helpCategory = "account";
  override help = `Control (puppet) one of your characters.

Usage:
  ic <character>

Goes in character as <character>, one of yours. With a multisession mode that
allows it, other sessions may puppet other characters at the same time.

Examples:
  ic Anna
  puppet Anna`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    await onePuppetingAtATime(account, () => this.goInCharacter(account));
  }

  private async goInCharacter(account: DefaultAccount): Promise<void> {
    const session = this.session as unknown as Session;
    const name = this.args.trim();
    let target = account.lastPuppet;
    if (name) {
      const wanted = name.toLowerCase();
      const matches = account.characters.filter((c) => c.key.toLowerCase() === wanted);
      const byPrefix = matches.length > 0 ? matches : account.characters.filter((c) => c.key.toLowerCase().startsWith(wanted));
      if (byPrefix.length > 1) {
        this.msg(`Multiple targets with the same name:\n${byPrefix.map((c) => ` ${c.key}(${c.dbref})`).join("\n")}`);
        return;
      }
      target = byPrefix[0] ?? null;
      if (!target) {
        this.msg("That is not a valid character choice.");
        return;
      }
    } else if (!target) {
      this.msg("Usage: ic <character>");
      return;
    }
    await account.puppetObject(session, target);
  }
}

/** `ooc`: stop playing your character and go out of character. */
export class CmdOOC extends Command {
  override key = "ooc";
  override aliases = ["unpuppet"];
  override locks = "cmd:pperm(Player)";
  override helpCategory = "account";
  override help = `Stop controlling your character and go out of character.

Usage:
  ooc

Leaves the character you puppet in this session; you stay logged in as your
account and can use ic to take a character again.

Examples:
  ooc
  unpuppet`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    await onePuppetingAtATime(account, () => this.goOutOfCharacter(account));
  }

  private async goOutOfCharacter(account: DefaultAccount): Promise<void> {
    const session = this.session as unknown as Session;
    const puppet = session.puppet;
    if (!puppet) {
      this.msg("You are already OOC.");
      return;
    }
    await account.unpuppetObject(session);
    this.msg(`\n|GYou go OOC.|n\n`);
    this.msg(account.atLook(session));
  }
}

/** `charcreate <name>`: create a new character (as many as the setting `maxNrCharacters` allows). */
export class CmdCharCreate extends Command {
  override key = "charcreate";
  override locks = "cmd:pperm(Player)";
  override helpCategory = "account";
  override help = `Create a new character.

Usage:
  charcreate <name> [= <description>]
  charcreate

Makes a new character for your account, up to the game's limit of characters
per account (setting maxNrCharacters). Use ic <name> to play it. Where the
game turns on the setting charcreateMenu (the demo game does), charcreate
alone opens a menu asking for the name, a description, and a confirmation.

Examples:
  charcreate Anna
  charcreate Bob = A tall fellow with a crooked smile.`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const eq = this.args.indexOf("=");
    const name = tidyCharacterName(eq >= 0 ? this.args.slice(0, eq) : this.args);
    const desc = eq >= 0 ? this.args.slice(eq + 1).trim() : "";
    if (!name) {
      if (eq < 0 && activeSettings().charcreateMenu) {
        const refused = account.checkAvailableSlots();
        if (refused) this.msg(`|r${refused}|n`);
        else await startCharCreateMenu(account, this.session);
        return;
      }
      this.msg("Usage: charcreate <charname> [= description]");
      return;
    }
    // the menu's rules: a one-line charcreate must not get past them
    const badName = characterNameFormatProblem(name);
    if (badName) {
      this.msg(badName);
      return;
    }
    const made = await createCharacterFor(account, name, desc);
    if ("error" in made) {
      this.msg(made.error);
      return;
    }
    this.msg(`Created new character ${made.character.key}. Use |wic ${made.character.key}|n to enter the game as this character.`);
  }
}

/** `chardelete <name>`: delete one of your characters for good, after a yes/no question. */
export class CmdCharDelete extends Command {
  override key = "chardelete";
  override locks = "cmd:pperm(Player)";
  override helpCategory = "general";
  override help = `Delete one of your characters - this cannot be undone!

Usage:
  chardelete <charname>

Destroys one of your characters for good. You are asked to confirm with yes;
anything else keeps the character. You need the character's delete permission
(you have it for characters you created).

Examples:
  chardelete Anna`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const name = this.args.trim();
    if (!name) {
      this.msg("Usage: chardelete <charactername>");
      return;
    }
    const matches = account.characters.filter((c) => c.key.toLowerCase() === name.toLowerCase());
    if (matches.length === 0) {
      this.msg("You have no such character to delete.");
      return;
    }
    if (matches.length > 1) {
      this.msg("Aborting - there are two characters with the same name. Ask an admin to delete the right one.");
      return;
    }
    const character = matches[0]!;
    if (!character.access(account, "delete")) {
      this.msg("You do not have permission to delete this character.");
      return;
    }
    const session = this.session;
    const address = session.address;
    getInput(session, `|rThis will permanently destroy '${character.key}'. This cannot be undone.|n Continue yes/[no]? `, async (answer) => {
      if (answer.trim().toLowerCase() !== "yes") {
        session.msg("Deletion was aborted.");
        return;
      }
      // the account's puppeting turn: an ic of this character on another session (its
      // hooks awaiting) finishes first and is let go by the deletion, or starts after it
      await onePuppetingAtATime(account, async () => {
        if (character.isDeleted) {
          session.msg("Deletion was aborted.");
          return;
        }
        const key = character.key;
        account.removeCharacter(character);
        if (!(await character.delete())) {
          account.addCharacter(character);
          session.msg(`|rCharacter '${key}' could not be deleted.|n`);
          return;
        }
        session.msg(`Character '${key}' was permanently deleted.`);
        securityLog.info(`Character Deleted: ${key} (Caller: ${account.key}, IP: ${address}).`);
      });
    });
  }
}

/** `password <old> = <new>`: change your password (the new one must pass the account class's rules). */
export class CmdPassword extends MuxCommand {
  override key = "password";
  override locks = "cmd:pperm(Player)";
  override helpCategory = "general";
  override help = `Change your password.

Usage:
  password <old password> = <new password>

Sets a new password for your account. Give the current one first; the new one
must follow the game's rules (at least passwordMinLength characters by default).

Examples:
  password oldsecret = n3w-s3cret`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    if (this.rhs === null || !this.lhs || !this.rhs) {
      this.msg("Usage: password <oldpass> = <newpass>");
      return;
    }
    const oldPassword = this.lhs;
    const newPassword = this.rhs;
    if (!(await account.checkPassword(oldPassword))) {
      this.msg("The specified old password isn't correct.");
      return;
    }
    try {
      (account.constructor as typeof DefaultAccount).validatePassword(newPassword);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(err.message);
        return;
      }
      throw err;
    }
    await account.setPassword(newPassword);
    this.msg("Password changed.");
    securityLog.info(`Password Changed: ${account.key} (Caller: ${account.key}, IP: ${this.session.address}).`);
  }
}
