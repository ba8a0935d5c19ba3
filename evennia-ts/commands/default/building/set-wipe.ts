/**
 * `set` (view, set and delete attributes, nested keys included) and `wipe`
 * (remove attributes), as Evennia's `CmdSetAttribute` and `CmdWipe`. Values are
 * read as Python literals (`utils/literal-parse.ts`); text that is not one is
 * stored as a string, with Evennia's note saying so.
 */
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { formatLiteral, tryParseLiteral } from "../../../utils/literal-parse.ts";
import { EvEditor } from "../../eveditor/editor.ts";
import { registerEditorFunction, type EditorCaller, type EditorHandle } from "../../eveditor/editor-hooks.ts";
import { TypedObject as TypedObjectClass } from "../../../typeclasses/typed-object.ts";
import { MuxCommand } from "../../mux-command.ts";
import { parseObjectAttrSpec, type ObjectAttrSpec } from "./object-spec.ts";
import { nestedDelete, nestedGet, nestedSet, NOT_FOUND, splitNestedName } from "./nested-attr.ts";
import { baseTypeclassOf, findAccountFor, findObject, findTypedByKey, mayEdit } from "./target-search.ts";
import { displayValue } from "./value-display.ts";

const SET_USAGE = "Usage: set obj/attr[:category] = value. Use empty value to clear.";

/** The category as Evennia prints it (`None` when there is none). */
function categoryText(category: string | null): string {
  return category ?? "None";
}

/** What a `$dbref(...)` / `$search(...)` value found, or why not. */
type ObjectValue = { kind: "none" } | { kind: "object"; obj: TypedObject } | { kind: "error"; message: string };

/** `set`: view, set or delete attributes on an object, account, script or channel. */
export class CmdSetAttribute extends MuxCommand {
  override key = "set";
  override locks = "cmd:perm(set) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["edit", "script", "channel", "account", "room", "exit", "char", "character"];
  override help = `Set an attribute on an object or account.

Usage:
  set[/switch] <obj>/<attr>[:category] = <value>
  set[/switch] <obj>/<attr>[:category] =          (delete the attribute)
  set[/switch] <obj>/<attr>[:category]            (view the attribute)
  set[/switch] <obj>                              (view every attribute)
  set[/switch] *<account>/<attr>[:category] = <value>

Switches:
  account   - the target is an account (same as starting with *)
  script    - the target is a script
  channel   - the target is a channel
  char      - search every character (also /character)
  room      - search every room
  exit      - search every exit
  edit      - open the line editor on one attribute (set/edit <obj>/<attr>);
              ':wq' saves what you wrote, read as a literal like a value after =

The value is read as a literal: numbers, 'quoted strings', True, False, None,
[lists], (tuples, stored as lists), {'dicts': 1} and {sets}. Anything else is
stored as a plain string, and you are told so. To store a reference to another
object, give $dbref(#12) or $search(name) as the whole value (you need control
or edit access to that object).

Once a list or dict is stored, name a part of it with [key] after the attribute:
attr[0], attr['key'], attr[+] appends to a list, attr[+1] inserts before item 1.
You need control or edit access to the object you change.

Examples:
  set self/foo = "bar"
  set box/weight = 5
  set box/contents = ['apple', 'pear']
  set box/contents[+] = 'plum'
  set box/stats = {'str': 10}
  set box/stats['str'] = 12
  set box/weight =
  set box/weight
  set *anna/prefs:ui = {'color': True}
  set box/owner = $dbref(#5)`;

