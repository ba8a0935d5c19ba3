/**
 * `DefaultScript`: a typeclassed object without a place in the world, for game
 * state and timers. (Timers themselves arrive with the scripts issue.)
 */
import type { ScriptRow } from "../db/entities/rows.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";

/** A script. */
export class DefaultScript extends TypedObject<ScriptRow> {
  static override readonly kind = "script" as const;

  /** A short description. */
  get description(): string {
    return this._row.description;
  }
  set description(value: string) {
    this._setField("description", String(value));
  }
}

registerDefaultTypeclass("evennia.scripts.DefaultScript", DefaultScript);
