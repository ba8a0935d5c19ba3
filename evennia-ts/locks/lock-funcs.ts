/**
 * Evennia's lock functions, with Evennia's meaning (evennia/locks/lockfuncs.py):
 *
 * | function | passes when |
 * |---|---|
 * | `true()`, `all()` | always |
 * | `false()`, `none()`, `superuser()` | never (superusers pass every lock by the bypass, so `superuser()` admits only them) |
 * | `self()` | the accessor is the locked object itself |
 * | `perm(P)`, `perm_above(P)` | the accessor holds P (or a higher rank in the hierarchy; `_above`: strictly higher). A puppet is judged by its account's permissions; a quelled account by the lower of the two |
 * | `pperm(P)`, `pperm_above(P)` | as `perm`, on the accessor's account |
 * | `id(N)`, `dbref(N)` | the accessor's id is N (`#N` allowed); on an in-world object's lock an account never passes (object and account ids are separate sequences: `id(12)` written for character #12 must not admit account #12, as through the REST API; name accounts with `pid`) |
 * | `pid(N)`, `pdbref(N)` | the accessor's account's id is N |
 * | `attr(name[, value[, compare=eq/gt/ge/lt/le/ne]])` | the accessor has that property or attribute (truthy, or comparing to value) |
 * | `attr_eq/gt/ge/lt/le/ne(name, value)` | `attr` with that comparison |
 * | `objattr(...)`, `locattr(...)`, `objlocattr(...)` | `attr` on the locked object, the accessor's location, the locked object's location |
 * | `tag(key[, category])`, `objtag`, `objloctag` | the accessor, locked object, or locked object's location has the tag (no category: uncategorised tags only, as Evennia) |
 * | `inside()` | the accessor is directly inside the locked object |
 * | `inside_rec()` | the accessor is inside it at any depth (up to 10 levels) |
 * | `holds()`, `holds(key or #id)`, `holds(attr, value)` | the accessor carries the locked object / a thing by that key, alias or id / a thing with that attribute value |
 * | `has_account()` | the accessor is an in-world object a player is connected to (never an account) |
 * | `is_ooc()` | the session is not puppeting anything (commands), or the object has no account |
 * | `serversetting(name[, value])` | the setting is true / equals value (`true`, `12`, `"text"`, `[1,2]`) |
 */
import { activeSettings } from "../conf/active-settings.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import { markConstantLockFunc, registerLockFunc, type LockCallContext, type LockFunc } from "./lock-func-registry.ts";
import { permissionRank } from "./permissions.ts";

// ---------------------------------------------------------------- shapes

/** True for any typeclassed object (object, account, script, channel). */
export function isTyped(x: unknown): x is TypedObject {
  return typeof x === "object" && x !== null && typeof (x as { kind?: unknown }).kind === "string" && "attributes" in x && "permissions" in x;
}

/** True for an in-world object (room, character, exit, thing). */
export function isWorldObject(x: unknown): x is DefaultObject {
  return isTyped(x) && x.kind === "object";
}

/** True for an account. */
export function isAccount(x: unknown): x is DefaultAccount {
  return isTyped(x) && x.kind === "account";
}

/** The account behind an accessor: itself for an account, the puppeteer for an object, null otherwise. */
export function accountOf(x: unknown): DefaultAccount | null {
  if (isAccount(x)) return x;
  if (isWorldObject(x)) return x.account;
  return null;
}

/** True when `account` has quelled its permissions (acts with its puppet's). */
export function isQuelled(account: DefaultAccount | null | undefined): boolean {
  return Boolean(account?.attributes.get("_quell"));
}

/**
 * Commands and scripts stand for the object they sit on: as in Evennia, a
 * thing with an `obj` property is judged by that object.
 */
function unwrap(x: unknown): unknown {
  if (typeof x === "object" && x !== null && !isTyped(x)) {
    const obj = (x as { obj?: unknown }).obj;
    if (typeof obj === "object" && obj !== null) return obj;
  }
  return x;
}

/**
 * What an object carries, from memory (lock checks are synchronous): its contents
 * when they are loaded (always, for a puppet and its room); otherwise the objects
 * in memory whose location is `holder`.
 */
export function carriedBy(holder: DefaultObject): DefaultObject[] {
  if (holder.contentsLoaded) return holder.contents;
  const out: DefaultObject[] = [];
  for (const obj of holder._store.live("object")) if ((obj as DefaultObject)._row.location_id === holder.id) out.push(obj as DefaultObject);
  return out;
}

// ---------------------------------------------------------------- permissions

function permKeys(holder: unknown): string[] | null {
  if (!isTyped(holder)) return null;
  return holder.permissions.all().map((t) => t.key.toLowerCase());
}

function highestRank(perms: string[]): number {
  let best = -1;
  for (const p of perms) best = Math.max(best, permissionRank(p));
  return best;
}

