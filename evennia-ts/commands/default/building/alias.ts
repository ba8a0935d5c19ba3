/**
 * `alias` (alias `setobjalias`): list, add and remove the permanent aliases of an
 * object — other names everyone can find it by — as Evennia's `CmdSetObjAlias`.
 * An exit's new aliases work as commands at once (its room's exit commands are
 * rebuilt when an exit's aliases change).
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { MuxCommand } from "../../mux-command.ts";
import { findObject, mayEdit } from "./target-search.ts";

const USAGE = "Usage: alias <obj> [= [alias[,alias ...]]]";

/** `alias`: manage an object's aliases. */
export class CmdSetObjAlias extends MuxCommand {
  override key = "alias";
  override aliases = ["setobjalias"];
  override locks = "cmd:perm(setobjalias) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["category", "delete"];
  override help = `Add permanent aliases to an object.

Usage:
  alias <obj> [= [alias[,alias,alias,...]]]
  alias <obj> =
  alias/category <obj> = [alias[,alias,...]:<category>
  alias/delete <obj> = <alias>

Switches:
  category - store the given aliases in the category given as :category at
             the end
  delete   - remove every occurrence of the alias, whatever its category

Aliases are other names an object can be found by, by everyone (unlike nicks,
which are personal). New aliases join the ones the object has. With only <obj>,
lists its aliases; with an empty right side, removes them all. You need control
or edit access to change them.

Examples:
  alias box
  alias box = crate, chest
  alias/category box = trunk:furniture
  alias/delete box = crate
  alias box =`;

  override async func(): Promise<void> {
    if (!this.lhs) {
      this.msg(USAGE);
      return;
    }
    const obj = await findObject(this, this.lhs);
    if (!obj) return;
    const name = obj.getDisplayName(this.caller instanceof DefaultObject ? this.caller : null);
    if (this.rhs === null && !this.switches.includes("delete")) {
      const aliases = obj.aliases.all();
      if (aliases.length === 0) this.msg(`No aliases exist for '${name}'.`);
      else this.msg(`Aliases for ${name}: ${aliases.map((a) => `'${a.key}'${a.category ? `[category:'${a.category}']` : ""}`).join(", ")}`);
      return;
    }
    if (!mayEdit(obj, this.caller)) {
      this.msg("You don't have permission to do that.");
      return;
    }
    if (!this.rhs) {
      const old = obj.aliases.get();
      if (old.length === 0) {
        this.msg("No aliases to clear.");
        return;
      }
      obj.aliases.clear();
      this.msg(`Cleared aliases from ${name}: ${old.join(", ")}`);
      return;
    }
    if (this.switches.includes("delete")) {
      const wanted = this.rhs.trim().toLowerCase();
      const matching = obj.aliases.all().filter((a) => a.key === wanted);
      for (const a of matching) obj.aliases.remove(a.key, a.category);
      this.msg(matching.length ? `Alias '${this.rhs}' deleted from ${name}.` : `${name} has no alias '${this.rhs}'.`);
      return;
    }
    let list = this.rhs;
    let category: string | null = null;
    if (this.switches.includes("category")) {
      const colon = list.lastIndexOf(":");
      if (colon < 0) {
        this.msg("If specifying the /category switch, the category must be given as :category at the end.");
        return;
      }
      category = list.slice(colon + 1).trim() || null;
      list = list.slice(0, colon);
    }
    const added = [...new Set(list.split(",").map((a) => a.trim().toLowerCase()).filter(Boolean))];
    if (added.length === 0) {
      this.msg(USAGE);
      return;
    }
    for (const alias of added) obj.aliases.add(alias, category ?? undefined);
    this.msg(`Alias(es) for '${name}' set to '${obj.aliases.get().join(",")}'${category ? ` (category: '${category}')` : ""}.`);
  }
}
