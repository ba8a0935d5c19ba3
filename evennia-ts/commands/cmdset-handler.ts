/**
 * The cmdset handler every object, account and session has: `obj.cmdset`.
 *
 * ```ts
 * obj.cmdset.add(FishingCmdSet);                        // on top, until reload
 * obj.cmdset.add("commands.fishing.FishingCmdSet", { persistent: true });
 * obj.cmdset.remove(FishingCmdSet);                     // or its key or path
 * obj.cmdset.addDefault(MyCharacterCmdSet);             // replace the bottom (default) set
 * obj.cmdset.has("FishingCmdSet"); obj.cmdset.all();
 * ```
 *
 * The stack's bottom is the default cmdset: unless one was added with
 * `addDefault`, it is the one the settings name for the owner's kind (character,
 * account, session before or after login). Persistent cmdsets are stored by path
 * (as Evennia's `cmdset_storage`: the default's path or "" first, then the
 * others) — in the `cmdset_storage` attribute (category `system`) of objects and
 * accounts, in the session data the portal keeps across reloads for sessions — and
 * made again from the registry (`registerCmdSet`) after a reload. Changes made in
 * a unit of work that fails are undone.
 */
import { currentUnitOfWork } from "../db/unit-of-work.ts";
import type { TypedRow } from "../db/row-codecs.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { DefaultCharacter } from "../typeclasses/characters.ts";
import { TypedObject } from "../typeclasses/typed-object.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { CmdSet, type CmdSetOwner } from "./cmdset.ts";
import { type CmdSetClass, createCmdSet, registeredPathOf } from "./cmdset-registry.ts";
import type { CommandSession } from "./command.ts";

declare module "../typeclasses/typed-object.ts" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface TypedObject<R extends TypedRow = TypedRow> {
    /** This object's cmdsets (see `commands/cmdset-handler.ts`). */
    readonly cmdset: CmdSetHandler;
  }
}

/** Where a handler keeps the paths of its persistent cmdsets. */
export interface CmdSetStorage {
  /** The stored paths ("" first when the default is not stored). */
  load(): string[];
  /** Store `paths` (an empty list removes the record). */
  save(paths: string[]): void;
}

/** The cmdsets given by default, by the kind of owner (the settings' `cmdset*` paths). */
export interface DefaultCmdSetPaths {
  cmdsetUnloggedin: string;
  cmdsetSession: string;
  cmdsetAccount: string;
  cmdsetCharacter: string;
}

/** Framework paths used when a game registers nothing under the settings' paths. */
export const FRAMEWORK_CMDSET_PATHS: DefaultCmdSetPaths = {
  cmdsetUnloggedin: "evennia.commands.default.UnloggedinCmdSet",
  cmdsetSession: "evennia.commands.default.SessionCmdSet",
  cmdsetAccount: "evennia.commands.default.AccountCmdSet",
  cmdsetCharacter: "evennia.commands.default.CharacterCmdSet",
};

let defaultPaths: DefaultCmdSetPaths = { ...FRAMEWORK_CMDSET_PATHS };
/** Grows whenever the default paths are set (handlers' `all()` caches compare it). */
let defaultPathsEpoch = 0;

/** Changes of any handler's stack (and their undoing), counted world-wide. */
let stackChanges = 0;

/**
 * Grows whenever any handler's cmdsets change (or a change is undone) and when the
 * default paths are set: while it stays, every handler's {@link CmdSetHandler.all}
 * answers as before for an object whose class did not change (caches compare it).
 */
export function cmdSetsEpoch(): number {
  return stackChanges + defaultPathsEpoch;
}

/** Set the default cmdset paths (the server does, from the settings). */
export function configureDefaultCmdSets(paths: Partial<DefaultCmdSetPaths>): void {
  defaultPaths = { ...FRAMEWORK_CMDSET_PATHS, ...paths };
  defaultPathsEpoch++;
}

/** The setting naming the default cmdset of `owner`, or null when it has none. */
function defaultSettingFor(owner: CmdSetOwner): keyof DefaultCmdSetPaths | null {
  if (owner instanceof DefaultCharacter) return "cmdsetCharacter";
  if (owner instanceof DefaultAccount) return "cmdsetAccount";
  if (owner instanceof TypedObject) return null;
  return (owner as CommandSession).account ? "cmdsetSession" : "cmdsetUnloggedin";
}

