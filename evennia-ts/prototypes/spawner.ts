/**
 * The spawner: objects made from prototypes, as Evennia's `evennia.prototypes.spawner`.
 *
 *     const [goblin] = await spawn("goblin");
 *     await spawn({ prototype_parent: "goblin", key: "goblin chief", attrs: [["hp", 30]] });
 *     await batchUpdateObjectsWithPrototype("goblin"); // after changing the prototype
 *
 * - **Inheritance**: `prototype_parent` is a key or a list of keys (or embedded
 *   prototypes). Parents are merged left to right, each overriding the ones before
 *   it, and the child overrides them all; `attrs` merge per (key, category) and `tags`
 *   per (tag, category) instead of being replaced.
 * - **Validation** before anything is made: unknown keys, missing parents, a parent
 *   cycle, no typeclass anywhere in the chain or one that is not registered, bad
 *   attrs or locks. Every problem is listed in one `EV_ERR_BAD_INPUT`.
 * - Spawned objects carry the tag `<prototype_key>` in category `from_prototype`,
 *   which {@link batchUpdateObjectsWithPrototype} finds them by.
 */
import { randomBytes } from "node:crypto";
import { activeSettings } from "../conf/active-settings.ts";
import { parseLockDefinition, splitLockString } from "../locks/lock-string.ts";
import { createObject } from "../typeclasses/create.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { findTypeclass, typeclassPathOf, type TypeclassConstructor } from "../typeclasses/registry.ts";
import { getById, search } from "../typeclasses/search.ts";
import { sessionRegistry } from "../typeclasses/sessions.ts";
import { EvenniaError, isEvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { getPrototype } from "./prototype-library.ts";
import { homogenizePrototype, isPlainRecord, PROTOTYPE_TAG_CATEGORY, type NormalAttr, type NormalPrototype, type NormalTag, type Prototype, type SpawnValue } from "./prototype.ts";

const log = getLogger("prototypes");

/** Prefixes tried in front of a prototype's typeclass (as the building commands do). */
const TYPECLASS_PREFIXES = ["", "typeclasses.", "evennia.objects.", "evennia."];

/** A prototype's typeclass resolved to a registered in-world object class, or why not. */
export function resolvePrototypeTypeclass(path: string): { cls: TypeclassConstructor<DefaultObject>; path: string } | string {
  for (const prefix of TYPECLASS_PREFIXES) {
    const cls = findTypeclass(prefix + path);
    if (!cls) continue;
    if (cls !== (DefaultObject as unknown) && !(cls.prototype instanceof DefaultObject)) return `typeclass '${path}' is not an in-world object typeclass (it is a ${cls.kind} class)`;
    return { cls: cls as TypeclassConstructor<DefaultObject>, path: typeclassPathOf(cls) };
  }
  return `typeclass '${path}' could not be found (no typeclass is registered under that path)`;
}

/** The class a flattened prototype spawns: its typeclass, else the game's base object typeclass (else the framework's). */
function prototypeTypeclass(prot: NormalPrototype): ReturnType<typeof resolvePrototypeTypeclass> {
  if (prot.typeclass !== undefined) return resolvePrototypeTypeclass(prot.typeclass);
  const base = resolvePrototypeTypeclass(activeSettings().baseObjectTypeclass);
  return typeof base === "string" ? resolvePrototypeTypeclass("evennia.objects.DefaultObject") : base;
}

/** Look up parents: extra ones given to a call first, then the library. */
type ParentLookup = (key: string) => Promise<NormalPrototype | null>;

function lookupWith(extra: ReadonlyMap<string, NormalPrototype>): ParentLookup {
  return async (key) => extra.get(key) ?? (await getPrototype(key))?.prototype ?? null;
}

function lockProblem(locks: string): string | null {
  try {
    for (const part of splitLockString(locks)) parseLockDefinition(part, true);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Check a prototype and its whole parent chain; resolves when it can be spawned,
 * throws `EV_ERR_BAD_INPUT` listing every problem otherwise. `forSpawning` false
 * allows a mix-in without a typeclass (a prototype only used as a parent).
 */
export async function validatePrototype(prototype: Prototype | NormalPrototype, options: { forSpawning?: boolean; parents?: ReadonlyMap<string, NormalPrototype> } = {}): Promise<NormalPrototype> {
  const root = homogenizePrototype(prototype);
  const lookup = lookupWith(options.parents ?? new Map());
  const errors: string[] = [];
  let typeclass: string | undefined;
  const rootName = root.prototype_key ? `'${root.prototype_key}'` : "(unnamed)";
  // parents already checked: a key listed again (or reached by another path) is not walked
  // again, else a few prototypes naming the same parent many times took exponential time
  const checked = new Set<string>();

  const visit = async (p: NormalPrototype, name: string, chain: string[]): Promise<void> => {
    if (p.typeclass !== undefined) {
      const found = resolvePrototypeTypeclass(p.typeclass);
      if (typeof found === "string") errors.push(`Prototype ${name}: ${found}.`);
      typeclass ??= p.typeclass;
    }
    for (const [label, locks] of [["locks", p.locks], ["prototype_locks", p.prototype_locks]] as const) {
      const problem = locks ? lockProblem(locks) : null;
      if (problem) errors.push(`Prototype ${name}: bad ${label}: ${problem}`);
    }
    // an attribute's lockstring too: found only when it was added, it left a half-made object behind
    for (const [akey, , , lockstring] of p.attrs ?? []) {
      const problem = lockstring ? lockProblem(lockstring) : null;
      if (problem) errors.push(`Prototype ${name}: bad lockstring of attribute '${akey}': ${problem}`);
    }
    for (const parent of p.prototype_parent) {
      if (typeof parent !== "string") {
        await visit(parent, `${name}'s embedded parent`, chain);
        continue;
      }
      if (parent === p.prototype_key) {
        errors.push(`Prototype ${name} tries to parent itself.`);
        continue;
      }
      if (chain.includes(parent)) {
        errors.push(`Prototype ${name} has infinite nesting of prototypes: ${[...chain, parent].join(" -> ")}.`);
        continue;
      }
      if (checked.has(parent)) continue;
      checked.add(parent);
      const found = await lookup(parent);
      if (!found) {
        errors.push(`Prototype ${name}'s prototype_parent (named '${parent}') was not found.`);
        continue;
      }
      await visit(found, `'${parent}'`, [...chain, parent]);
    }
  };
  await visit(root, rootName, root.prototype_key ? [root.prototype_key] : []);
  if ((options.forSpawning ?? true) && typeclass === undefined && errors.length === 0) {
    // Evennia falls back to BASE_OBJECT_TYPECLASS for a prototype without parents
    if (root.prototype_parent.length > 0) {
      errors.push(`Prototype ${rootName} has no 'typeclass' defined anywhere in its parent chain. Add 'typeclass', or a 'prototype_parent' pointing to a prototype with a typeclass.`);
    }
  }
  if (errors.length) throw new EvenniaError("EV_ERR_BAD_INPUT", errors.join("\n"));
  return root;
}

function mergeAttrs(base: readonly NormalAttr[], over: readonly NormalAttr[]): NormalAttr[] {
  const map = new Map<string, NormalAttr>();
  for (const a of [...base, ...over]) map.set(`${a[0].toLowerCase()}\u0000${a[2] ?? ""}`, a);
  return [...map.values()];
}

function mergeTags(base: readonly NormalTag[], over: readonly NormalTag[]): NormalTag[] {
  const map = new Map<string, NormalTag>();
  for (const t of [...base, ...over]) map.set(`${t[0].toLowerCase()}\u0000${t[1] ?? ""}`, t);
  return [...map.values()];
}

/** Merge `over` onto `base`: fields of `over` win, attrs and tags merge. */
function overlay(base: NormalPrototype, over: NormalPrototype): NormalPrototype {
  const out: NormalPrototype = { ...base };
  for (const [k, v] of Object.entries(over) as [keyof NormalPrototype, unknown][]) {
    if (v === undefined || k === "attrs" || k === "tags") continue;
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  if (base.attrs || over.attrs) out.attrs = mergeAttrs(base.attrs ?? [], over.attrs ?? []);
  if (base.tags || over.tags) out.tags = mergeTags(base.tags ?? [], over.tags ?? []);
  return out;
}

/**
 * The prototype with its parents merged in (Evennia's `flatten_prototype`);
 * `prototype_parent` is empty in the result and `prototype_key` is the child's.
 * Call {@link validatePrototype} first: a missing parent counts as empty here.
 */
export async function flattenPrototype(prototype: Prototype | NormalPrototype, parents: ReadonlyMap<string, NormalPrototype> = new Map()): Promise<NormalPrototype> {
  const lookup = lookupWith(parents);
  // each named parent flattened once: one reached by many paths cost exponential time
  const flattened = new Map<string, NormalPrototype | null>();
  const flatten = async (p: NormalPrototype, seen: Set<string>): Promise<NormalPrototype> => {
    let work: NormalPrototype | null = null;
    for (const parent of p.prototype_parent) {
      let found: NormalPrototype | null;
      if (typeof parent === "string") {
        if (seen.has(parent)) continue;
        if (flattened.has(parent)) found = flattened.get(parent)!;
        else {
          found = await lookup(parent);
          if (found) found = await flatten(found, new Set([...seen, parent]));
          flattened.set(parent, found);
        }
      } else found = await flatten(parent, seen);
      if (found) work = work ? overlay(work, found) : found;
    }
    const merged = work ? overlay(work, p) : { ...p };
    merged.prototype_parent = [];
    merged.prototype_key = p.prototype_key;
    return merged;
  };
  const root = homogenizePrototype(prototype);
  return flatten(root, new Set(root.prototype_key ? [root.prototype_key] : []));
}

function initValue<T>(value: SpawnValue<T>): T {
  return typeof value === "function" ? (value as () => T)() : value;
}

async function objectFor(dbref: string | undefined, field: string, name: string): Promise<DefaultObject | null> {
  if (!dbref) return null;
  const obj = await getById<DefaultObject>(dbref);
  if (!obj || obj.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", `Prototype ${name}: the ${field} ${dbref} does not exist.`);
  return obj;
}

/** Options of {@link spawnPrototypes}. */
export interface SpawnOptions {
  /** Where objects go whose prototype names no `location` (the `spawn` command gives the builder's location). */
  defaultLocation?: DefaultObject | null;
  /** Extra parents by key, looked up before the library (Evennia's `prototype_parents`). */
  prototypeParents?: Readonly<Record<string, Prototype>>;
  /** Only validate and flatten; create nothing (Evennia's `only_validate`). */
  onlyValidate?: boolean;
}

/** Spawn one object per prototype (a prototype, or a key in the library). */
export async function spawn(...prototypes: (string | Prototype)[]): Promise<DefaultObject[]> {
  return spawnPrototypes(prototypes);
}

/** The flattened prototypes the objects would be made from (nothing is created). */
export async function flattenForSpawn(prototypes: readonly (string | Prototype)[], options: SpawnOptions = {}): Promise<NormalPrototype[]> {
  const parents = new Map<string, NormalPrototype>();
  for (const [k, p] of Object.entries(options.prototypeParents ?? {})) {
    const normal = homogenizePrototype(p, k);
    parents.set(normal.prototype_key || k.toLowerCase(), normal);
  }
  const out: NormalPrototype[] = [];
  for (const item of prototypes) {
    let prototype: NormalPrototype;
    if (typeof item === "string") {
      const found = parents.get(item.trim().toLowerCase()) ?? (await getPrototype(item))?.prototype;
      if (!found) throw new EvenniaError("EV_ERR_NOT_FOUND", `No prototype named '${item.trim().toLowerCase()}' was found.`);
      prototype = found;
    } else if (isPlainRecord(item)) prototype = homogenizePrototype(item);
    else throw new EvenniaError("EV_ERR_BAD_INPUT", "spawn takes prototypes (objects) or prototype keys.");
    await validatePrototype(prototype, { parents });
    out.push(await flattenPrototype(prototype, parents));
  }
  return out;
}

/**
 * Spawn one object per prototype, as {@link spawn}, with options. Every prototype
 * is validated before any object is made.
 */
export async function spawnPrototypes(prototypes: readonly (string | Prototype)[], options: SpawnOptions = {}): Promise<DefaultObject[]> {
  const flat = await flattenForSpawn(prototypes, options);
  if (options.onlyValidate) return [];
  const objects: DefaultObject[] = [];
  for (const prot of flat) objects.push(await spawnOne(prot, options));
  return objects;
}

async function spawnOne(prot: NormalPrototype, options: SpawnOptions): Promise<DefaultObject> {
  const name = prot.prototype_key ? `'${prot.prototype_key}'` : "(unnamed)";
  const resolved = prototypeTypeclass(prot);
  if (typeof resolved === "string") throw new EvenniaError("EV_ERR_TYPECLASS", `Prototype ${name}: ${resolved}.`);
  const key = String(initValue(prot.key ?? `Spawned-${randomBytes(3).toString("hex")}`)).trim() || `Spawned-${randomBytes(3).toString("hex")}`;
  const location = prot.location !== undefined ? await objectFor(prot.location, "location", name) : (options.defaultLocation ?? null);
  const home = await objectFor(prot.home, "home", name);
  const destination = await objectFor(prot.destination, "destination", name);
  const tags: [string, string][] = (prot.tags ?? []).map(([k, c]) => [k, c ?? ""]);
  if (prot.prototype_key) tags.push([prot.prototype_key, PROTOTYPE_TAG_CATEGORY]);
  const obj = await createObject(resolved.cls, {
    key,
    location,
    // as Evennia: the default home when the prototype names none (else where it is made)
    home: home ?? (await sessionRegistry()?.defaultHome()) ?? location,
    destination,
    aliases: prot.aliases ?? [],
    tags: tags.map(([k, c]) => (c ? [k, c] : k)),
    ...(prot.locks ? { locks: prot.locks } : {}),
  });
  for (const perm of prot.permissions ?? []) obj.permissions.add(perm);
  for (const [akey, value, category, lockstring] of prot.attrs ?? []) {
    obj.attributes.add(akey, initValue(value as SpawnValue<unknown>), { ...(category ? { category } : {}), ...(lockstring ? { lockstring } : {}) });
  }
  const hook = (obj as unknown as { atObjectPostSpawn?: (p: NormalPrototype) => unknown }).atObjectPostSpawn;
  if (typeof hook === "function") await hook.call(obj, prot);
  return obj;
}

/** What {@link prototypeFromObject} sees of an object: its fields as a prototype would give them. */
export function prototypeFromObject(obj: DefaultObject): NormalPrototype {
  const out: NormalPrototype = {
    prototype_key: obj.tags.get(PROTOTYPE_TAG_CATEGORY)[0] ?? "",
    prototype_parent: [],
    prototype_desc: `Built from ${obj.key}`,
    prototype_tags: [],
    prototype_locks: "spawn:all();edit:all()",
    key: obj.key,
    typeclass: obj.typeclassPath,
  };
  if (obj.location) out.location = obj.location.dbref;
  if (obj.home) out.home = obj.home.dbref;
  if (obj.destination) out.destination = obj.destination.dbref;
  const locks = obj.locks.all();
  if (locks.length) out.locks = locks.join(";");
  const perms = obj.permissions.get();
  if (perms.length) out.permissions = perms;
  const aliases = obj.aliases.get();
  if (aliases.length) out.aliases = aliases;
  const tags = obj.tags.all();
  if (tags.length) out.tags = tags.map((t) => [t.key, t.category || null]);
  const attrs = obj.attributes.all();
  if (attrs.length) out.attrs = attrs.map((a) => [a.key, a.value, a.category || null, a.lockstring]);
  return out;
}

/** Options of {@link batchUpdateObjectsWithPrototype}. */
export interface UpdateOptions {
  /** The objects to update (default: every object tagged with the prototype's key). */
  objects?: readonly DefaultObject[];
  /**
   * Also clear what the prototype does not name at all (a prototype without
   * `attrs` then removes every attribute). Default false, as Evennia: fields the
   * prototype leaves out are kept.
   */
  exact?: boolean;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const tagId = ([k, c]: NormalTag) => `${k.toLowerCase()}\u0000${(c ?? "").toLowerCase()}`;
const attrId = ([k, , c]: NormalAttr) => `${k.toLowerCase()}\u0000${(c ?? "").toLowerCase()}`;

/**
 * Apply the current version of a prototype to the objects spawned from it
 * (Evennia's `batch_update_objects_with_prototype`); returns how many changed.
 * For each field the prototype names: a changed key, typeclass, location, home or
 * destination is set; for aliases, permissions, tags and attrs, new entries are
 * added and changed values updated, and when the object has entries the prototype
 * no longer lists, they are all cleared first (Evennia's REPLACE) — except the
 * framework's own `system` attributes. Fields the prototype does not name are left
 * alone (unless `exact`). The `from_prototype` tag is always kept.
 */
export async function batchUpdateObjectsWithPrototype(prototypeOrKey: string | Prototype, options: UpdateOptions = {}): Promise<number> {
  const [flat] = await flattenForSpawn([prototypeOrKey]);
  const prot = flat!;
  const protKey = prot.prototype_key;
  if (!protKey) throw new EvenniaError("EV_ERR_BAD_INPUT", "Only a prototype with a prototype_key can update objects spawned from it.");
  const objects = options.objects ?? (await search<DefaultObject>({ tag: { key: protKey, category: PROTOTYPE_TAG_CATEGORY } }));
  const exact = options.exact ?? false;
  let changed = 0;
  for (const obj of objects) {
    if (obj.isDeleted) continue;
    let did = false;
    try {
      did = await applyPrototype(obj, prot, exact);
    } catch (err) {
      // a builder's mistake (a location inside the object ...) is the caller's to report; anything else is logged
      if (!isEvenniaError(err)) log.error(`could not apply prototype '${protKey}' to ${obj.dbref}`, err);
      throw err;
    } finally {
      obj.tags.clear(PROTOTYPE_TAG_CATEGORY);
      obj.tags.add(protKey, PROTOTYPE_TAG_CATEGORY);
    }
    if (did) {
      changed++;
      const hook = (obj as unknown as { atObjectPostSpawn?: (p: NormalPrototype) => unknown }).atObjectPostSpawn;
      if (typeof hook === "function") await hook.call(obj, prot);
    }
  }
  return changed;
}

async function applyPrototype(obj: DefaultObject, prot: NormalPrototype, exact: boolean): Promise<boolean> {
  const name = `'${prot.prototype_key}'`;
  let did = false;
  const has = (field: keyof NormalPrototype) => prot[field] !== undefined || exact;
  if (has("key")) {
    const key = prot.key !== undefined ? String(initValue(prot.key)) : obj.key;
    if (key && key !== obj.key) {
      obj.key = key;
      did = true;
    }
  }
  if (has("typeclass")) {
    const found = prototypeTypeclass(prot);
    if (typeof found === "string") throw new EvenniaError("EV_ERR_TYPECLASS", `Prototype ${name}: ${found}.`);
    if (found.path !== obj.typeclassPath) {
      obj.swapTypeclass(found.path);
      did = true;
    }
  }
  for (const field of ["location", "home", "destination"] as const) {
    if (!has(field)) continue;
    const target = await objectFor(prot[field], field, name);
    if ((obj[field]?.id ?? null) !== (target?.id ?? null)) {
      obj[field] = target;
      did = true;
    }
  }
  if (has("locks")) {
    const current = obj.locks.all();
    const wanted = prot.locks ? splitLockString(prot.locks) : [];
    if (!wanted.every((w) => current.includes(w)) || (exact && !sameList(current, wanted))) {
      if (!prot.locks || exact) obj.locks.clear();
      if (prot.locks) obj.locks.add(prot.locks);
      did = true;
    }
  }
  for (const field of ["aliases", "permissions"] as const) {
    if (!has(field)) continue;
    const handler = obj[field];
    const current = handler.get();
    const wanted = (prot[field] ?? []).map((x) => x.toLowerCase());
    if (sameList(current, wanted)) continue;
    if (current.some((c) => !wanted.includes(c))) handler.clear();
    for (const w of prot[field] ?? []) handler.add(w);
    did = true;
  }
  if (has("tags")) {
    const current: NormalTag[] = obj.tags.all().filter((t) => t.category !== PROTOTYPE_TAG_CATEGORY).map((t) => [t.key, t.category || null]);
    const wanted = prot.tags ?? [];
    const wantedIds = wanted.map(tagId);
    const currentIds = current.map(tagId);
    if (!sameList(currentIds, wantedIds)) {
      if (currentIds.some((c) => !wantedIds.includes(c))) for (const [k, c] of current) obj.tags.remove(k, c ?? undefined);
      for (const [k, c] of wanted) obj.tags.add(k, c ?? undefined);
      did = true;
    }
  }
  if (has("attrs")) {
    const current = obj.attributes.all().filter((a) => a.category !== "system");
    const wanted = prot.attrs ?? [];
    const wantedIds = new Set(wanted.map(attrId));
    const stale = current.filter((a) => !wantedIds.has(attrId([a.key, a.value, a.category || null, a.lockstring])));
    for (const a of stale) obj.attributes.remove(a.key, a.category ? { category: a.category } : {});
    if (stale.length) did = true;
    for (const [akey, value, category, lockstring] of wanted) {
      const v = initValue(value as SpawnValue<unknown>);
      const opts = category ? { category } : {};
      const before = obj.attributes.get<unknown>(akey, opts);
      if (obj.attributes.has(akey, opts) && JSON.stringify(before) === JSON.stringify(v)) continue;
      obj.attributes.add(akey, v, { ...opts, ...(lockstring ? { lockstring } : {}) });
      did = true;
    }
  }
  return did;
}
