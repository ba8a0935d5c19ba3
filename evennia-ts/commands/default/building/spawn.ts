/**
 * `spawn`: make objects from prototypes, and manage the prototypes saved in the
 * database (Evennia's `CmdSpawn`, without the OLC menu).
 */
import { deletePrototype, getPrototype, prototypeAccess, savePrototype, searchPrototypes, type FoundPrototype } from "../../../prototypes/prototype-library.ts";
import { homogenizePrototype, isPlainRecord, type NormalPrototype, type Prototype } from "../../../prototypes/prototype.ts";
import { batchUpdateObjectsWithPrototype, flattenForSpawn, spawnPrototypes, validatePrototype } from "../../../prototypes/spawner.ts";
import { checkLockString } from "../../../locks/lock-handler.ts";
import { permissionRank } from "../../../locks/permissions.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { search } from "../../../typeclasses/search.ts";
import { PROTOTYPE_TAG_CATEGORY } from "../../../prototypes/prototype.ts";
import { EvenniaError, isEvenniaError } from "../../../utils/errors.ts";
import { parseLiteral } from "../../../utils/literal-parse.ts";
import { EvTable } from "../../../utils/text/evtable.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";

/** A prototype as text for `spawn/show` (Evennia's `prototype_to_str` layout). */
export function formatPrototype(prototype: NormalPrototype): string {
  const show = (v: unknown) => (typeof v === "function" ? "<function>" : typeof v === "string" ? v : JSON.stringify(v));
  const parents = prototype.prototype_parent.map((p) => (typeof p === "string" ? p : `{${p.prototype_key || "embedded"}}`));
  const lines = [
    `|cprototype-key:|n ${prototype.prototype_key || "|r[UNSET](required)|n"}, |c-tags:|n ${prototype.prototype_tags.join(", ") || "|wNone|n"}, |c-locks:|n ${prototype.prototype_locks}`,
    `|c-desc|n: ${prototype.prototype_desc || "|wNone|n"}`,
    `|cprototype-parent:|n ${parents.join(", ") || "|wNone|n"}`,
  ];
  if (prototype.key !== undefined) lines.push(`|ckey:|n ${show(prototype.key)}`);
  if (prototype.typeclass !== undefined) lines.push(`|ctypeclass:|n ${prototype.typeclass}`);
  if (prototype.aliases?.length) lines.push(`|caliases:|n ${prototype.aliases.join(", ")}`);
  if (prototype.attrs?.length) {
    lines.push("|cattrs:|n");
    for (const [k, v, category, locks] of prototype.attrs) {
      const extra = [category ? `category: ${category}` : "", locks ? `locks: ${locks}` : ""].filter(Boolean).join(", ");
      lines.push(` ${k}${extra ? ` (${extra})` : ""} |c=|n ${show(v)}`);
    }
  }
  if (prototype.tags?.length) lines.push(`|ctags:|n ${prototype.tags.map(([k, c]) => `${k} (category: ${c ?? "None"})`).join(", ")}`);
  if (prototype.locks) lines.push(`|clocks:|n ${prototype.locks}`);
  if (prototype.permissions?.length) lines.push(`|cpermissions:|n ${prototype.permissions.join(", ")}`);
  for (const field of ["location", "home", "destination"] as const) if (prototype[field]) lines.push(`|c${field}:|n ${prototype[field]}`);
  return lines.join("\n");
}

