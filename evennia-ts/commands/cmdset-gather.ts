/**
 * Gathering the cmdsets that apply when a session types a line, in Evennia's
 * order: the session's, the account's, the puppet's, then — unless the merged
 * sets so far say `noObjs` — those of the objects around the puppet: what is in
 * its location (exits included, unless `noExits`), what it carries, and the
 * location itself. Objects whose `call` lock refuses the caller are skipped
 * (characters refuse by default, so another player's commands are not yours).
 *
 * Cmdsets on objects around the caller merge with `duplicates` on unless they set
 * it, so two balls' `kick` commands both stay and the player picks `kick-2`.
 */
import type { PermissionHolder } from "../locks/permissions.ts";
import { DefaultCharacter } from "../typeclasses/characters.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { lockFuncsVersion } from "../locks/lock-func-registry.ts";
import type { CmdSet } from "./cmdset.ts";
import type { StackEntry } from "./cmdset-merge.ts";
import type { CommandSession } from "./command.ts";
import { classesEpoch } from "../typeclasses/change-epochs.ts";
import { cmdSetsEpoch, hasCmdSets } from "./cmdset-handler.ts";

/** Key of the cmdsets exits provide (filtered by `noExits`). */
export const EXIT_CMDSET_KEY = "ExitCmdSet";
/** Key of cmdsets holding channel commands (filtered by `noChannels`). */
export const CHANNEL_CMDSET_KEY = "ChannelCmdSet";

/**
 * Cmdsets a location gives whoever stands in it without being on any object's
 * handler — the exits' commands, built from the room's exits. Gathered with the
 * objects around the puppet (skipped with `noObjs`; sets keyed `ExitCmdSet` also with `noExits`).
 */
export type LocationCmdSetSource = (location: DefaultObject, puppet: DefaultObject) => readonly (CmdSet | null)[];

const locationSources: LocationCmdSetSource[] = [];

/** Add a {@link LocationCmdSetSource} (the exit cmdset registers itself here). */
export function registerLocationCmdSets(source: LocationCmdSetSource): void {
  if (!locationSources.includes(source)) locationSources.push(source);
}

/**
 * Cmdsets an account has without keeping them on its handler — the commands of
 * the channels it subscribes to. Gathered right after the account's own sets.
 */
export type AccountCmdSetSource = (account: NonNullable<CommandSession["account"]>, session: CommandSession) => CmdSet | null;

const accountSources: AccountCmdSetSource[] = [];

/** Add an {@link AccountCmdSetSource} (the channel cmdset registers itself here). */
export function registerAccountCmdSets(source: AccountCmdSetSource): void {
  if (!accountSources.includes(source)) accountSources.push(source);
}

/** What gathering found. */
export interface GatheredCmdSets {
  /** The sets to merge, in gathering order. */
  entries: StackEntry[];
  /** The objects (besides the session, account and puppet) whose sets were gathered. */
  localObjects: DefaultObject[];
}

/** Merge-relevant flags of a stack, folded as merging would fold them. */
interface Flags {
  priority: number;
  noObjs: boolean | null;
  noExits: boolean | null;
  noChannels: boolean | null;
}

/** Fold `set` into `acc` (changed in place; a new one for the first set). */
function foldFlags(acc: Flags | null, set: CmdSet): Flags {
  if (!acc) return { priority: set.priority, noObjs: set.noObjs, noExits: set.noExits, noChannels: set.noChannels };
  if (acc.priority <= set.priority) {
    acc.priority = set.priority;
    acc.noObjs = set.noObjs ?? acc.noObjs;
    acc.noExits = set.noExits ?? acc.noExits;
    acc.noChannels = set.noChannels ?? acc.noChannels;
  } else {
    acc.noObjs ??= set.noObjs;
    acc.noExits ??= set.noExits;
    acc.noChannels ??= set.noChannels;
  }
  return acc;
}

/**
 * May `caller` use the cmdsets on `obj`? Its `call` lock decides (no superuser
 * bypass); without one, characters refuse and everything else allows.
 */
export function mayCallCmdsetsOf(obj: DefaultObject, accessor: PermissionHolder | null): boolean {
  // asked for every occupant of the room on every command: the options are made once
  return obj.access(accessor, "call", callOptionsOf(obj));
}

