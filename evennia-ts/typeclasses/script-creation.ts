/**
 * Making scripts: {@link createScriptInstance} is what `createScript` (create.ts)
 * and `obj.scripts.add` (script-handler.ts) both call.
 */
import { EvenniaError } from "../utils/errors.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";
import { findTypeclass, type TypeclassConstructor } from "./registry.ts";
import { DefaultScript, type CatchUpPolicy } from "./scripts.ts";
import { getStore } from "./store-context.ts";

/** A script class, or the path it is registered under. */
export type ScriptClassRef<T extends DefaultScript = DefaultScript> = TypeclassConstructor<T> | string;

/** Options of `createScript` and `obj.scripts.add`. Values given replace those `atScriptCreation` set. */
export interface CreateScriptOptions {
  /** The script's name (default: its class's name). */
  key?: string;
  /** The object it belongs to (none, and no account: a global script). */
  obj?: DefaultObject | null;
  /** The account it belongs to. */
  account?: DefaultAccount | null;
  /** Description shown by the `scripts` command (also `desc`). */
  description?: string;
  desc?: string;
  /** Seconds between `atRepeat` calls. */
  interval?: number;
  /** Wait one interval before the first `atRepeat` (Evennia's default: false, run at once). */
  startDelay?: boolean;
  /** Times to repeat before stopping; 0 for no limit. */
  repeats?: number;
  /** Survive reloads and restarts (default true). */
  persistent?: boolean;
  /** What to do about runs missed while the server was down (default: the class's `catchUp`). */
  catchUp?: CatchUpPolicy;
  /** Lock definitions to add. */
  locks?: string;
  /** Attributes to set. */
  attributes?: Record<string, unknown>;
  /** Start the timer right away (default true). */
  autostart?: boolean;
}

/** Resolve a script class or path; `EV_ERR_TYPECLASS` when it is not a script typeclass. */
export function resolveScriptClass<T extends DefaultScript>(ref: ScriptClassRef<T> | undefined): TypeclassConstructor<T> {
  if (ref === undefined) return DefaultScript as unknown as TypeclassConstructor<T>;
  const cls = typeof ref === "string" ? (findTypeclass(ref) as TypeclassConstructor<T> | undefined) : ref;
  if (!cls) throw new EvenniaError("EV_ERR_TYPECLASS", `no typeclass is registered as "${String(ref)}"`);
  if (cls !== (DefaultScript as unknown) && !(cls.prototype instanceof DefaultScript)) {
    throw new EvenniaError("EV_ERR_TYPECLASS", `${cls.name} is not a subclass of DefaultScript`);
  }
  return cls;
}

/** Create a script (staged in the current unit of work), and start it unless `autostart` is false. */
export async function createScriptInstance<T extends DefaultScript = DefaultScript>(
  typeclass: ScriptClassRef<T> | undefined,
  options: CreateScriptOptions = {},
): Promise<T> {
  const cls = resolveScriptClass(typeclass);
  if (options.obj?.isDeleted || options.account?.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", "cannot add a script to something deleted");
  const key = String(options.key ?? "").trim() || cls.name;
  const script = await getStore().create(cls, {
    key,
    obj_id: options.obj?.id ?? null,
    account_id: options.account?.id ?? null,
  });
  script._linkRelations();
  const description = options.description ?? options.desc;
  if (description !== undefined) script.description = description;
  if (options.interval !== undefined) script.interval = options.interval;
  if (options.startDelay !== undefined) script.startDelay = options.startDelay;
  if (options.repeats !== undefined) script.repeats = options.repeats;
  if (options.persistent !== undefined) script.persistent = options.persistent;
  if (options.catchUp !== undefined) script.catchUp = options.catchUp;
  if (options.locks?.trim()) script.locks.add(options.locks);
  for (const [k, v] of Object.entries(options.attributes ?? {})) script.attributes.add(k, v);
  if (options.autostart ?? true) await script.start();
  return script;
}
