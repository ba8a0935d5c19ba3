/**
 * General character commands, with Evennia's names, locks and wording: `look`,
 * `get`, `drop`, `give`, `inventory`, `say`, `whisper`, `pose`, `setdesc`, `home`
 * and `access` (`nick` is in `nick.ts`). Speech goes through the speaker's
 * `atPreSay`/`atSay` hooks, giving through the object's `give` lock and
 * `atPreGive`/`atGive` hooks.
 */
import { PERMISSION_HIERARCHY } from "../../locks/permissions.ts";
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { canAccess } from "../../typeclasses/object-access.ts";
import { multimatchMessage } from "../../typeclasses/object-search.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { numberedName } from "../../utils/inflect.ts";
import { Command } from "../command.ts";
import { MuxCommand } from "../mux-command.ts";
import { searchNearby } from "./nearby-search.ts";

/** `look` / `look <target>`: describe where you are, or something near you. */
export class CmdLook extends Command {
  override key = "look";
  override aliases = ["l", "ls"];
  override argRegex = "\\s|$";
  override help = `Look at location or object.

Usage:
  look
  look <obj>
  look *<account>

Observes your location or objects in your vicinity.

Examples:
  look
  l`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const what = this.args.trim().replace(/^at\s+/i, "");
    let target: DefaultObject | null;
    if (!what) {
      target = caller.location;
      if (!target) {
        this.msg("You have no location to look at!");
        return;
      }
    } else {
      target = searchNearby(caller, what);
      if (!target) return;
    }
    if (target !== caller.location && target !== caller && !canAccess(target, caller, "view", true)) {
      this.msg(`Could not find '${what}'.`);
      return;
    }
    this.msg({ text: [target.returnAppearance(caller), { type: "look" }] });
  }
}

/** `get <thing>`: pick something up from the room. */
export class CmdGet extends Command {
  override key = "get";
  override aliases = ["grab"];
  override argRegex = "\\s|$";
  override help = `Pick up something.

Usage:
  get <obj>

Picks up an object from your location and puts it in your inventory.

Examples:
  get sword
  grab 2-coin`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const what = this.args.trim();
    if (!what) {
      this.msg("Get what?");
      return;
    }
    const location = caller.location;
    const obj = searchNearby(caller, what, { candidates: location ? [location, ...location.contentsGet({ exclude: caller })] : [] });
    if (!obj) return;
    if (obj === caller) {
      this.msg("You can't get yourself.");
      return;
    }
    // without a get lock, only things may be taken (Evennia's default locks give exits,
    // characters and rooms "get:false()")
    if (obj === location || !canAccess(obj, caller, "get", obj.contentType === "object")) {
      const custom = obj.db.get_err_msg;
      this.msg(typeof custom === "string" && custom ? custom : "You can't get that.");
      return;
    }
    if ((await obj.atPreGet(caller)) === false) return;
    if (!(await obj.moveTo(caller, { quiet: true, moveType: "get" }))) {
      this.msg("This can't be picked up.");
      return;
    }
    const name = numberedName(obj.getDisplayName(caller), 1);
    this.msg(`You pick up ${name}.`);
    location?.msgContents(`{you} picks up ${name}.`, { exclude: [caller], fromObj: caller, mapping: { you: caller } });
    await obj.atGet(caller);
  }
}

/** `drop <thing>`: put down something you carry. */
export class CmdDrop extends Command {
  override key = "drop";
  override argRegex = "\\s|$";
  override help = `Drop something.

Usage:
  drop <obj>

Lets you drop an object from your inventory into the location you are
currently in.

Examples:
  drop sword`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const what = this.args.trim();
    if (!what) {
      this.msg("Drop what?");
      return;
    }
    const obj = searchNearby(caller, what, { candidates: caller.contents, nofoundString: `You aren't carrying ${what}.` });
    if (!obj) return;
    const location = caller.location;
    if (!location) {
      this.msg("You have nowhere to drop it.");
      return;
    }
    if (!canAccess(obj, caller, "drop", true)) {
      const custom = obj.db.drop_err_msg;
      this.msg(typeof custom === "string" && custom ? custom : "You can't drop that.");
      return;
    }
    if ((await obj.atPreDrop(caller)) === false) return;
    if (!(await obj.moveTo(location, { quiet: true, moveType: "drop" }))) {
      this.msg("This couldn't be dropped.");
      return;
    }
    const name = numberedName(obj.getDisplayName(caller), 1);
    this.msg(`You drop ${name}.`);
    location.msgContents(`{you} drops ${name}.`, { exclude: [caller], fromObj: caller, mapping: { you: caller } });
    await obj.atDrop(caller);
  }
}

