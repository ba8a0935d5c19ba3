/**
 * `cpattr` and `mvattr`: copy or move attributes from one object to others, as
 * Evennia's `CmdCpAttr` and `CmdMvAttr`. `mvattr` is `cpattr/move` (and
 * `mvattr/copy` is `cpattr`). The value is copied: changing one copy later does
 * not change the other.
 */
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { MuxCommand } from "../../mux-command.ts";
import { parseObjectAttrSpec } from "./object-spec.ts";
import { findObject, mayEdit } from "./target-search.ts";
import { reprValue } from "./value-display.ts";

const FORMS = [
  "[/switch] <obj>/<attr>[:category] = <obj1>/<attr1>[:category] [,<obj2>/<attr2>,<obj3>/<attr3>,...]",
  "[/switch] <obj>/<attr> = <obj1> [,<obj2>,<obj3>,...]",
  "[/switch] <attr> = <obj1>/<attr1> [,<obj2>/<attr2>,<obj3>/<attr3>,...]",
  "[/switch] <attr> = <obj1>[,<obj2>,<obj3>,...]",
];

function categorySuffix(category: string | null): string {
  return category ? `[${category}]` : "";
}

/** `cpattr`: copy attributes between objects. */
export class CmdCpAttr extends MuxCommand {
  override key = "cpattr";
  override locks = "cmd:perm(cpattr) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["move"];
  override help = `Copy attributes between objects.

Usage:
  cpattr[/switch] <obj>/<attr>[:category] = <obj1>/<attr1>[:category] [,<obj2>/<attr2>,...]
  cpattr[/switch] <obj>/<attr> = <obj1> [,<obj2>,<obj3>,...]
  cpattr[/switch] <attr> = <obj1>/<attr1> [,<obj2>/<attr2>,...]
  cpattr[/switch] <attr> = <obj1>[,<obj2>,<obj3>,...]

Switches:
  move - delete the attribute from the source object after copying

Copies an attribute of one object to attributes of one or more others. Without
a source object, the attribute is taken from yourself; without a target
attribute name, the source's name is used. You need control or edit access to
the objects written to (and to the source, when moving).

Examples:
  cpattr coolness = Anna/chillout, Anna/nicety, Tom/nicety
  cpattr box/width:dimension = tube/width:dimension
  cpattr/move box/label = crate`;

  /** True when the source attributes are removed after copying. */
  protected moving(): boolean {
    return this.switches.includes("move");
  }

  /** Hook: may the caller take (or, moving, remove) `attr` of `obj`? Say why not and return false to stop. */
  protected checkFromAttr(obj: TypedObject, _attr: string, _category: string | null, clear: boolean): boolean {
    if (clear && !mayEdit(obj, this.caller)) {
      this.msg(`You are not allowed to move attributes off ${obj.key}.`);
      return false;
    }
    return true;
  }

  /** Hook: may the caller write `attr` on `obj`? Say why not and return false to skip it. */
  protected checkToAttr(obj: TypedObject, _attr: string, _category: string | null): boolean {
    if (!mayEdit(obj, this.caller)) {
      this.msg(`You are not allowed to change attributes on ${obj.key}.`);
      return false;
    }
    return true;
  }