/** Evennia's perm(): see the table above. `strictlyAbove` is perm_above(). */
function permCheck(accessor: unknown, wanted: string | undefined, strictlyAbove: boolean): boolean {
  if (!wanted) return false;
  const permission = wanted.trim().toLowerCase();
  const objectPerms = permKeys(accessor);
  if (!objectPerms) return false;
  const account = isWorldObject(accessor) ? accessor.account : null;
  const accountPerms = account ? (permKeys(account) ?? []) : [];
  const quelled = account ? isQuelled(account) : false;
  const target = permissionRank(permission);
  if (target >= 0) {
    const held = account && quelled ? Math.min(highestRank(accountPerms), highestRank(objectPerms)) : account ? highestRank(accountPerms) : highestRank(objectPerms);
    return strictlyAbove ? target < held : target <= held;
  }
  if (account) {
    if (quelled && objectPerms.includes(permission)) return true;
    if (accountPerms.includes(permission)) return true;
  }
  return objectPerms.includes(permission);
}

/** `id(N)` on `accessed`: the accessor's id, an account never matching on an in-world object's lock (there, ids name objects). */
function objectIdCheck(accessor: unknown, accessed: unknown, wanted: string | undefined): boolean {
  if (isAccount(accessor) && isWorldObject(accessed)) return false;
  return idCheck(accessor, wanted);
}

