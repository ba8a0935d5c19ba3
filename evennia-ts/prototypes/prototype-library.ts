/**
 * Where prototypes come from, and finding them by key or tag:
 *
 * - **module prototypes**, read-only: every exported prototype object of the
 *   modules the setting `prototypeModules` names (default `world/prototypes.ts` in
 *   the game folder; the export name, lower-cased, is the `prototype_key` when the
 *   prototype has none), plus any registered with {@link registerPrototypes};
 * - **database prototypes**, saved with `spawn/save` or {@link savePrototype}: one row
 *   each in the `server_config` table (key `prototype:<prototype_key>`, the
 *   prototype as JSON), so they survive reloads and need no table of their own.
 *   Saving or deleting is staged in the current unit of work (rolled back with it).
 *
 * A module prototype shadows a database prototype of the same key.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { activeSettings } from "../conf/active-settings.ts";
import type { Database } from "../db/database.ts";
import { ServerConfigTable } from "../db/entities/schemas.ts";
import { unitOfWorkFor } from "../db/unit-of-work.ts";
import { deleteWhere, upsertRow } from "../db/writes.ts";
import { checkLockString, parseLockDefinition, splitLockString } from "../locks/lock-string.ts";
import { getStore } from "../typeclasses/store-context.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { homogenizePrototype, isPlainRecord, prototypeToData, type NormalPrototype, type Prototype } from "./prototype.ts";
import { importGameModule } from "../utils/game-modules.ts";

const log = getLogger("prototypes");

/** Prefix of the `server_config` keys database prototypes are stored under. */
export const DB_PROTOTYPE_PREFIX = "prototype:";

/** A prototype found by the library, with where it came from. */
export interface FoundPrototype {
  prototype: NormalPrototype;
  /** `module` (read-only, from code) or `db` (saved in game). */
  source: "module" | "db";
  /** The module file (relative to the game folder) or registering code's label, for module prototypes. */
  module?: string;
}

/** Module prototypes by key, with their module. */
const modulePrototypes = new Map<string, { prototype: NormalPrototype; module: string }>();
/** Game folders whose prototype modules have been imported. */
let loadedFor: string | null = null;
let loading: Promise<void> | null = null;

/** Database prototypes by key, per database (loaded once, then kept up to date by save/delete). */
const dbCaches = new WeakMap<Database, Map<string, NormalPrototype>>();

/**
 * Register prototypes from code (Evennia's `load_module_prototypes` with dicts):
 * a list, or a record whose keys stand in for missing `prototype_key`s. They are
 * read-only, like module prototypes. Throws `EV_ERR_BAD_INPUT` on a malformed one.
 */
export function registerPrototypes(prototypes: readonly Prototype[] | Readonly<Record<string, Prototype>>, source = "code"): NormalPrototype[] {
  const entries: [string | undefined, unknown][] = Array.isArray(prototypes) ? prototypes.map((p) => [undefined, p]) : Object.entries(prototypes);
  const added: NormalPrototype[] = [];
  for (const [name, raw] of entries) {
    const prototype = homogenizePrototype(raw, name);
    if (!prototype.prototype_key) throw new EvenniaError("EV_ERR_BAD_INPUT", `a prototype registered from ${source} has no prototype_key`);
    modulePrototypes.set(prototype.prototype_key, { prototype, module: source });
    added.push(prototype);
  }
  return added;
}

/** Forget every module prototype (tests; a game reloads by restarting the server). */
export function clearModulePrototypes(): void {
  modulePrototypes.clear();
  loadedFor = null;
  loading = null;
}

/** The prototype module files of the running game (absolute paths; those that exist). */
export function prototypeModuleFiles(gameDir: string, modules: readonly string[]): string[] {
  return modules.map((m) => path.resolve(gameDir, m)).filter((f) => existsSync(f));
}