  override async func(): Promise<void> {
    const name = this.cmdname || this.cmdstring || this.key;
    if (!this.rhs) {
      this.msg(`Usage:\n${FORMS.map((f) => `  ${name}${f}`).join("\n")}`);
      return;
    }
    const source = parseObjectAttrSpec(this.lhs);
    const targets = this.rhslist.filter((p) => p.trim() !== "").map(parseObjectAttrSpec);
    let attrs = source.attrs;
    let from: TypedObject | null;
    if (attrs.length === 0) {
      attrs = source.name ? [source.name.toLowerCase()] : [];
      from = this.caller as TypedObject;
    } else from = await findObject(this, source.name);
    if (!from || targets.length === 0 || attrs.length === 0) {
      this.msg("You have to supply both source object and target(s).");
      return;
    }
    const clear = this.moving();
    const fromCategory = source.category;
    if (!this.checkFromAttr(from, attrs[0]!, fromCategory, clear)) return;
    for (const attr of attrs) {
      if (!from.attributes.has(attr, { category: fromCategory ?? undefined })) {
        this.msg(`${from.key} doesn't have an attribute ${attr}${categorySuffix(fromCategory)}.`);
        return;
      }
    }
    if (clear) {
      // moving removes the source: its attredit lock must allow that, as `set` and `wipe` ask
      const locked = attrs.find((attr) => !from.attributes.access(attr, this.caller, "attredit", { category: fromCategory ?? undefined }));
      if (locked !== undefined) {
        this.msg(`You are not allowed to move the attribute '${locked}' off ${from.key}.`);
        return;
      }
    }
    if (clear && new Set(attrs).size !== attrs.length) {
      this.msg("|RCannot have duplicate source names when moving!");
      return;
    }
    // read every value first: a move removes the source only after every target has its copy
    const values = new Map<string, unknown>();
    for (const attr of attrs) values.set(attr, await from.attributes.fetch(attr, { category: fromCategory ?? undefined }));
    const toRemove = new Set<string>();
    /** Source attributes a target wrote back onto themselves: never removed. */
    const keptInPlace = new Set<string>();
    const result: string[] = [];
    for (const target of targets) {
      const to = await findObject(this, target.name);
      if (!to) {
        result.push(`Could not find object '${target.name}'`);
        continue;
      }
      for (const [i, fromAttr] of attrs.entries()) {
        const toAttr = target.attrs[i] ?? fromAttr;
        if (!this.checkToAttr(to, toAttr, target.category)) continue;
        const value = values.get(fromAttr);
        try {
          to.attributes.add(toAttr, value, { category: target.category ?? undefined, accessor: this.caller });
        } catch (err) {
          if (!isEvenniaError(err, "EV_ERR_LOCK_DENIED")) throw err;
          result.push((err as Error).message);
          continue;
        }
        const what = `${from.key}.${fromAttr}${categorySuffix(fromCategory)} -> ${to.key}.${toAttr}${categorySuffix(target.category)}. (value: ${reprValue(value)})`;
        const sameSlot = from === to && fromAttr === toAttr && (fromCategory ?? "") === (target.category ?? "");
        if (sameSlot) keptInPlace.add(fromAttr);
        if (clear && !sameSlot) {
          toRemove.add(fromAttr);
          result.push(`Moved ${what}`);
        } else result.push(`Copied ${what}`);
      }
    }
    for (const attr of toRemove) if (!keptInPlace.has(attr)) from.attributes.remove(attr, { category: fromCategory ?? undefined });
    if (result.length) this.msg(result.join("\n"));
  }
}

/** `mvattr`: move attributes between objects (`cpattr/move`). */
export class CmdMvAttr extends CmdCpAttr {
  override key = "mvattr";
  override locks = "cmd:perm(mvattr) or perm(Builder)";
  override switchOptions = ["copy"];
  override help = `Move attributes between objects.

Usage:
  mvattr[/switch] <obj>/<attr> = <obj1>/<attr1> [,<obj2>/<attr2>,...]
  mvattr[/switch] <obj>/<attr> = <obj1> [,<obj2>,<obj3>,...]
  mvattr[/switch] <attr> = <obj1>/<attr1> [,<obj2>/<attr2>,...]
  mvattr[/switch] <attr> = <obj1>[,<obj2>,<obj3>,...]

Switches:
  copy - keep the original (the same as cpattr)

Moves an attribute of one object to attributes of one or more others: the
source attribute is removed. Without a source object, yourself is used.

Examples:
  mvattr box/label = crate
  mvattr box/label = crate/tag, chest/tag
  mvattr/copy box/label = crate`;

  protected override moving(): boolean {
    return !this.switches.includes("copy");
  }
}