function idCheck(accessor: unknown, wanted: string | undefined): boolean {
  if (!wanted || !isTyped(accessor)) return false;
  const n = Number(wanted.trim().replace(/^#/, ""));
  return Number.isInteger(n) && accessor.id === n;
}

// ---------------------------------------------------------------- attributes

type Comparison = "eq" | "gt" | "ge" | "lt" | "le" | "ne";

/** How Python would print a value (lock strings are written in Evennia's terms: `attr(open, True)`). */
function pyString(v: unknown): string {
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null || v === undefined) return "None";
  return String(v);
}

function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function compare(value: unknown, wanted: string, how: string): boolean {
  if (how === "eq") {
    if (pyString(value) === wanted || String(value) === wanted) return true;
    const a = asNumber(value);
    const b = asNumber(wanted);
    return a !== null && b !== null && a === b;
  }
  const a = asNumber(value);
  const b = asNumber(wanted);
  if (a === null || b === null) return false;
  switch (how as Comparison) {
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "ne":
      return a !== b;
    default:
      return false;
  }
}

/** Properties `attr()` may read besides attributes: plain data, not methods or internals. */
function readProperty(obj: object, name: string): { found: boolean; value?: unknown } {
  if (name.startsWith("_") || !(name in obj)) return { found: false };
  const value = (obj as Record<string, unknown>)[name];
  if (typeof value === "function") return { found: false };
  return { found: true, value };
}

function attrCheck(target: unknown, args: readonly string[], how: string): boolean {
  const name = args[0]?.trim();
  if (!name) return false;
  const wanted = args[1]?.trim();
  const obj = unwrap(target);
  if (typeof obj !== "object" || obj === null) return false;
  const prop = readProperty(obj, name);
  if (prop.found) return wanted ? compare(pyString(prop.value), wanted, how) : Boolean(prop.value);
  if (isTyped(obj) && obj.attributes.has(name)) {
    const value = obj.attributes.get(name);
    return wanted ? compare(value, wanted, how) : Boolean(value);
  }
  return false;
}

function locationOf(x: unknown): unknown {
  const obj = unwrap(x);
  return isWorldObject(obj) ? obj.location : null;
}

// ---------------------------------------------------------------- tags and places

function tagCheck(target: unknown, args: readonly string[]): boolean {
  const obj = unwrap(target);
  const key = args[0];
  if (!key || !isTyped(obj)) return false;
  return obj.tags.has(key, args[1] ?? "");
}

function insideRecursive(accessor: unknown, container: unknown): boolean {
  if (!isWorldObject(accessor)) return false;
  let where = accessor.location;
  for (let level = 1; where && level <= 10; level++) {
    if (where === container) return true;
    where = where.location;
  }
  return false;
}

function holdsCheck(accessor: unknown, accessed: unknown, args: readonly string[]): boolean {
  const holder = isWorldObject(accessor) ? accessor : unwrap(accessor);
  if (!isWorldObject(holder)) return false;
  const carried = () => carriedBy(holder);
  const holdsMatching = (spec: string): boolean => {
    const dbref = /^#?(\d+)$/.exec(spec.trim());
    if (dbref) {
      const id = Number(dbref[1]);
      if (carried().some((o) => o.id === id)) return true;
    }
    const name = spec.trim().toLowerCase();
    return carried().some((o) => o.key.toLowerCase() === name || o.aliases.has(name));
  };
  if (args.length === 0) {
    const target = isWorldObject(accessed) ? accessed : unwrap(accessed);
    return isWorldObject(target) && target.location === holder;
  }
  if (args.length === 1) return holdsMatching(args[0]!);
  return carried().some((o) => compare(o.attributes.get(args[0]!), args[1]!, "eq"));
}

// ---------------------------------------------------------------- sessions and settings

function isOoc(accessed: unknown, context: LockCallContext): boolean {
  const session = (context.session ?? (accessed as { session?: unknown } | null)?.session) as { puppet?: unknown } | undefined;
  if (session && typeof session === "object") return !session.puppet;
  const obj = unwrap(accessed);
  const account = accountOf(obj);
  if (!account) return true;
  if (isWorldObject(obj)) return !obj.hasSessions;
  // an account with no session known here: not logged in, which counts as out of character
  return true;
}

/** Parse a setting value written in a lock: `true`/`True`, numbers, quoted strings, JSON lists and objects. */
function parseSettingValue(raw: string): { ok: boolean; value?: unknown } {
  const text = raw.trim();
  if (/^(true|false)$/i.test(text)) return { ok: true, value: text.toLowerCase() === "true" };
  if (/^(none|null)$/i.test(text)) return { ok: true, value: null };
  if (/^'.*'$/.test(text)) return { ok: true, value: text.slice(1, -1) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function serverSetting(args: readonly string[]): boolean {
  const name = args[0]?.trim();
  if (!name) return false;
  const parsed = args.length < 2 ? { ok: true, value: true } : parseSettingValue(args[1]!);
  if (!parsed.ok) return false;
  const settings = activeSettings() as unknown as Record<string, unknown>;
  if (!Object.hasOwn(settings, name)) return false;
  return JSON.stringify(settings[name]) === JSON.stringify(parsed.value);
}

// ---------------------------------------------------------------- registration

const always: LockFunc = () => true;
const never: LockFunc = () => false;

/** Every built-in lock function by name. */
export const BUILTIN_LOCK_FUNCS: Readonly<Record<string, LockFunc>> = {
  true: always,
  all: always,
  false: never,
  none: never,
  // the superuser bypass admits superusers before any function runs; everyone else fails
  superuser: never,
  self: (accessor, accessed) => accessor === accessed,
  perm: (accessor, _accessed, args) => permCheck(accessor, args[0], false),
  perm_above: (accessor, _accessed, args) => permCheck(accessor, args[0], true),
  pperm: (accessor, _accessed, args) => permCheck(accountOf(accessor), args[0], false),
  pperm_above: (accessor, _accessed, args) => permCheck(accountOf(accessor), args[0], true),
  id: (accessor, accessed, args) => objectIdCheck(accessor, accessed, args[0]),
  dbref: (accessor, accessed, args) => objectIdCheck(accessor, accessed, args[0]),
  pid: (accessor, _accessed, args) => idCheck(accountOf(accessor), args[0]),
  pdbref: (accessor, _accessed, args) => idCheck(accountOf(accessor), args[0]),
  attr: (accessor, _accessed, args, kwargs) => attrCheck(accessor, args, kwargs.compare ?? "eq"),
  attr_eq: (accessor, _accessed, args) => attrCheck(accessor, args, "eq"),
  attr_gt: (accessor, _accessed, args) => attrCheck(accessor, args, "gt"),
  attr_ge: (accessor, _accessed, args) => attrCheck(accessor, args, "ge"),
  attr_lt: (accessor, _accessed, args) => attrCheck(accessor, args, "lt"),
  attr_le: (accessor, _accessed, args) => attrCheck(accessor, args, "le"),
  attr_ne: (accessor, _accessed, args) => attrCheck(accessor, args, "ne"),
  objattr: (_accessor, accessed, args, kwargs) => attrCheck(accessed, args, kwargs.compare ?? "eq"),
  locattr: (accessor, _accessed, args, kwargs) => attrCheck(locationOf(accessor), args, kwargs.compare ?? "eq"),
  objlocattr: (_accessor, accessed, args, kwargs) => attrCheck(locationOf(accessed), args, kwargs.compare ?? "eq"),
  tag: (accessor, _accessed, args) => tagCheck(accessor, args),
  objtag: (_accessor, accessed, args) => tagCheck(accessed, args),
  objloctag: (_accessor, accessed, args) => tagCheck(locationOf(accessed), args),
  inside: (accessor, accessed) => isWorldObject(accessor) && accessor.location !== null && accessor.location === unwrap(accessed),
  inside_rec: (accessor, accessed) => insideRecursive(accessor, unwrap(accessed)),
  holds: (accessor, accessed, args) => holdsCheck(accessor, accessed, args),
  has_account: (accessor) => isWorldObject(accessor) && accessor.hasSessions,
  is_ooc: (_accessor, accessed, _args, _kwargs, context) => isOoc(accessed, context),
  serversetting: (_accessor, _accessed, args) => serverSetting(args),
};

for (const [name, fn] of Object.entries(BUILTIN_LOCK_FUNCS)) registerLockFunc(name, fn);
// `call:false()` on every character, `view:all()` on every object: answered without a call
markConstantLockFunc(always, true);
markConstantLockFunc(never, false);
