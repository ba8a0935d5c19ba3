/**
 * Prototypes: plain objects describing an object to spawn, as Evennia's
 *
 *     const GOBLIN: Prototype = {
 *       prototype_key: "goblin",
 *       typeclass: "typeclasses.characters.Character",
 *       key: "goblin grunt",
 *       attrs: [["hp", 10], ["weapon", "club", "combat"]],
 *       tags: ["mob", ["greenskin", "race"]],
 *     };
 *     const GOBLIN_ARCHER: Prototype = { prototype_parent: "goblin", key: "goblin archer" };
 *
 * This module holds the shape of a prototype and turns the free forms a builder may
 * write (a single alias as a string, `attrs` as a record, `desc`) into one
 * homogenized form the spawner works with. Unknown keys are refused here (Evennia
 * turns them into attributes; put those in `attrs`).
 */
import { EvenniaError } from "../utils/errors.ts";

/** One attribute: `[key, value, category?, lockstring?]`. */
export type AttrSpec = readonly [key: string, value: unknown, category?: string | null, lockstring?: string | null];

/** One tag: a key, or `[key, category]`. */
export type TagSpec = string | readonly [key: string, category?: string | null];

/** A value, or a function giving it at each spawn (Evennia's callables). */
export type SpawnValue<T> = T | (() => T);

/** A prototype as written by a game developer or a builder. */
export interface Prototype {
  /** The prototype's unique name (lower-cased); spawned objects are tagged with it. */
  prototype_key?: string;
  /** Parent(s) by key (or embedded): inherited left to right, later ones override earlier ones. */
  prototype_parent?: string | Prototype | readonly (string | Prototype)[];
  /** What `spawn/list` shows about it. */
  prototype_desc?: string;
  /** Tags for finding it in `spawn/list <tag>`. */
  prototype_tags?: readonly string[];
  /** Who may use it: `spawn:...;edit:...` (default `spawn:all();edit:all()`). */
  prototype_locks?: string;
  /** The new object's name (a random `Spawned-xxxxxx` when missing anywhere in the chain). */
  key?: SpawnValue<string>;
  /** Typeclass path (`typeclasses.objects.Object`; short forms like `objects.Object` work). */
  typeclass?: string;
  aliases?: SpawnValue<string | readonly string[]>;
  /** Attributes: a list of `[key, value, category?, lockstring?]`, or a record `{ key: value }`. */
  attrs?: readonly AttrSpec[] | Readonly<Record<string, unknown>>;
  tags?: readonly TagSpec[];
  /** A lock string for the object (added to its default locks). */
  locks?: string;
  permissions?: string | readonly string[];
  /** Objects as `#dbref`. */
  home?: string;
  location?: string;
  destination?: string;
  /** Shorthand for the `desc` attribute. */
  desc?: SpawnValue<string>;
}

/** A homogenized attribute: `[key, value, category, lockstring]`. */
export type NormalAttr = [key: string, value: unknown, category: string | null, lockstring: string];
/** A homogenized tag: `[key, category]`. */
export type NormalTag = [key: string, category: string | null];

/** The form the spawner works with (see {@link homogenizePrototype}). */
export interface NormalPrototype {
  prototype_key: string;
  prototype_parent: (string | NormalPrototype)[];
  prototype_desc: string;
  prototype_tags: string[];
  prototype_locks: string;
  key?: SpawnValue<string>;
  typeclass?: string;
  aliases?: string[];
  attrs?: NormalAttr[];
  tags?: NormalTag[];
  locks?: string;
  permissions?: string[];
  home?: string;
  location?: string;
  destination?: string;
}

/** The tag category spawned objects carry their prototype key in (Evennia's). */
export const PROTOTYPE_TAG_CATEGORY = "from_prototype";

/** Locks a prototype gets when it names none (Evennia's). */
export const PROTOTYPE_FALLBACK_LOCK = "spawn:all();edit:all()";