/** What to add: a class, an instance, or a registered path. */
export type CmdSetSpec = CmdSetClass | CmdSet | string;

/** Options of {@link CmdSetHandler.add}. */
export interface AddCmdSetOptions {
  /** Keep it across reloads (it must be registered under a path). */
  persistent?: boolean;
}

const NONE: readonly CmdSet[] = Object.freeze([]);

const log = getLogger("cmdsets");
/** Stored cmdset paths whose creation threw, logged once each. */
const failedStoredPaths = new Set<string>();

/** What {@link CmdSetHandler.all} answered, and what the answer depended on. */
interface AllCache {
  version: number;
  base: CmdSet | null;
  sets: readonly CmdSet[];
  pathsEpoch: number;
  ownerClass: object;
  loggedIn: boolean;
}

/** For a session: whether it is logged in (its default set depends on it). False for objects and accounts. */
function loggedIn(owner: CmdSetOwner): boolean {
  return owner instanceof TypedObject ? false : Boolean((owner as CommandSession).account);
}

/** Stored marker of a default slot emptied with `removeDefault`. */
const NO_DEFAULT = "_EMPTY_CMDSET";

/** The cmdsets of one object, account or session. */
export class CmdSetHandler {
  /** Cmdsets above the default, bottom first. */
  private stack: CmdSet[] | null = null;
  /** An explicitly added default (null: the settings' default; NO_DEFAULT removed it). */
  private explicitDefault: CmdSet | typeof NO_DEFAULT | null = null;
  private implicitDefault: { path: string; set: CmdSet | null } | null = null;
  private changes = 0;
  private allCache: AllCache | null = null;
  /** Paths of stored cmdsets whose creation threw: left out of the stack, kept in storage. */
  private unloadable: string[] = [];
  /** The stored explicit default, when its creation threw (the settings' default is used meanwhile). */
  private unloadableDefault: string | null = null;

  constructor(
    /** The object, account or session the cmdsets are on. */
    readonly owner: CmdSetOwner,
    private readonly storage: CmdSetStorage | null,
  ) {}

  /** Increases with every change of the stack (for caches). */
  get version(): number {
    return this.changes;
  }

  /** Every cmdset here, the default first (do not change the array). */
  all(): readonly CmdSet[] {
    // asked for every object around a player on every command: answer from the cache when
    // nothing the default depends on moved (the stack, the settings, the owner's class, a session's login)
    const cached = this.allCache;
    if (
      cached &&
      cached.version === this.changes &&
      cached.pathsEpoch === defaultPathsEpoch &&
      cached.ownerClass === Object.getPrototypeOf(this.owner) &&
      cached.loggedIn === loggedIn(this.owner)
    ) {
      return cached.sets;
    }
    return this.allNow();
  }

  private allNow(): readonly CmdSet[] {
    const stack = this.loaded();
    const base = this.defaultSet();
    const cached = this.allCache;
    const sets = cached && cached.version === this.changes && cached.base === base ? cached.sets : base ? [base, ...stack] : stack.length ? [...stack] : NONE;
    this.allCache = { version: this.changes, base, sets, pathsEpoch: defaultPathsEpoch, ownerClass: Object.getPrototypeOf(this.owner) as object, loggedIn: loggedIn(this.owner) };
    return sets;
  }

  /** Same as {@link all} (Evennia's name). */
  get(): readonly CmdSet[] {
    return this.all();
  }

  /** True when `spec` (class, instance, key or path) is here; `mustBeDefault` checks the default only. */
  has(spec: CmdSetSpec, options: { mustBeDefault?: boolean } = {}): boolean {
    const base = this.defaultSet();
    if (options.mustBeDefault) return base !== null && matches(base, spec);
    return this.all().some((s) => matches(s, spec));
  }