/** `spawn[/switches] <prototype_key or {prototype}>`. */
export class CmdSpawn extends MuxCommand {
  override key = "spawn";
  override switchOptions = ["noloc", "search", "list", "show", "examine", "raw", "save", "delete", "update"];
  override locks = "cmd:perm(spawn) or perm(Builder)";
  override helpCategory = "building";
  override help = `Spawn objects from prototypes, and manage saved prototypes.

Usage:
  spawn[/noloc] <prototype_key>
  spawn[/noloc] <prototype>
  spawn/search [<key>][;<tag>[,<tag>...]]
  spawn/list [<tag>, <tag>, ...]
  spawn/show <prototype_key>
  spawn/raw <prototype_key>
  spawn/save <prototype>
  spawn/save <key>[;<desc>[;<tag>;<tag>...]] = <prototype>
  spawn/update <prototype_key>
  spawn/delete <prototype_key>

Switches:
  noloc   - do not put the new object in your location when the prototype
            names no location (it is made nowhere)
  search  - find prototypes by (part of) their key and/or prototype tags
  list    - list the prototypes you may use, optionally only those with a tag
  show    - show a prototype in detail (examine does the same)
  raw     - show a prototype as one line of data, to copy and edit
  save    - save a prototype in the database (a prototype of the same key
            there is replaced, if you may edit it)
  update  - apply the current version of a prototype to every object
            already spawned from it
  delete  - delete a prototype from the database

A prototype is an object of keys and values, written as JSON (single quotes,
True/False/None and (tuples) are accepted too). Keys:
  prototype_key    - its unique name; spawned objects are tagged with it
  prototype_parent - a parent prototype's key, or a list of them (inherited
                     left to right, later ones overriding earlier ones)
  prototype_desc, prototype_tags, prototype_locks (spawn:...;edit:...)
  key, typeclass, aliases, locks, permissions, tags, desc
  attrs            - [[key, value], [key, value, category, lockstring]] or
                     {"key": value}
  location, home, destination - as #dbrefs
Any other key is refused: put attributes in "attrs". Prototypes in the game's
world/prototypes.ts (the setting prototypeModules) are read-only.

What you could not do by hand, you cannot spawn: a prototype (or a parent of
it) whose spawn lock you fail, a permission (Helper, Builder, Admin ...) above
your own, or a location whose teleport_here lock keeps the new object out
(unless you are an Admin).

Examples:
  spawn goblin
  spawn {"key": "a red ball", "desc": "It bounces.", "tags": ["toy"]}
  spawn {"prototype_parent": "goblin", "key": "goblin chief"}
  spawn/save {"prototype_key": "ball", "key": "ball", "typeclass": "objects.Object"}
  spawn/save chair;A wooden chair;furniture = {"key": "chair"}
  spawn/list furniture
  spawn/show ball
  spawn/update ball
  spawn/delete ball`;

  override async func(): Promise<void> {
    const sw = (name: string) => this.switches.includes(name);
    const args = this.args.trim();
    if (sw("search")) return this.listPrototypes(...parseKeyTags(args));
    if (sw("list")) return this.listPrototypes(undefined, this.lhslist.filter(Boolean));
    if (sw("show") || sw("examine") || sw("raw")) {
      if (!args) {
        this.msg("You need to specify a prototype-key to show.");
        return;
      }
      const found = await searchPrototypes({ key: args });
      if (found.length === 0) {
        this.msg(`No prototype named '${args}' was found.`);
        return;
      }
      if (sw("raw")) {
        const one = await this.findOne(args);
        if (one) this.msg({ text: [JSON.stringify(prototypeData(one.prototype)), { options: { raw: true } }] });
        return;
      }
      evmore(this, found.map((f) => formatPrototype(f.prototype)).join("\n\n"));
      return;
    }
    if (sw("save")) return this.save();
    if (!args) {
      const count = (await searchPrototypes()).length;
      this.msg(`Usage: spawn <prototype-key> or {key: value, ...}\n (${count} existing prototypes. Use /list to inspect)`);
      return;
    }
    if (sw("delete")) return this.deletePrototype(args);
    if (sw("update")) return this.update(args.toLowerCase());
    await this.spawnFrom(args);
  }

  private async findOne(key: string): Promise<FoundPrototype | null> {
    const found = await searchPrototypes({ key });
    if (found.length === 0) {
      this.msg(`No prototype named '${key}' was found.`);
      return null;
    }
    if (found.length > 1) {
      this.msg(`Found ${found.length} prototypes matching '${key}':\n  ${found.map((f) => f.prototype.prototype_key).join(", ")}`);
      return null;
    }
    if (!prototypeAccess(this.caller, found[0]!.prototype, "spawn")) {
      this.msg("You don't have access to use this prototype.");
      return null;
    }
    return found[0]!;
  }

  /** Parse a prototype the builder typed; null after telling them what is wrong. */
  private parsePrototype(text: string): Prototype | null {
    let value: unknown;
    try {
      value = parseLiteral(text, { json: true });
    } catch (err) {
      this.msg(`${text}\n${(err as Error).message}\n|rThe prototype must be written as data: an object {"key": "value", ...} with quotes around all text inside it.|n`);
      return null;
    }
    if (!isPlainRecord(value)) {
      this.msg(`Expected a prototype {"key": value, ...}, got ${Array.isArray(value) ? "a list" : typeof value}.`);
      return null;
    }
    return value as Prototype;
  }

