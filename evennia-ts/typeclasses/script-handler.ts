/**
 * `obj.scripts` / `account.scripts`: the scripts that belong to an object or an
 * account. `add` creates (and starts) one; `get`, `all` and `delete` find them
 * in the database, including those not loaded yet and those created in the
 * current unit of work.
 */
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";
import { createScriptInstance, type CreateScriptOptions, type ScriptClassRef } from "./script-creation.ts";
import { DefaultScript } from "./scripts.ts";

/** Options of {@link ScriptHandler.add}: those of `createScript` but the owner. */
export type AddScriptOptions = Omit<CreateScriptOptions, "obj" | "account">;

/** The scripts of one object or account. */
export class ScriptHandler {
  constructor(
    private readonly owner: DefaultObject | DefaultAccount,
    private readonly ownerColumn: "obj_id" | "account_id",
  ) {}

  /** Create a script on the owner and start it (unless `autostart: false`). */
  add<T extends DefaultScript = DefaultScript>(typeclass: ScriptClassRef<T>, options: AddScriptOptions = {}): Promise<T> {
    const owner = this.ownerColumn === "obj_id" ? { obj: this.owner as DefaultObject } : { account: this.owner as DefaultAccount };
    return createScriptInstance(typeclass, { ...options, ...owner });
  }

  /** Every script of the owner, oldest first. */
  async all(): Promise<DefaultScript[]> {
    const store = this.owner._store;
    const found = (await store.where("script", `${this.ownerColumn} = ?`, [this.owner.id], "ORDER BY id")) as DefaultScript[];
    for (const pending of store.pendingChanges("script") as DefaultScript[]) {
      if (pending._row[this.ownerColumn] === this.owner.id && !found.includes(pending)) found.push(pending);
    }
    return found.filter((s) => !s.isDeleted && s._row[this.ownerColumn] === this.owner.id).sort((a, b) => a.id - b.id);
  }

  /** The owner's scripts with this key (any case), or of this typeclass path. */
  async get(key: string): Promise<DefaultScript[]> {
    const wanted = key.trim().toLowerCase();
    return (await this.all()).filter((s) => s.key.toLowerCase() === wanted || s.typeclassPath.toLowerCase() === wanted);
  }

  /** True when the owner has a script with this key or typeclass path. */
  async has(key: string): Promise<boolean> {
    return (await this.get(key)).length > 0;
  }

  /** Delete the owner's scripts with this key or typeclass path (all of them without one); returns how many. */
  async delete(key?: string): Promise<number> {
    const targets = key === undefined ? await this.all() : await this.get(key);
    let n = 0;
    for (const script of targets) if (await script.delete()) n++;
    return n;
  }

  /** Start (or unpause) the owner's scripts with this key (all without one); returns how many. */
  async start(key?: string): Promise<number> {
    const targets = key === undefined ? await this.all() : await this.get(key);
    for (const script of targets) await script.start();
    return targets.length;
  }

  /** Stop the timers of the owner's scripts with this key (all without one); returns how many. */
  async stop(key?: string): Promise<number> {
    const targets = key === undefined ? await this.all() : await this.get(key);
    for (const script of targets) await script.stop();
    return targets.length;
  }
}