  /** Put a cmdset on top of the stack. */
  add(spec: CmdSetSpec, options: AddCmdSetOptions = {}): CmdSet {
    const set = this.instantiate(spec);
    const persistent = options.persistent ?? false;
    set.persistent = persistent;
    if (persistent) this.pathFor(set, spec);
    this.change(() => {
      this.stack = [...this.loaded(), set];
      if (persistent) this.persist();
    });
    return set;
  }

  /** Replace the default (bottom) cmdset; persistent unless told otherwise. */
  addDefault(spec: CmdSetSpec, options: AddCmdSetOptions = {}): CmdSet {
    const set = this.instantiate(spec);
    const persistent = options.persistent ?? true;
    set.persistent = persistent;
    if (persistent) this.pathFor(set, spec);
    this.change(() => {
      this.loaded();
      this.explicitDefault = set;
      this.unloadableDefault = null;
      this.persist();
    });
    return set;
  }

  /**
   * Remove cmdsets matching `spec` (class, instance, key or path) from above the
   * default; without `spec`, the top one. The default stays (see {@link removeDefault}).
   */
  remove(spec?: CmdSetSpec): CmdSet[] {
    const stack = this.loaded();
    const removed = spec === undefined ? stack.slice(-1) : stack.filter((s) => matches(s, spec));
    if (typeof spec === "string" && this.unloadable.includes(spec)) {
      this.change(() => {
        this.unloadable = this.unloadable.filter((p) => p !== spec);
        this.persist();
      });
    }
    if (removed.length === 0) return [];
    this.change(() => {
      this.stack = stack.filter((s) => !removed.includes(s));
      if (removed.some((s) => s.persistent)) this.persist();
    });
    return removed;
  }

  /** Same as {@link remove} (Evennia's older name). */
  delete(spec?: CmdSetSpec): CmdSet[] {
    return this.remove(spec);
  }

  /** Remove the default cmdset: the owner then has only what is above it. */
  removeDefault(): void {
    this.change(() => {
      this.loaded();
      this.explicitDefault = NO_DEFAULT;
      this.persist();
    });
  }

  /** Remove every cmdset above the default. */
  clear(): void {
    if (this.loaded().length === 0 && this.unloadable.length === 0) return;
    this.change(() => {
      this.stack = [];
      this.unloadable = [];
      this.persist();
    });
  }

  /** The default cmdset in use (explicit, or the settings' for this owner), or null. */
  defaultSet(): CmdSet | null {
    this.loaded();
    if (this.explicitDefault === NO_DEFAULT) return null;
    if (this.explicitDefault) return this.explicitDefault;
    const setting = defaultSettingFor(this.owner);
    if (!setting) return null;
    const path = defaultPaths[setting];
    if (this.implicitDefault?.path !== path) {
      this.implicitDefault = { path, set: createCmdSet(path, this.owner, FRAMEWORK_CMDSET_PATHS[setting]) };
    }
    return this.implicitDefault.set;
  }

  private loaded(): CmdSet[] {
    if (this.stack) return this.stack;
    const stored = this.storage?.load() ?? [];
    const stack: CmdSet[] = [];
    stored.forEach((path, i) => {
      if (i === 0) {
        if (path === NO_DEFAULT) this.explicitDefault = NO_DEFAULT;
        else if (path) {
          const set = this.createStored(path, true);
          if (set) set.persistent = true;
          this.explicitDefault = set;
        }
        return;
      }
      const set = path ? this.createStored(path) : null;
      if (set) {
        set.persistent = true;
        stack.push(set);
      }
    });
    this.stack = stack;
    return stack;
  }

  /**
   * A stored cmdset made again; null when its creation throws (a bug in the game's
   * code: logged once per path). It is left out — a broken set on an object in a room
   * must not take every command, `quit` and `ooc` included, from everyone there — but
   * stays stored (see {@link unloadable}) for when its code is fixed.
   */
  private createStored(path: string, asDefault = false): CmdSet | null {
    try {
      return createCmdSet(path, this.owner);
    } catch (err) {
      if (asDefault) this.unloadableDefault = path;
      else this.unloadable.push(path);
      if (!failedStoredPaths.has(path)) {
        failedStoredPaths.add(path);
        log.error(`stored cmdset "${path}" could not be created; it is left out (repeats are not logged)`, err);
      }
      return null;
    }
  }

