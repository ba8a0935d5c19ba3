/**
 * Finding what a building command names, as Evennia's builders find it: an object
 * near the caller (or anywhere with `#12`), an account with `*name`, or — for the
 * switches that ask for it — a character, room or exit anywhere, a script or a
 * channel. Messages are Evennia's ("Could not find 'x'.", the multi-match list).
 * Works for a puppet and for an account out of character (which searches globally).
 */
import { activeSettings } from "../../../conf/active-settings.ts";
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultCharacter } from "../../../typeclasses/characters.ts";
import { DefaultExit } from "../../../typeclasses/exits.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { findTypeclass, type TypeclassConstructor } from "../../../typeclasses/registry.ts";
import { DefaultRoom } from "../../../typeclasses/rooms.ts";
import { findAccount, getById, search } from "../../../typeclasses/search.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import type { TypedKind } from "../../../db/row-codecs.ts";
import type { Command } from "../../command.ts";

/** The kinds of in-world object the `/char`, `/room` and `/exit` switches ask for. */
export type WorldObjectType = "character" | "room" | "exit";

/**
 * The class a `/char`, `/room` or `/exit` switch means: the game's base typeclass
 * from the settings when it is registered, else the framework's default class.
 */
export function baseTypeclassOf(type: WorldObjectType): TypeclassConstructor {
  const settings = activeSettings();
  const path = type === "character" ? settings.baseCharacterTypeclass : type === "room" ? settings.baseRoomTypeclass : settings.baseExitTypeclass;
  const registered = path ? findTypeclass(path) : undefined;
  if (registered) return registered;
  return type === "character" ? DefaultCharacter : type === "room" ? DefaultRoom : DefaultExit;
}

/** True when `obj` is of the base class of `type` (or a subclass). */
export function isOfType(obj: TypedObject, type: WorldObjectType): boolean {
  return obj instanceof (baseTypeclassOf(type) as unknown as abstract new () => object);
}

/** Options of {@link findObject}. */
export interface FindObjectOptions {
  /** Search every object (exact names only), not just those near the caller. */
  global?: boolean;
  /** Only objects of this class (or a subclass). */
  typeclass?: TypeclassConstructor;
  /** Say nothing and return null when there is not exactly one match. */
  quiet?: boolean;
}

/**
 * The one in-world object `query` names for the command's caller, or null after
 * telling the caller why not. A puppet searches near itself (`#12` anywhere, for
 * Builders); an account, which has no surroundings, searches every object.
 */
export async function findObject(cmd: Command, query: string, options: FindObjectOptions = {}): Promise<DefaultObject | null> {
  const caller = cmd.caller;
  const text = query.trim();
  if (caller instanceof DefaultObject) {
    if (options.quiet) {
      const found = await caller.search(text, { global: options.global, typeclass: options.typeclass, quiet: true });
      return found.length === 1 ? found[0]! : null;
    }
    return caller.search(text, { global: options.global, typeclass: options.typeclass });
  }
  const matches = (await globalObjects(text)).filter((o) => !options.typeclass || o instanceof (options.typeclass as unknown as abstract new () => object));
  if (matches.length === 1) return matches[0]!;
  if (!options.quiet) {
    if (matches.length === 0) cmd.msg(`Could not find '${text}'.`);
    else cmd.msg(`More than one match for '${text}' (please narrow target):\n${matches.map((o) => ` ${o.key}(${o.dbref})`).join("\n")}`);
  }
  return null;
}

/** Every object named `text` exactly (key or alias), or the object `#id`. */
async function globalObjects(text: string): Promise<DefaultObject[]> {
  const dbref = /^#(\d+)$/.exec(text);
  if (dbref) {
    const found = await getById<DefaultObject>(Number(dbref[1]));
    return found && !found.isDeleted ? [found] : [];
  }
  return text ? search<DefaultObject>({ key: text }) : [];
}

/** The account `name` (without its `*`) names, or null after saying "Could not find". */
export async function findAccountFor(cmd: Command, name: string, options: { quiet?: boolean } = {}): Promise<DefaultAccount | null> {
  const text = name.trim().replace(/^\*/, "");
  const dbref = /^#(\d+)$/.exec(text);
  const found = dbref ? await getById<DefaultAccount>(Number(dbref[1]), "account") : text ? await findAccount(text) : null;
  if (found instanceof DefaultAccount && !found.isDeleted) return found;
  if (!options.quiet) cmd.msg(`Could not find '${text}'.`);
  return null;
}

/** The one script or channel named `name` (or `#id`), or null after saying why not. */
export async function findTypedByKey(cmd: Command, kind: Extract<TypedKind, "script" | "channel">, name: string): Promise<TypedObject | null> {
  const text = name.trim();
  const dbref = /^#(\d+)$/.exec(text);
  const matches = dbref ? [await getById<TypedObject>(Number(dbref[1]), kind)].filter((o): o is TypedObject => o !== null) : text ? await search<TypedObject>({ kind, key: text }) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) cmd.msg(`No ${kind} found with key ${text}.`);
  else cmd.msg(`Multiple ${kind} found with key ${text}:\n${matches.map((o) => `${o.key}(#${o.id})`).join(", ")}`);
  return null;
}

/** May the caller change `obj`? Evennia's builders ask for its `control` or its `edit` lock. */
export function mayEdit(obj: TypedObject, caller: unknown): boolean {
  return obj.access(caller, "control") || obj.access(caller, "edit");
}

/** How a builder sees an object's name: `Key(#12)`. */
export function nameWithDbref(obj: TypedObject): string {
  return `${obj.key}(${obj.dbref})`;
}