/** `inventory`: what you carry. */
export class CmdInventory extends Command {
  override key = "inventory";
  override aliases = ["inv", "i"];
  override argRegex = "$";
  override help = `View inventory.

Usage:
  inventory
  inv

Shows your inventory.

Examples:
  inventory
  i`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const items = caller.contents;
    if (items.length === 0) {
      this.msg("You are not carrying anything.");
      return;
    }
    const groups = new Map<string, { count: number; desc: string }>();
    for (const item of items) {
      const name = item.getDisplayName(caller);
      const desc = typeof item.db.desc === "string" ? item.db.desc : "";
      const key = `${name}\u0000${desc}`;
      const group = groups.get(key);
      if (group) group.count++;
      else groups.set(key, { count: 1, desc });
    }
    const rows = [...groups.entries()].map(([key, { count, desc }]) => {
      const name = key.split("\u0000")[0]!;
      const shown = count === 1 ? name : numberedName(name, count);
      const cropped = desc.length > 50 ? `${desc.slice(0, 47)}...` : desc;
      return { shown, cropped };
    });
    const width = Math.max(...rows.map((r) => r.shown.replace(/\|[a-zA-Z]/g, "").length));
    const lines = rows.map((r) => {
      const pad = " ".repeat(width - r.shown.replace(/\|[a-zA-Z]/g, "").length);
      return ` |C${r.shown}|n${r.cropped ? `${pad}   ${r.cropped}|n` : ""}`;
    });
    this.msg(`|wYou are carrying:|n\n${lines.join("\n")}`);
  }
}

/** `say <text>`: speak to everyone in the room. */
export class CmdSay extends Command {
  override key = "say";
  override aliases = ['"', "'"];
  // `"hello` and `'hello` work: anything may follow the name
  override argRegex = null;
  override help = `Speak as your character.

Usage:
  say <message>

Talk to those in your current location.

Examples:
  say Hello!
  "Hello!
  'Hello!`;

  override async func(): Promise<void> {
    const caller = this.caller;
    const speech = this.args.trim();
    if (!speech) {
      this.msg("Say what?");
      return;
    }
    if (!(caller instanceof DefaultObject)) return;
    const said = await caller.atPreSay(speech);
    if (!said) return;
    caller.atSay(said, { msgSelf: true, session: this.session });
  }
}

/** `whisper <character>[, <character>...] = <message>`: speak privately to some in the room. */
export class CmdWhisper extends MuxCommand {
  override key = "whisper";
  override help = `Speak privately to one or more others.

Usage:
  whisper <character> = <message>
  whisper <char1>, <char2> = <message>

Talks privately to one or more characters in your location; the others there
are not told anything.

Examples:
  whisper Anna = Meet me at the docks.
  whisper Anna, Bob = Not a word to anyone.`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    if (!this.lhs || !this.rhs) {
      this.msg("Usage: whisper <character> = <message>");
      return;
    }
    const names = [...new Set(this.lhs.split(",").map((n) => n.trim()).filter(Boolean))];
    const receivers: DefaultObject[] = [];
    for (const name of names) {
      const found = await caller.search(name);
      if (found && !receivers.includes(found)) receivers.push(found);
    }
    if (receivers.length === 0) return;
    const speech = await caller.atPreSay(this.rhs, { whisper: true, receivers });
    if (!speech) return;
    // whispering to yourself (among others) needs no echo
    caller.atSay(speech, { whisper: true, receivers, msgSelf: receivers.includes(caller) ? false : true, session: this.session });
  }
}

/** `pose <text>`: show everyone in the room what you do, your name first. */
export class CmdPose extends Command {
  override key = "pose";
  override aliases = [":", "emote"];
  // `:waves` works: no space is needed after the name
  override argRegex = null;
  override help = `Strike a pose: describe what you are doing.

Usage:
  pose <pose text>
  pose's <pose text>

The text is shown to everyone in your location, starting with your name.
Text beginning with ' , or : is joined to your name without a space.

Examples:
  pose is standing by the wall, smiling.
     (others see: Tom is standing by the wall, smiling.)
  :waves.
  pose's eyes narrow.
     (others see: Tom's eyes narrow.)`;

  override async parse(): Promise<void> {
    const args = this.args;
    // text starting with an apostrophe, a comma or a colon sticks to the name (`Tom's`); anything else gets one space
    this.args = args && !["'", ",", ":"].includes(args[0]!) ? ` ${args.trim()}` : args.trimEnd();
  }

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    if (!this.args.trim()) {
      this.msg("What do you want to do?");
      return;
    }
    const text = { text: [`${caller.key}${this.args}`, { type: "pose" }] as [string, { type: string }] };
    if (caller.location) caller.location.msgContents(text, { fromObj: caller });
    else caller.msg(text, { fromObj: caller });
  }
}