  private async spawnFrom(args: string): Promise<void> {
    let prototype: Prototype | string;
    if (args.startsWith("{")) {
      const parsed = this.parsePrototype(args);
      if (!parsed) return;
      prototype = parsed;
    } else {
      const found = await this.findOne(args);
      if (!found) return;
      prototype = found.prototype as Prototype;
    }
    let flat: NormalPrototype;
    try {
      [flat] = (await flattenForSpawn([prototype])) as [NormalPrototype];
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      this.msg(`|r${err.message}|n`);
      return;
    }
    const refused = (await this.lockedParent(prototype)) ?? this.permissionAboveCaller(flat);
    if (refused) {
      this.msg(`|r${refused}|n`);
      return;
    }
    const here = this.caller instanceof DefaultObject ? this.caller.location : null;
    let objects: DefaultObject[];
    try {
      objects = await spawnPrototypes([prototype], { defaultLocation: this.switches.includes("noloc") ? null : here });
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      // thrown on, so that the unit of work is undone: caught here, a half-made object was kept
      throw new EvenniaError("EV_ERR_BAD_INPUT", `${err.message} Nothing was spawned.`);
    }
    for (const obj of objects) {
      // as teleport: a place named by the prototype must let the object in (a character's
      // inventory, a room closed to teleports), unless the builder is an Admin
      const place = flat.location !== undefined ? obj.location : null;
      if (place && !checkLockString(this.caller, "perm(Admin)") && !place.access(obj, "teleport_here")) {
        throw new EvenniaError("EV_ERR_LOCK_DENIED", `${place.key} 'teleport_here'-lock blocks ${obj.key} from being spawned there. Nothing was spawned.`);
      }
    }
    for (const obj of objects) this.msg(`Spawned ${obj.getDisplayName(this.caller instanceof DefaultObject ? this.caller : null)}(${obj.dbref}).`);
  }

  /**
   * The first prototype named in the parent chain of `prototype` (itself included, when
   * it is a stored one) whose spawn lock the caller fails, as a refusal; else null. A
   * prototype the builder may not spawn must not be had by naming it as a parent.
   */
  private async lockedParent(prototype: Prototype | NormalPrototype): Promise<string | null> {
    const seen = new Set<string>();
    const walk = async (p: NormalPrototype): Promise<string | null> => {
      for (const parent of p.prototype_parent) {
        let found: NormalPrototype | null;
        if (typeof parent === "string") {
          if (seen.has(parent)) continue;
          seen.add(parent);
          found = (await getPrototype(parent))?.prototype ?? null;
          if (found && !prototypeAccess(this.caller, found, "spawn")) return `You don't have access to use the prototype '${parent}' (a prototype_parent).`;
        } else found = parent;
        const deeper = found ? await walk(found) : null;
        if (deeper) return deeper;
      }
      return null;
    };
    return walk(homogenizePrototype(prototype));
  }

  /**
   * A refusal when the prototype (its parents included) gives a permission of the hierarchy
   * above the builder's own, which `perm` would not let them give by hand; else null.
   */
  private permissionAboveCaller(flat: NormalPrototype): string | null {
    const tooHigh = (flat.permissions ?? []).find((perm) => permissionRank(perm) >= 0 && !checkLockString(this.caller, `dummy:perm(${perm})`, "dummy"));
    return tooHigh ? `You cannot spawn an object with a permission higher than the one you have yourself (${tooHigh}).` : null;
  }

  private async listPrototypes(key?: string, tags: string[] = []): Promise<void> {
    const found = await searchPrototypes({ ...(key ? { key } : {}), tags });
    const visible = found.filter((f) => prototypeAccess(this.caller, f.prototype, "spawn"));
    if (visible.length === 0) {
      this.msg(tags.length ? `No prototypes found with prototype-tag(s): ${tags.join(" or ")}` : "No prototypes found.");
      return;
    }
    const table = new EvTable(["|wKey|n", "|wSpawn/Edit|n", "|wTags|n", "|wDesc|n"], { border: "tablecols", maxwidth: this.clientWidth() });
    for (const f of visible) {
      const edit = prototypeAccess(this.caller, f.prototype, "edit");
      table.addRow(f.prototype.prototype_key, `Y/${edit ? "Y" : "N"}`, f.prototype.prototype_tags.join(", "), f.prototype.prototype_desc || (f.source === "module" ? `(${f.module})` : ""));
    }
    evmore(this, table.toString());
  }