  override async func(): Promise<void> {
    if (!this.args) {
      this.msg(SET_USAGE);
      return;
    }
    const spec = parseObjectAttrSpec(this.lhs);
    const target = await this.findTarget(spec.name);
    if (!target) return;
    if (this.switches.includes("edit")) {
      await this.editAttr(target, spec);
      return;
    }
    const lines: string[] = [];
    if (this.rhs === null) {
      const attrs = spec.attrs.length ? spec.attrs : target.attributes.all({ category: "" }).map((a) => a.key);
      for (const attr of attrs) lines.push(await this.viewAttr(target, attr, spec.category));
    } else if (this.rhs === "") {
      if (!mayEdit(target, this.caller)) {
        this.msg(`You don't have permission to edit ${target.key}.`);
        return;
      }
      for (const attr of spec.attrs) lines.push(await this.removeAttr(target, attr, spec.category));
    } else {
      if (!mayEdit(target, this.caller)) {
        this.msg(`You don't have permission to edit ${target.key}.`);
        return;
      }
      let warned = false;
      for (const attr of spec.attrs) {
        const value = await this.readValue(this.rhs, warned);
        warned = true;
        if (value === NOT_FOUND) continue;
        lines.push(await this.setAttr(target, attr, value, spec.category));
      }
    }
    if (lines.length === 0) this.msg(`No valid attributes were found. ${SET_USAGE}`);
    else this.msg(lines.join("\n"));
  }

  /** `set/edit <obj>/<attr>`: the attribute's value in the line editor (it survives a reload). */
  private async editAttr(target: TypedObject, spec: ObjectAttrSpec): Promise<void> {
    if (this.rhs !== null) {
      this.msg("|rYou may specify a value, or use the edit switch, but not both.|n");
      return;
    }
    if (spec.attrs.length !== 1) {
      this.msg("set/edit edits one attribute: set/edit <obj>/<attr>[:category]");
      return;
    }
    if (!mayEdit(target, this.caller)) {
      this.msg(`You don't have permission to edit ${target.key}.`);
      return;
    }
    const attr = spec.attrs[0]!;
    const category = spec.category ?? "";
    // a new attribute has no lock yet; an existing one's attredit lock decides
    if (target.attributes.has(attr, { category }) && !target.attributes.access(attr, this.caller, "attredit", { category })) {
      this.msg(`You are not allowed to change the attribute '${attr}' on ${target.key}.`);
      return;
    }
    await EvEditor.start(this, { key: `${target.key}/${attr}`, loadfunc: SET_LOAD, savefunc: SET_SAVE, quitfunc: SET_QUIT, persistent: true, data: { target, attr, category } });
  }

  /** The object (or account, script, channel) the command is about, or null after saying why not. */
  private async findTarget(name: string): Promise<TypedObject | null> {
    if (name.startsWith("*") || this.switches.includes("account")) return findAccountFor(this, name);
    if (this.switches.includes("script")) return findTypedByKey(this, "script", name);
    if (this.switches.includes("channel")) return findTypedByKey(this, "channel", name);
    const wanted = this.switches.includes("char") || this.switches.includes("character") ? "character" : this.switches.includes("room") ? "room" : this.switches.includes("exit") ? "exit" : null;
    if (!name) {
      this.msg(SET_USAGE);
      return null;
    }
    return findObject(this, name, wanted ? { global: true, typeclass: baseTypeclassOf(wanted) } : {});
  }

  /**
   * The value to store: a game object for `$dbref(...)`/`$search(...)`, else the
   * literal, else the text itself (with Evennia's note, once). {@link NOT_FOUND}
   * when a `$dbref` failed (the caller has been told).
   */
  private async readValue(text: string, quiet: boolean): Promise<unknown> {
    const object = await this.objectValue(text);
    if (object.kind === "error") {
      if (!quiet) this.msg(object.message);
      return NOT_FOUND;
    }
    if (object.kind === "object") return object.obj;
    const parsed = tryParseLiteral(text);
    if (parsed.ok) return parsed.value;
    if (!quiet) this.msg(`|RNote: name "|r${text}|R" was converted to a string. Make sure this is acceptable.|n`);
    return text;
  }

