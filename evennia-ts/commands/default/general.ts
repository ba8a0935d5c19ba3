/**
 * General character commands: `look`, `say`, `get`, `drop`, `inventory`, with
 * Evennia's wording. None of them reads the database: contents are in memory.
 */
import { canAccess } from "../../typeclasses/object-access.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { numberedName } from "../../utils/inflect.ts";
import { Command } from "../command.ts";
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
    this.msg({ text: [`You say, "${speech}|n"`, { type: "say" }] });
    caller.location?.msgContents({ text: [`${caller.key} says, "${speech}|n"`, { type: "say" }] }, { exclude: [caller], fromObj: caller });
  }
}