/** Import the game's prototype modules once (a module that fails is logged and skipped). */
export async function loadModulePrototypes(): Promise<void> {
  const settings = activeSettings();
  const gameDir = settings.gameDir;
  if (loadedFor === gameDir) return loading ?? undefined;
  loadedFor = gameDir;
  loading = (async () => {
    for (const file of prototypeModuleFiles(gameDir, settings.prototypeModules ?? [])) {
      const where = path.relative(gameDir, file) || file;
      try {
        const mod = (await importGameModule(file)) as Record<string, unknown>;
        const found: Record<string, Prototype> = {};
        for (const [name, value] of Object.entries(mod)) {
          if (name === "default" && Array.isArray(value)) value.forEach((p: unknown, i) => isPlainRecord(p) && (found[`${where}#${i}`] = p as Prototype));
          else if (isPlainRecord(value)) found[name] = value as Prototype;
        }
        registerPrototypes(found, where);
      } catch (err) {
        log.error(`could not load the prototype module ${where}`, err);
      }
    }
  })();
  return loading;
}

function lockProblems(locks: string): string | null {
  try {
    for (const part of splitLockString(locks)) parseLockDefinition(part, true);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function dbCache(): Promise<Map<string, NormalPrototype>> {
  const db = getStore().db;
  let cache = dbCaches.get(db);
  if (cache) return cache;
  const rows = await db.query<{ key: string; value: string }>("SELECT key, value FROM server_config WHERE key LIKE ?", [`${DB_PROTOTYPE_PREFIX}%`]);
  cache = dbCaches.get(db) ?? new Map();
  for (const row of rows) {
    try {
      const prototype = homogenizePrototype(JSON.parse(row.value), row.key.slice(DB_PROTOTYPE_PREFIX.length));
      cache.set(prototype.prototype_key, prototype);
    } catch (err) {
      log.error(`the stored prototype ${row.key} cannot be read; it is skipped`, err);
    }
  }
  dbCaches.set(db, cache);
  return cache;
}

/** Is `key` a module (read-only) prototype? Module prototypes must be loaded. */
export function isModulePrototype(key: string): boolean {
  return modulePrototypes.has(key.trim().toLowerCase());
}

/** The module a read-only prototype comes from. */
export function moduleOfPrototype(key: string): string | undefined {
  return modulePrototypes.get(key.trim().toLowerCase())?.module;
}

/**
 * Every prototype (database ones first, then module ones), or those whose key is
 * `key` or — when none is exactly that — contains it, and that carry one of `tags`
 * in `prototype_tags`. As Evennia's `search_prototype`.
 */
export async function searchPrototypes(options: { key?: string; tags?: readonly string[] } = {}): Promise<FoundPrototype[]> {
  await loadModulePrototypes();
  const tags = (options.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
  const key = options.key?.trim().toLowerCase();
  const withTags = (p: NormalPrototype) => tags.length === 0 || p.prototype_tags.some((t) => tags.includes(t));
  const all: FoundPrototype[] = [];
  const db = await dbCache();
  for (const prototype of [...db.values()].sort((a, b) => a.prototype_key.localeCompare(b.prototype_key))) {
    if (!modulePrototypes.has(prototype.prototype_key) && withTags(prototype)) all.push({ prototype, source: "db" });
  }
  for (const [, entry] of [...modulePrototypes].sort(([a], [b]) => a.localeCompare(b))) {
    if (withTags(entry.prototype)) all.push({ prototype: entry.prototype, source: "module", module: entry.module });
  }
  if (!key) return all;
  const exact = all.filter((f) => f.prototype.prototype_key === key);
  return exact.length ? exact : all.filter((f) => f.prototype.prototype_key.includes(key));
}

/** The prototype whose key is exactly `key`, or null. */
export async function getPrototype(key: string): Promise<FoundPrototype | null> {
  await loadModulePrototypes();
  const k = key.trim().toLowerCase();
  const mod = modulePrototypes.get(k);
  if (mod) return { prototype: mod.prototype, source: "module", module: mod.module };
  const db = (await dbCache()).get(k);
  return db ? { prototype: db, source: "db" } : null;
}

/**
 * May `accessor` do `action` (`spawn` or `edit`) with `prototype`? Its
 * `prototype_locks` decide; a lock type it does not name allows (Evennia's default).
 * Module prototypes can never be edited.
 */
export function prototypeAccess(accessor: unknown, prototype: NormalPrototype, action: "spawn" | "edit"): boolean {
  if (action === "edit" && isModulePrototype(prototype.prototype_key)) return false;
  return checkLockString(accessor, prototype.prototype_locks, action, { default: true });
}

/**
 * Save `prototype` in the database (a new one, or replacing the one with its key);
 * returns it homogenized. Refused (`EV_ERR_LOCK_DENIED`) for a module prototype's
 * key, and (`EV_ERR_BAD_INPUT`) without a `prototype_key` or with bad locks.
 * Callers check the `edit` lock of an existing one (see {@link prototypeAccess}).
 */
export async function savePrototype(prototype: Prototype | NormalPrototype): Promise<NormalPrototype> {
  const normal = homogenizePrototype(prototype);
  if (!normal.prototype_key) throw new EvenniaError("EV_ERR_BAD_INPUT", "A prototype needs a prototype_key to be saved.");
  await loadModulePrototypes();
  const module = moduleOfPrototype(normal.prototype_key);
  if (module) throw new EvenniaError("EV_ERR_LOCK_DENIED", `${normal.prototype_key} is a read-only prototype (defined as code in ${module}).`);
  const problem = lockProblems(normal.prototype_locks);
  if (problem) throw new EvenniaError("EV_ERR_BAD_INPUT", `Lock error in prototype_locks: ${problem}`);
  if (normal.locks) {
    const objProblem = lockProblems(normal.locks);
    if (objProblem) throw new EvenniaError("EV_ERR_BAD_INPUT", `Lock error in locks: ${objProblem}`);
  }
  const data = prototypeToData(normal);
  let json: string;
  try {
    // JSON turns Infinity and NaN into null: the saved prototype would silently differ from the one given
    json = JSON.stringify(data, (_key, value: unknown) => {
      if (typeof value === "number" && !Number.isFinite(value)) throw new EvenniaError("EV_ERR_SERIALIZE", `the number ${value} cannot be kept in a saved prototype`);
      return value;
    });
  } catch (err) {
    throw new EvenniaError("EV_ERR_SERIALIZE", `the prototype cannot be stored: ${(err as Error).message}`);
  }
  const cache = await dbCache();
  const db = getStore().db;
  const uow = unitOfWorkFor(db);
  const previous = cache.get(normal.prototype_key);
  const stored = homogenizePrototype(JSON.parse(json));
  cache.set(stored.prototype_key, stored);
  uow.recordUndo(() => (previous ? cache.set(stored.prototype_key, previous) : cache.delete(stored.prototype_key)));
  const configKey = DB_PROTOTYPE_PREFIX + stored.prototype_key;
  uow.stage(`config:${configKey}`, () => [upsertRow(ServerConfigTable, { key: configKey, value: json })]);
  return stored;
}

/**
 * Delete the database prototype `key`; false when there is none. Refused
 * (`EV_ERR_LOCK_DENIED`) for a module prototype, or when `caller` is given and fails
 * its `edit` lock.
 */
export async function deletePrototype(key: string, caller?: unknown): Promise<boolean> {
  const k = key.trim().toLowerCase();
  await loadModulePrototypes();
  const module = moduleOfPrototype(k);
  if (module) throw new EvenniaError("EV_ERR_LOCK_DENIED", `${k} is a read-only prototype (defined as code in ${module}).`);
  const cache = await dbCache();
  const previous = cache.get(k);
  if (!previous) return false;
  if (caller !== undefined && !prototypeAccess(caller, previous, "edit")) {
    throw new EvenniaError("EV_ERR_LOCK_DENIED", `You need 'edit' access to delete prototype ${k}.`);
  }
  const uow = unitOfWorkFor(getStore().db);
  cache.delete(k);
  uow.recordUndo(() => cache.set(k, previous));
  const configKey = DB_PROTOTYPE_PREFIX + k;
  uow.stage(`config:${configKey}`, () => [deleteWhere(ServerConfigTable, ["key"], [configKey])]);
  return true;
}
