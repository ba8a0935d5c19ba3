/**
 * Account commands, available whenever logged in: `quit`, `ic`, `ooc`, `charcreate`.
 */
import type { Session } from "../../typeclasses/sessions.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { Command } from "../command.ts";

/** `quit`: log out and disconnect. */
export class CmdQuit extends Command {
  override key = "quit";
  override aliases = ["q"];
  override help = `Quit the game.

Usage:
  quit

Gracefully disconnect your current session from the game.

Examples:
  quit`;

  override async func(): Promise<void> {
    await this.services.disconnect(this.session, "Quitting. Hope to see you again, soon.");
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
  override helpCategory = "account";
  override help = `Create a new character.

Usage:
  charcreate <name> [= <description>]

Makes a new character for your account, up to the game's limit of characters
per account (setting maxNrCharacters). Use ic <name> to play it.

Examples:
  charcreate Anna
  charcreate Bob = A tall fellow with a crooked smile.`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const eq = this.args.indexOf("=");
    const name = (eq >= 0 ? this.args.slice(0, eq) : this.args).trim();
    const desc = eq >= 0 ? this.args.slice(eq + 1).trim() : "";
    if (!name) {
      this.msg("Usage: charcreate <charname> [= description]");
      return;
    }
    if (account.characters.some((c) => c.key.toLowerCase() === name.toLowerCase())) {
      this.msg(`|rA character named '|w${name}|r' already exists.|n`);
      return;
    }
    try {
      const character = await account.createCharacter({ key: name });
      if (desc) character.db.desc = desc;
      this.msg(`Created new character ${character.key}. Use |wic ${character.key}|n to enter the game as this character.`);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|r${err.message}|n`);
        return;
      }
      throw err;
    }
  }
}