  private persist(): void {
    if (!this.storage) return;
    const head = this.explicitDefault === NO_DEFAULT ? NO_DEFAULT : this.explicitDefault?.persistent ? this.explicitDefault.path : (this.explicitDefault ? "" : (this.unloadableDefault ?? ""));
    const rest = [...this.loaded().filter((s) => s.persistent).map((s) => s.path), ...this.unloadable];
    this.storage.save(head === "" && rest.length === 0 ? [] : [head, ...rest]);
  }

  private change(fn: () => void): void {
    const before = { stack: this.stack, explicitDefault: this.explicitDefault };
    fn();
    this.changes++;
    stackChanges++;
    currentUnitOfWork()?.recordUndo(() => {
      this.stack = before.stack;
      this.explicitDefault = before.explicitDefault;
      this.changes++;
      stackChanges++;
    });
  }

  private instantiate(spec: CmdSetSpec): CmdSet {
    if (spec instanceof CmdSet) {
      spec.cmdsetObj ??= this.owner;
      return spec;
    }
    if (typeof spec === "string") {
      const set = createCmdSet(spec, this.owner);
      if (!set) throw new EvenniaError("EV_ERR_BAD_INPUT", `no cmdset is registered as "${spec}"`);
      return set;
    }
    if (typeof spec === "function" && spec.prototype instanceof CmdSet) {
      const set = new spec(this.owner);
      set.cmdsetObj = this.owner;
      set.path ||= registeredPathOf(spec) ?? "";
      return set;
    }
    throw new EvenniaError("EV_ERR_BAD_INPUT", "only cmdsets (a CmdSet class, instance or registered path) can be added to a cmdset handler");
  }

  private pathFor(set: CmdSet, spec: CmdSetSpec): void {
    const path = typeof spec === "string" ? spec : set.path || registeredPathOf(set.constructor as CmdSetClass) || "";
    if (!path) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `cmdset ${set.key} is not registered under a path (registerCmdSet), so it cannot be persistent`);
    }
    set.path = path;
  }
}

function matches(set: CmdSet, spec: CmdSetSpec): boolean {
  if (spec instanceof CmdSet) return set === spec;
  if (typeof spec === "string") return set.key === spec || set.path === spec;
  const path = set.path;
  return set instanceof spec || (path !== "" && path === registeredPathOf(spec));
}

const ATTRIBUTE = { key: "cmdset_storage", category: "system" } as const;

/** Storage of an object's or account's persistent cmdsets: an attribute. */
function attributeStorage(owner: TypedObject): CmdSetStorage {
  return {
    load() {
      const value = owner.attributes.get<unknown>(ATTRIBUTE.key, { category: ATTRIBUTE.category });
      return Array.isArray(value) ? value.map((v) => String(v ?? "")) : [];
    },
    save(paths) {
      if (paths.length === 0) owner.attributes.remove(ATTRIBUTE.key, { category: ATTRIBUTE.category });
      else owner.attributes.add(ATTRIBUTE.key, paths, { category: ATTRIBUTE.category });
    },
  };
}

const handlers = new WeakMap<object, CmdSetHandler>();

/**
 * True when `obj` has cmdsets — without making its handler when it has none yet, no
 * default set (only characters have one) and none stored. Asked for every member of a
 * room when the room's list of command-giving members is rebuilt: most members (things,
 * exits) have none, and a handler each (with its storage) cost a few hundred bytes an
 * object that sat in a room, for nothing.
 */
export function hasCmdSets(obj: TypedObject): boolean {
  const handler = handlers.get(obj);
  if (handler) return handler.all().length > 0;
  if (defaultSettingFor(obj as unknown as CmdSetOwner) === null && !obj.attributes.has(ATTRIBUTE.key, { category: ATTRIBUTE.category })) return false;
  return obj.cmdset.all().length > 0;
}

Object.defineProperty(TypedObject.prototype, "cmdset", {
  configurable: true,
  get(this: TypedObject): CmdSetHandler {
    let handler = handlers.get(this);
    if (!handler) {
      handler = new CmdSetHandler(this as unknown as CmdSetOwner, attributeStorage(this));
      handlers.set(this, handler);
    }
    return handler;
  },
});