/** `give <thing> to <someone>`: hand something you carry to another. */
export class CmdGive extends MuxCommand {
  override key = "give";
  // "=" first, as Evennia: `give rope = Anna` and `give rope to Anna`
  override rhsSplit = ["=", " to "];
  override argRegex = "\\s|$";
  override help = `Give something you carry to someone.

Usage:
  give <inventory obj> <to||=> <target>
  give <number> <inventory obj> <to||=> <target>

Moves an object from your inventory into someone else's. With a number, gives
that many of a stack of identical objects.

Examples:
  give sword to Anna
  give apple = Bob
  give 3 coin to Anna`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    if (!this.args || !this.rhs || !this.lhs) {
      this.msg("Usage: give <inventory object> = <target>");
      return;
    }
    const { count, name } = splitCount(this.lhs);
    const toGive = await this.findCarried(caller, name, count);
    if (!toGive) return;
    const target = await caller.search(this.rhs);
    if (!target) return;
    const first = toGive[0]!;
    const itemName = first.getDisplayName(caller);
    if (target === caller) {
      this.msg(`You keep ${numberedName(itemName, toGive.length)} to yourself.`);
      return;
    }
    for (const obj of toGive) {
      if (!canAccess(obj, caller, "give", true)) {
        const custom = obj.db.give_err_msg;
        this.msg(typeof custom === "string" && custom ? custom : "You can't give that away.");
        return;
      }
    }
    for (const obj of toGive) if ((await obj.atPreGive(caller, target)) === false) return;
    const moved: DefaultObject[] = [];
    for (const obj of toGive) {
      if (await obj.moveTo(target, { quiet: true, moveType: "give", useDestination: false })) {
        moved.push(obj);
        await obj.atGive(caller, target);
      }
    }
    if (moved.length === 0) {
      this.msg(`You could not give that to ${target.getDisplayName(caller)}.`);
      return;
    }
    this.msg(`You give ${numberedName(itemName, moved.length)} to ${target.getDisplayName(caller)}.`);
    target.msg(`${caller.getDisplayName(target)} gives you ${numberedName(first.getDisplayName(target), moved.length)}.`);
  }

  /**
   * What `name` names in the caller's inventory: one object, or with `count`, that
   * many of a stack of identical ones (fewer if fewer are carried), as Evennia's
   * `stacked` search. Null after telling the caller why not.
   */
  private async findCarried(caller: DefaultObject, name: string, count: number): Promise<DefaultObject[] | null> {
    const options = { location: caller, nofoundString: `You aren't carrying ${name}.`, multimatchString: `You carry more than one ${name}:` };
    if (count <= 0) {
      const one = await caller.search(name, options);
      return one ? [one] : null;
    }
    const matches = await caller.search(name, { ...options, quiet: true });
    if (matches.length === 0) {
      this.msg(options.nofoundString);
      return null;
    }
    const stacked = matches.every((m) => m.key.toLowerCase() === matches[0]!.key.toLowerCase() && m.typeclassPath === matches[0]!.typeclassPath);
    if (!stacked) {
      this.msg(multimatchMessage(caller, name, matches, options.multimatchString));
      return null;
    }
    return matches.slice(0, count);
  }
}

/** A leading count (`3 coins` → 3, "coins"), as Evennia's numbered commands; 0 when there is none. */
function splitCount(text: string): { count: number; name: string } {
  const m = /^(\d+)\s+(\S.*)$/s.exec(text.trim());
  return m ? { count: Number(m[1]), name: m[2]!.trim() } : { count: 0, name: text.trim() };
}

/** `setdesc <description>`: describe yourself. */
export class CmdSetDesc extends Command {
  override key = "setdesc";
  override argRegex = "\\s|$";
  override help = `Describe yourself.

Usage:
  setdesc <description>

Sets the description others see when they look at you.

Examples:
  setdesc A tall woman with a weathered face.`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const desc = this.args.trim();
    if (!desc) {
      this.msg("You must add a description.");
      return;
    }
    caller.db.desc = desc;
    this.msg("You set your description.");
  }
}

/** `home`: go back to your home location. */
export class CmdHome extends Command {
  override key = "home";
  override locks = "cmd:perm(home) or perm(Builder)";
  override argRegex = "$";
  override help = `Go to your home location.

Usage:
  home

Teleports you to your home.

Examples:
  home`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const home = caller.home;
    if (!home) {
      this.msg("You have no home!");
      return;
    }
    if (home === caller.location) {
      this.msg("You are already home!");
      return;
    }
    this.msg("There's no place like home ...");
    await caller.moveTo(home, { moveType: "teleport" });
  }
}

/** `access`: the permission hierarchy, and where you stand in it. */
export class CmdAccess extends Command {
  override key = "access";
  override aliases = ["groups", "hierarchy"];
  override argRegex = "$";
  override help = `Show your current game access.

Usage:
  access

Lists the permission hierarchy, lowest first, and the permissions your
character and your account have.

Examples:
  access
  groups`;

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject) && !(caller instanceof DefaultAccount)) return;
    const hierarchy = PERMISSION_HIERARCHY.map((p) => p[0]!.toUpperCase() + p.slice(1)).join(", ");
    const account = caller instanceof DefaultAccount ? caller : caller.account;
    const superuser = Boolean(account?.isSuperuser);
    const permsOf = (holder: DefaultObject | DefaultAccount) => (superuser ? "<Superuser>" : holder.permissions.get().join(", "));
    const lines = ["", `|wPermission Hierarchy|n (climbing):`, ` ${hierarchy}`, "|wYour access|n:"];
    if (caller instanceof DefaultObject) lines.push(`Character |c${caller.key}|n: ${permsOf(caller)}`);
    if (account) lines.push(`Account |c${account.key}|n: ${permsOf(account)}`);
    this.msg(lines.join("\n"));
  }
}