/** How the `call` lock of `obj` is checked: without one, characters refuse and everything else allows. */
function callOptionsOf(obj: DefaultObject): { readonly default: boolean; readonly noSuperuserBypass: boolean } {
  return obj instanceof DefaultCharacter ? CALL_CHARACTER : CALL_OTHER;
}

const CALL_CHARACTER = Object.freeze({ default: false, noSuperuserBypass: true });
const CALL_OTHER = Object.freeze({ default: true, noSuperuserBypass: true });

/** The `call` answer an object's locks give every caller, and what it was worked out from. */
interface FixedCallAnswer {
  readonly lockText: string | null;
  readonly lockFuncs: number;
  readonly answer: boolean | null;
}

const fixedCallAnswers = new WeakMap<DefaultObject, FixedCallAnswer>();

/**
 * True when `obj`'s `call` lock refuses every caller (a character's `call:false()`)
 * and no hook of its class hears access checks: then it is skipped without a check.
 * Fifty players in a room are fifty such objects on every command. Worked out again
 * when its stored locks or the lock functions change.
 */
function refusesEveryCaller(obj: DefaultObject): boolean {
  // read here, not at load: this module and the typeclasses import each other
  const base = DefaultObject.prototype;
  if (obj.access !== base.access || obj.atAccess !== base.atAccess) return false;
  const lockText = obj._row.lock_storage;
  const lockFuncs = lockFuncsVersion();
  let known = fixedCallAnswers.get(obj);
  if (!known || known.lockText !== lockText || known.lockFuncs !== lockFuncs) {
    known = { lockText, lockFuncs, answer: obj.locks.fixedAnswer("call", callOptionsOf(obj).default) };
    fixedCallAnswers.set(obj, known);
  }
  return known.answer === false;
}

/**
 * A container's members that have cmdsets, and what the list was built from: the
 * container's contents version and the world's cmdset epoch (any stack changed, the
 * default paths, any object's class).
 */
interface MembersWithCmdSets {
  contentsVersion: number;
  epoch: number;
  members: readonly DefaultObject[];
}

const membersWithCmdSetsCache = new WeakMap<DefaultObject, MembersWithCmdSets>();

/**
 * The members of `container` (contents in memory) whose cmdsets are not empty, in id
 * order. Asked for the room and the inventory on every command: most of what lies
 * there (exits, things, a hoard of 200 items) has no cmdset, and is walked again only
 * when something arrives or leaves, or a cmdset or class changes anywhere.
 */
function membersWithCmdSets(container: DefaultObject): readonly DefaultObject[] {
  const contentsVersion = container.contentsVersion;
  const epoch = cmdSetsEpoch() + classesEpoch();
  const hit = membersWithCmdSetsCache.get(container);
  if (hit && hit.contentsVersion === contentsVersion && hit.epoch === epoch) return hit.members;
  const members = container.contentsGet().filter(hasCmdSets);
  membersWithCmdSetsCache.set(container, { contentsVersion, epoch, members });
  return members;
}

/**
 * The objects around `puppet` whose cmdsets may apply, as lists: the location's contents
 * (the puppet is skipped later), its own contents, the location. Those in memory (no
 * query) are narrowed to the ones with cmdsets; the first look at a place loads them.
 */
function objectsAround(puppet: DefaultObject): (readonly DefaultObject[])[] | Promise<(readonly DefaultObject[])[]> {
  const location = puppet.location;
  if (!location) return [];
  if (location.contentsLoaded && puppet.contentsLoaded) return [membersWithCmdSets(location), membersWithCmdSets(puppet), [location]];
  return (async () => [await location.loadContents(), await puppet.loadContents(), [location]])();
}

/** Gather the cmdsets for a line from `session` (see the module comment). */
export async function gatherCmdSets(session: CommandSession, accessor: PermissionHolder | null): Promise<GatheredCmdSets> {
  return gatherCmdSetsSoon(session, accessor);
}

/**
 * {@link gatherCmdSets} without a promise when everything around the puppet is in
 * memory (the usual case): the command handler's path, where every promise costs.
 */