/** Keys about the prototype itself, not the object. */
export const PROTOTYPE_META_KEYS = ["prototype_key", "prototype_parent", "prototype_desc", "prototype_tags", "prototype_locks"] as const;

/** Keys describing the object. */
export const PROTOTYPE_OBJECT_KEYS = ["key", "typeclass", "aliases", "attrs", "tags", "locks", "permissions", "home", "location", "destination", "desc"] as const;

const KNOWN_KEYS: ReadonlySet<string> = new Set<string>([...PROTOTYPE_META_KEYS, ...PROTOTYPE_OBJECT_KEYS]);

/** True for a plain object (a record), not an array, null or class instance. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function bad(where: string, message: string): never {
  throw new EvenniaError("EV_ERR_BAD_INPUT", `Prototype ${where}: ${message}`);
}

function stringList(value: unknown, where: string, field: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === "string")) bad(where, `'${field}' must be text or a list of text.`);
  return (list as string[]).map((v) => v.trim()).filter(Boolean);
}

function optionalText(value: unknown): string | null {
  return value === undefined || value === null || value === "" ? null : String(value);
}

function normalAttrs(value: unknown, where: string): NormalAttr[] {
  if (isPlainRecord(value)) return Object.entries(value).map(([k, v]) => [k, v, null, ""]);
  if (!Array.isArray(value)) bad(where, "'attrs' must be a list of [key, value, category?, lockstring?] or a record {key: value}.");
  return value.map((entry: unknown, i: number): NormalAttr => {
    if (!Array.isArray(entry) || entry.length === 0 || entry.length > 4 || typeof entry[0] !== "string" || !entry[0].trim()) {
      bad(where, `attrs entry ${i + 1} must be [key, value, category?, lockstring?] with a text key (got ${JSON.stringify(entry) ?? String(entry)}).`);
    }
    const [key, v, category, lockstring] = entry as unknown[];
    if (category !== undefined && category !== null && typeof category !== "string") bad(where, `the category of attribute '${String(key)}' must be text.`);
    if (lockstring !== undefined && lockstring !== null && typeof lockstring !== "string") bad(where, `the lockstring of attribute '${String(key)}' must be text.`);
    return [String(key).trim(), v, optionalText(category), String(lockstring ?? "")];
  });
}

function normalTags(value: unknown, where: string): NormalTag[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list)) bad(where, "'tags' must be a list of tags or [tag, category] pairs.");
  return list.map((tag: unknown): NormalTag => {
    if (typeof tag === "string") return [tag, null];
    if (Array.isArray(tag) && tag.length >= 1 && tag.length <= 3 && typeof tag[0] === "string" && (tag[1] === undefined || tag[1] === null || typeof tag[1] === "string")) {
      return [tag[0], optionalText(tag[1])];
    }
    return bad(where, `tag ${JSON.stringify(tag)} must be text or [tag, category].`);
  });
}

/** What a prototype is called in messages. */
export function prototypeLabel(prototype: unknown): string {
  const key = isPlainRecord(prototype) ? prototype.prototype_key : undefined;
  return typeof key === "string" && key ? `'${key}'` : "(unnamed)";
}

/**
 * Check the shape of one prototype and give its homogenized form: aliases,
 * permissions and tags as lists, `attrs` as `[key, value, category, lockstring]`
 * (with `desc` as an attribute), `prototype_parent` as a list, the meta keys
 * filled in with their defaults, `prototype_key` lower-cased. Parents are not
 * looked up here (see `spawner.ts`). Throws `EV_ERR_BAD_INPUT` naming the problem.
 */