  private async save(): Promise<void> {
    if (!this.args.trim()) {
      this.msg("Usage: spawn/save [<key>[;desc[;tag;tag...]]] = <prototype_dict>");
      return;
    }
    let key: string | null = null;
    let desc: string | null = null;
    let tags: string[] | null = null;
    let input = this.args.trim();
    // `key;desc;tags = {...}`: the split is the first `=` outside the prototype
    const brace = input.indexOf("{");
    const eq = input.indexOf("=");
    if (eq >= 0 && (brace < 0 || eq < brace)) {
      const parts = input.slice(0, eq).split(";").map((p) => p.trim());
      key = parts[0]?.toLowerCase() || null;
      desc = parts[1] || null;
      tags = parts.length > 2 ? parts.slice(2).flatMap((t) => t.split(",")).map((t) => t.trim().toLowerCase()).filter(Boolean) : null;
      input = input.slice(eq + 1).trim();
    }
    const prototype = this.parsePrototype(input) as Record<string, unknown> | null;
    if (!prototype) return;
    const ownKey = typeof prototype.prototype_key === "string" ? prototype.prototype_key.toLowerCase() : null;
    if (!key && !ownKey) {
      this.msg("A prototype_key must be given, either as `prototype_key = <prototype>` or as a key 'prototype_key' inside the prototype structure.");
      return;
    }
    if (key && key !== ownKey) {
      if (ownKey) this.msg("(Replacing `prototype_key` in prototype with given key.)");
      prototype.prototype_key = key;
    }
    if (desc !== null) prototype.prototype_desc = desc;
    if (tags !== null) prototype.prototype_tags = tags;
    const protKey = (key ?? ownKey)!;
    try {
      await validatePrototype(homogenizePrototype(prototype), { forSpawning: false });
      const existing = await getPrototype(protKey);
      if (existing && !prototypeAccess(this.caller, existing.prototype, "edit")) {
        this.msg(existing.source === "module" ? `|rError saving:|R ${protKey} is a read-only prototype (defined as code in ${existing.module}).|n` : `|rError saving:|R you may not edit prototype ${protKey}.|n`);
        return;
      }
      const saved = await savePrototype(prototype as Prototype);
      this.msg(`${existing ? "|yReplaced existing prototype:|n" : "|yCreating new prototype:|n"}\n${formatPrototype(saved)}`);
      this.msg(`|gSaved prototype:|n ${protKey}`);
      const spawned = await search({ tag: { key: protKey, category: PROTOTYPE_TAG_CATEGORY }, limit: 1000 });
      if (spawned.length) this.msg(`There are ${spawned.length} existing object(s) with an older version of prototype '${protKey}'. Use spawn/update ${protKey} to apply the change to them.`);
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      this.msg(`|rError saving:|R ${err.message}|n`);
    }
  }

  private async deletePrototype(key: string): Promise<void> {
    const existing = await getPrototype(key);
    if (!existing) {
      this.msg(`No prototype named '${key.toLowerCase()}' was found.`);
      return;
    }
    try {
      const ok = await deletePrototype(key, this.caller);
      this.msg(ok ? `Deletion successful: prototype '${existing.prototype.prototype_key}' was deleted.` : "Deletion failed (does the prototype exist?)");
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      this.msg(`|rError deleting:|R ${err.message}|n`);
    }
  }

  private async update(key: string): Promise<void> {
    const found = await this.findOne(key);
    if (!found) return;
    // what spawning it would refuse, updating the objects made from it must refuse too
    let flat: NormalPrototype;
    try {
      [flat] = (await flattenForSpawn([found.prototype as Prototype])) as [NormalPrototype];
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      this.msg(`|r${err.message}|n`);
      return;
    }
    const refused = (await this.lockedParent(found.prototype)) ?? this.permissionAboveCaller(flat);
    if (refused) {
      this.msg(`|r${refused}|n`);
      return;
    }
    const protKey = found.prototype.prototype_key;
    const existing = await search({ tag: { key: protKey, category: PROTOTYPE_TAG_CATEGORY } });
    if (existing.length === 0) {
      this.msg("No existing objects found with an older version of this prototype.");
      return;
    }
    try {
      const changed = await batchUpdateObjectsWithPrototype(found.prototype as Prototype, { objects: existing as DefaultObject[] });
      this.msg(`${changed} objects were updated.`);
    } catch (err) {
      if (!isEvenniaError(err)) throw err;
      // thrown on, so that the unit of work is undone: no object is left half updated
      throw new EvenniaError("EV_ERR_BAD_INPUT", `Update failed: ${err.message} Nothing was changed.`);
    }
  }
}

/** `key;tag,tag` of `spawn/search`. */
function parseKeyTags(args: string): [string | undefined, string[]] {
  if (!args.includes(";")) return [args.toLowerCase() || undefined, []];
  const [key, ...rest] = args.split(";").map((p) => p.trim().toLowerCase());
  return [key || undefined, rest.flatMap((r) => r.split(",")).map((t) => t.trim()).filter(Boolean)];
}

/** A prototype as plain data (functions shown by name). */
function prototypeData(prototype: NormalPrototype): Record<string, unknown> {
  return JSON.parse(JSON.stringify(prototype, (_k, v: unknown) => (typeof v === "function" ? "<function>" : v))) as Record<string, unknown>;
}