export function gatherCmdSetsSoon(session: CommandSession, accessor: PermissionHolder | null): GatheredCmdSets | Promise<GatheredCmdSets> {
  const entries: StackEntry[] = [];
  let flags = take(entries, null, session.cmdset.all());
  const account = session.account;
  if (account) {
    flags = take(entries, flags, account.cmdset.all());
    for (const source of accountSources) {
      const set = source(account, session);
      if (set) flags = take(entries, flags, [set]);
    }
  }
  const puppet = account ? session.puppet : null;
  if (!puppet) return finish(entries, [], flags);
  const current = take(entries, flags, puppet.cmdset.all());
  if (current?.noObjs) return finish(entries, [], current);
  const around = objectsAround(puppet);
  if (Array.isArray(around)) return finish(entries, addObjectSets(entries, puppet, around, accessor, current), current);
  return around.then((lists) => finish(entries, addObjectSets(entries, puppet, lists, accessor, current), current));
}

/** Add `sets` to `entries` as they are (no `duplicates` override); returns the flags folded with theirs. */
function take(entries: StackEntry[], flags: Flags | null, sets: readonly CmdSet[]): Flags | null {
  for (const set of sets) {
    entries.push({ set });
    flags = foldFlags(flags, set);
  }
  return flags;
}

/** Add the sets of the objects around `puppet` (not its own) and of its location to `entries`; returns the objects whose sets were added. */
function addObjectSets(
  entries: StackEntry[],
  puppet: DefaultObject,
  around: readonly (readonly DefaultObject[])[],
  accessor: PermissionHolder | null,
  flags: Flags | null,
): DefaultObject[] {
  const localObjects: DefaultObject[] = [];
  const noExits = flags?.noExits;
  for (const list of around) {
    for (const obj of list) {
      if (obj === puppet || refusesEveryCaller(obj)) continue;
      const sets = obj.cmdset.all();
      if (sets.length === 0 || obj.isDeleted || !mayCallCmdsetsOf(obj, accessor)) continue;
      localObjects.push(obj);
      for (const set of sets) {
        if (noExits && set.key === EXIT_CMDSET_KEY) continue;
        entries.push({ set, duplicates: set.duplicates ?? true });
      }
    }
  }
  const location = puppet.location;
  if (location) {
    for (const source of locationSources) {
      for (const set of source(location, puppet)) {
        if (!set || (noExits && set.key === EXIT_CMDSET_KEY)) continue;
        entries.push({ set, duplicates: set.duplicates ?? true });
      }
    }
  }
  return localObjects;
}

function finish(entries: StackEntry[], localObjects: DefaultObject[], flags: Flags | null): GatheredCmdSets {
  if (flags?.noChannels) return { entries: entries.filter((e) => e.set.key !== CHANNEL_CMDSET_KEY), localObjects };
  return { entries, localObjects };
}

/**
 * The cmdsets that apply to `obj` acting on its own, without a session (Evennia's
 * "object" merge mode, used by `examine` for objects nobody puppets): its own sets,
 * then — unless they say `noObjs` — those of the objects around it and of its location.
 */
export async function gatherObjectCmdSets(obj: DefaultObject): Promise<GatheredCmdSets> {
  const entries: StackEntry[] = [];
  let flags: Flags | null = null;
  for (const set of obj.cmdset.all()) {
    entries.push({ set });
    flags = foldFlags(flags, set);
  }
  const current = flags as Flags | null;
  const localObjects: DefaultObject[] = [];
  if (current?.noObjs) return { entries, localObjects };
  for (const other of (await objectsAround(obj)).flat()) {
    if (other === obj) continue;
    const sets = other.cmdset.all();
    if (sets.length === 0 || other.isDeleted || !mayCallCmdsetsOf(other, obj)) continue;
    localObjects.push(other);
    for (const set of sets) {
      if (current?.noExits && set.key === EXIT_CMDSET_KEY) continue;
      entries.push({ set, duplicates: set.duplicates ?? true });
    }
  }
  const location = obj.location;
  if (location) {
    for (const source of locationSources) {
      for (const set of source(location, obj)) {
        if (!set || (current?.noExits && set.key === EXIT_CMDSET_KEY)) continue;
        entries.push({ set, duplicates: set.duplicates ?? true });
      }
    }
  }
  return { entries, localObjects };
}