export function homogenizePrototype(prototype: unknown, fallbackKey?: string): NormalPrototype {
  if (!isPlainRecord(prototype)) throw new EvenniaError("EV_ERR_BAD_INPUT", `A prototype must be an object of keys and values (got ${Array.isArray(prototype) ? "a list" : typeof prototype}).`);
  const rawKey = prototype.prototype_key ?? fallbackKey;
  const where = typeof rawKey === "string" && rawKey ? `'${rawKey.toLowerCase()}'` : "(unnamed)";
  const unknown = Object.keys(prototype).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) {
    bad(where, `unknown key(s) ${unknown.map((k) => `'${k}'`).join(", ")}. Valid keys: ${[...KNOWN_KEYS].join(", ")}. Put other attributes in 'attrs'.`);
  }
  if (rawKey !== undefined && rawKey !== null && typeof rawKey !== "string") bad(where, "'prototype_key' must be text.");
  const out: NormalPrototype = {
    prototype_key: typeof rawKey === "string" ? rawKey.trim().toLowerCase() : "",
    prototype_parent: [],
    prototype_desc: "",
    prototype_tags: [],
    prototype_locks: PROTOTYPE_FALLBACK_LOCK,
  };
  const p = prototype;
  if (p.prototype_desc !== undefined && p.prototype_desc !== null) {
    if (typeof p.prototype_desc !== "string") bad(where, "'prototype_desc' must be text.");
    out.prototype_desc = p.prototype_desc;
  }
  if (p.prototype_tags !== undefined && p.prototype_tags !== null) out.prototype_tags = stringList(p.prototype_tags, where, "prototype_tags").map((t) => t.toLowerCase());
  if (p.prototype_locks !== undefined && p.prototype_locks !== null) {
    if (typeof p.prototype_locks !== "string") bad(where, "'prototype_locks' must be a lock string.");
    out.prototype_locks = p.prototype_locks;
  }
  if (p.prototype_parent !== undefined && p.prototype_parent !== null) {
    const parents = Array.isArray(p.prototype_parent) ? p.prototype_parent : [p.prototype_parent];
    out.prototype_parent = parents.map((parent: unknown) => {
      if (typeof parent === "string" && parent.trim()) return parent.trim().toLowerCase();
      if (isPlainRecord(parent)) return homogenizePrototype(parent);
      return bad(where, "'prototype_parent' must be a prototype key, a prototype, or a list of them.");
    });
  }
  for (const field of ["typeclass", "locks", "home", "location", "destination"] as const) {
    const v = p[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") bad(where, `'${field}' must be text.`);
    out[field] = v.trim();
  }
  for (const field of ["home", "location", "destination"] as const) {
    const v = out[field];
    if (v !== undefined && v !== "" && !/^#\d+$/.test(v)) bad(where, `'${field}' must be a #dbref (got '${v}').`);
  }
  if (p.key !== undefined && p.key !== null) {
    if (typeof p.key !== "string" && typeof p.key !== "function") bad(where, "'key' must be text.");
    out.key = p.key as SpawnValue<string>;
  }
  if (p.aliases !== undefined && p.aliases !== null) out.aliases = stringList(p.aliases, where, "aliases");
  if (p.permissions !== undefined && p.permissions !== null) out.permissions = stringList(p.permissions, where, "permissions");
  if (p.tags !== undefined && p.tags !== null) out.tags = normalTags(p.tags, where);
  if (p.attrs !== undefined && p.attrs !== null) out.attrs = normalAttrs(p.attrs, where);
  if (p.desc !== undefined && p.desc !== null) out.attrs = [...(out.attrs ?? []).filter(([k, , c]) => !(k === "desc" && c === null)), ["desc", p.desc, null, ""]];
  return out;
}

/** A homogenized prototype back as plain data (for storing and showing); functions are dropped. */
export function prototypeToData(prototype: NormalPrototype): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(prototype)) {
    if (v === undefined || typeof v === "function") continue;
    if (k === "prototype_parent") {
      const parents = v as NormalPrototype["prototype_parent"];
      if (parents.length) out[k] = parents.map((p) => (typeof p === "string" ? p : prototypeToData(p)));
      continue;
    }
    out[k] = v;
  }
  return out;
}