  private async objectValue(text: string): Promise<ObjectValue> {
    // one greedy group, trimmed after: `\(\s*(.*?)\s*\)$` backtracked cubically on
    // `$dbref(` + thousands of spaces + `x` (a builder's one line hung the server)
    const call = /^\$(dbref|search)\((.*)\)$/is.exec(text);
    if (!call) return { kind: "none" };
    const query = call[2]!.trim().replace(/^['"]|['"]$/g, "");
    const found = await findObject(this, query, { global: true, quiet: true });
    if (!found) return { kind: "error", message: `$${call[1]!.toLowerCase()}: Query '${query}' gave no single match.` };
    if (!mayEdit(found, this.caller)) return { kind: "error", message: `You don't have permission to set object with identifier '${text}'.` };
    return { kind: "object", obj: found };
  }

  private async viewAttr(obj: TypedObject, attr: string, category: string | null): Promise<string> {
    const cat = category ?? undefined;
    let nested = false;
    for (const { attr: key, keys } of splitNestedName(attr)) {
      if (keys.length) nested = true;
      if (!obj.attributes.has(key, { category: cat })) continue;
      if (!obj.attributes.access(key, this.caller, "attrread", { category: cat })) return `You are not allowed to read the attribute '${key}' on ${obj.key}.`;
      const value = await obj.attributes.fetch(key, { category: cat });
      const shown = keys.length ? nestedGet(value, keys) : value;
      if (shown === NOT_FOUND) continue;
      return `Attribute ${obj.key}/|w${attr}|n [category:${categoryText(category)}] = ${displayValue(shown)}`;
    }
    return `Attribute ${obj.key}/|w${attr}|n [category:${categoryText(category)}] does not exist.${nested ? " (Nested lookups attempted)" : ""}`;
  }

  private async removeAttr(obj: TypedObject, attr: string, category: string | null): Promise<string> {
    const cat = category ?? undefined;
    let nested = false;
    for (const { attr: key, keys } of splitNestedName(attr)) {
      if (keys.length) nested = true;
      if (!obj.attributes.has(key, { category: cat })) continue;
      if (!obj.attributes.access(key, this.caller, "attredit", { category: cat })) return `You are not allowed to change the attribute '${key}' on ${obj.key}.`;
      if (keys.length) {
        const container = nestedGet(await obj.attributes.fetch(key, { category: cat }), keys.slice(0, -1));
        if (container === NOT_FOUND || !nestedDelete(container, keys[keys.length - 1]!)) continue;
      } else {
        obj.attributes.remove(key, { category: cat });
      }
      return `Deleted attribute ${obj.key}/|w${attr}|n [category:${categoryText(category)}].`;
    }
    return `No attribute ${obj.key}/|w${attr}|n [category: ${categoryText(category)}] was found to delete.${nested ? " (Nested lookups attempted)" : ""}`;
  }

  private async setAttr(obj: TypedObject, attr: string, value: unknown, category: string | null): Promise<string> {
    const cat = category ?? undefined;
    for (const { attr: key, keys } of splitNestedName(attr)) {
      if (!keys.length || !obj.attributes.has(key, { category: cat })) continue;
      const container = nestedGet(await obj.attributes.fetch(key, { category: cat }), keys.slice(0, -1));
      if (container === NOT_FOUND) continue;
      if (!obj.attributes.access(key, this.caller, "attredit", { category: cat })) return `You are not allowed to change the attribute '${key}' on ${obj.key}.`;
      const lastKey = keys[keys.length - 1]!;
      const problem = nestedSet(container, lastKey, value);
      if (problem) return `${problem} - ${displayValue(container)}`;
      const stored = await obj.attributes.fetch(key, { category: cat });
      return `Modified attribute ${obj.key}/|w${key}|n [category:${categoryText(category)}] = ${displayValue(stored)}`;
    }
    const verb = obj.attributes.has(attr, { category: cat }) ? "Modified" : "Created";
    try {
      obj.attributes.add(attr, value, { category: cat, accessor: this.caller });
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_LOCK_DENIED") || isEvenniaError(err, "EV_ERR_SERIALIZE")) return (err as Error).message;
      throw err;
    }
    return `${verb} attribute ${obj.key}/|w${attr}|n [category:${categoryText(category)}] = ${displayValue(value)}`;
  }
}

/** `wipe`: remove every attribute of an object, or the ones named. */
export class CmdWipe extends MuxCommand {
  override key = "wipe";
  override locks = "cmd:perm(wipe) or perm(Builder)";
  override helpCategory = "building";
  override help = `Clear attributes from an object.

Usage:
  wipe <object>[/<attr>[/<attr>...]]

Removes every attribute of the object, or only the ones named. The internal
attributes the server keeps (category "system", such as the stored cmdsets) stay.
You need control or edit access to the object; an attribute whose attredit
lock refuses you is kept.

Examples:
  wipe box
  wipe box/colour
  wipe box/colour/size`;

  override async func(): Promise<void> {
    if (!this.args) {
      this.msg("Usage: wipe <object>[/<attr>/<attr>...]");
      return;
    }
    const spec: ObjectAttrSpec = parseObjectAttrSpec(this.lhs);
    if (!spec.name) {
      this.msg("Usage: wipe <object>[/<attr>/<attr>...]");
      return;
    }
    const obj = await findObject(this, spec.name);
    if (!obj) return;
    if (!mayEdit(obj, this.caller)) {
      this.msg("You are not allowed to do that.");
      return;
    }
    // an attribute's attredit lock is kept, as `set` keeps it
    const locked: string[] = [];
    const wipe = (key: string, category: string | undefined): void => {
      if (obj.attributes.has(key, { category }) && !obj.attributes.access(key, this.caller, "attredit", { category })) locked.push(key);
      else obj.attributes.remove(key, { category });
    };
    const lockedNote = () => (locked.length ? `\nYou are not allowed to change (so kept) the attribute(s) ${locked.join(",")} on ${obj.key}.` : "");
    if (spec.attrs.length === 0) {
      for (const attr of obj.attributes.all()) {
        if (attr.category !== "system") wipe(attr.key, attr.category);
      }
      this.msg(`Wiped all attributes on ${obj.key}.${lockedNote()}`);
      return;
    }
    const category = spec.category ?? undefined;
    for (const attr of spec.attrs) wipe(attr, category);
    const wiped = spec.attrs.filter((a) => !locked.includes(a));
    this.msg(`${wiped.length ? `Wiped attributes ${wiped.join(",")} on ${obj.key}.` : "No attributes were wiped."}${lockedNote()}`);
  }
}

/** Names of the set/edit editor's hooks (registered, so the editor survives a reload). */
const SET_LOAD = "evennia.building.set.load";
const SET_SAVE = "evennia.building.set.save";
const SET_QUIT = "evennia.building.set.quit";

/** What `set/edit` edits: the object (still there) and the attribute. */
function editedAttribute(editor: EditorHandle): { target: TypedObject; attr: string; category: string } | null {
  const { target, attr, category } = editor.data as { target?: unknown; attr?: unknown; category?: unknown };
  if (!(target instanceof TypedObjectClass) || target.isDeleted || typeof attr !== "string") return null;
  return { target, attr, category: typeof category === "string" ? category : "" };
}

registerEditorFunction(SET_LOAD, (_caller: EditorCaller, editor: EditorHandle) => {
  const edited = editedAttribute(editor);
  if (!edited) return "";
  const value: unknown = edited.target.attributes.get(edited.attr, { category: edited.category });
  if (value === undefined) return "";
  return typeof value === "string" ? value : formatLiteral(value);
});
registerEditorFunction(SET_SAVE, (caller: EditorCaller, buffer: string, editor: EditorHandle) => {
  const edited = editedAttribute(editor);
  if (!edited) {
    caller.msg("|rThe object being edited is gone; nothing was saved.|n");
    return false;
  }
  const parsed = tryParseLiteral(buffer);
  edited.target.attributes.add(edited.attr, parsed.ok ? parsed.value : buffer, { category: edited.category || undefined });
  caller.msg(`Saved attribute ${edited.target.key}/${edited.attr}${parsed.ok ? "" : " (as text)"}.`);
  return true;
});
registerEditorFunction(SET_QUIT, (caller: EditorCaller) => {
  caller.msg("Exited editor.");
});
