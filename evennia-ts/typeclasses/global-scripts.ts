/**
 * Global scripts named in settings (`globalScripts`, Evennia's GLOBAL_SCRIPTS):
 * scripts without an object that exist exactly once. {@link ensureGlobalScripts}
 * runs at every server start: it creates what is missing, deletes duplicates,
 * remakes a script whose typeclass changed in settings and starts one that is
 * stopped. {@link globalScript} finds one by key.
 */
import type { GlobalScriptSpec } from "../conf/default-settings.ts";
import { getLogger } from "../utils/logger.ts";
import { createScriptInstance, resolveScriptClass } from "./script-creation.ts";
import { DefaultScript } from "./scripts.ts";
import { getStore } from "./store-context.ts";
import { typeclassPathOf, type TypeclassConstructor } from "./registry.ts";
import { describeError, EvenniaError } from "../utils/errors.ts";

const log = getLogger("scripts");

/** Every global script (no object, no account) with this key (any case), oldest first; includes those made in this unit of work. */
export async function findGlobalScripts(key: string): Promise<DefaultScript[]> {
  const store = getStore();
  const wanted = key.trim().toLowerCase();
  const found = (await store.where("script", "obj_id IS NULL AND account_id IS NULL AND LOWER(key) = ?", [wanted], "ORDER BY id")) as DefaultScript[];
  for (const pending of store.pendingChanges("script") as DefaultScript[]) {
    if (pending.isGlobal && pending.key.toLowerCase() === wanted && !found.includes(pending)) found.push(pending);
  }
  return found.filter((s) => s instanceof DefaultScript && !s.isDeleted && s.isGlobal && s.key.toLowerCase() === wanted).sort((a, b) => a.id - b.id);
}

/** The global script with this key, or null. */
export async function globalScript(key: string): Promise<DefaultScript | null> {
  return (await findGlobalScripts(key))[0] ?? null;
}

/**
 * Make sure each script of `specs` exists exactly once and runs. Call in a unit
 * of work. Returns the scripts, by key.
 */
export async function ensureGlobalScripts(specs: Record<string, GlobalScriptSpec>): Promise<Map<string, DefaultScript>> {
  const result = new Map<string, DefaultScript>();
  for (const [key, spec] of Object.entries(specs)) {
    let cls: TypeclassConstructor<DefaultScript>;
    try {
      cls = resolveScriptClass(spec.typeclass);
    } catch (err) {
      throw new EvenniaError("EV_ERR_CONFIG", `setting globalScripts.${key}: ${describeError(err)}`);
    }
    const wantedPath = typeclassPathOf(cls);
    const [first, ...duplicates] = await findGlobalScripts(key);
    let script: DefaultScript | undefined = first;
    for (const extra of duplicates) {
      log.warn(`global script "${key}" existed ${duplicates.length + 1} times; deleting ${extra.dbref}`);
      await extra.delete();
    }
    if (script && script.typeclassPath !== wantedPath) {
      log.info(`global script "${key}" changed typeclass (${script.typeclassPath} → ${wantedPath}); making it anew`);
      await script.delete();
      script = undefined;
    }
    if (!script) {
      script = await createScriptInstance(cls, {
        key,
        interval: spec.interval,
        repeats: spec.repeats,
        startDelay: spec.startDelay ?? true,
        persistent: spec.persistent,
        desc: spec.desc,
      });
      log.info(`created global script "${key}" (${script.dbref})`);
    } else if (!script.isActive) {
      await script.start();
    }
    result.set(key, script);
  }
  return result;
}
