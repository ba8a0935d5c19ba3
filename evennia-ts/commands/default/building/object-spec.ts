/**
 * What the building commands share about naming new things: the object spec
 * `name;alias;alias:option` that `create`, `dig`, `open`, `copy` and `name` take
 * (Evennia's `ObjManipCommand.parse`), the `obj/attr/attr:category` form the
 * attribute commands take, and turning a typeclass the builder typed into a
 * registered class (Evennia's `get_object_typeclass`), with a clear message when
 * it names nothing.
 */
import { activeSettings } from "../../../conf/active-settings.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { findTypeclass, type TypeclassConstructor } from "../../../typeclasses/registry.ts";
import { stripMarkup } from "../../../utils/text/markup.ts";

/** One `name;alias;alias:option` definition. */
export interface ObjectSpec {
  /** The name (left of the first `;`), trimmed; may be empty. */
  name: string;
  /** The aliases (between `;`s), trimmed, empty ones dropped. */
  aliases: string[];
  /** What follows the last `:` (a typeclass, a location ...), trimmed; null without `:`. */
  option: string | null;
}

/**
 * Parse `name;alias;alias:option`, as Evennia does: the option is what follows the
 * last `:`, the aliases what follows the first `;`.
 *
 *     parseObjectSpec("box;crate;chest:typeclasses.objects.Box")
 *     // { name: "box", aliases: ["crate", "chest"], option: "typeclasses.objects.Box" }
 */
export function parseObjectSpec(text: string): ObjectSpec {
  let rest = text.trim();
  let option: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    option = rest.slice(colon + 1).trim();
    rest = rest.slice(0, colon).trim();
  }
  const [name = "", ...aliases] = rest.split(";").map((part) => part.trim());
  return { name, aliases: aliases.filter(Boolean), option };
}

/**
 * Why `name` cannot be given to an object, or null when it can: a name must show
 * as some visible text on one line, not only colour codes and spaces (`|r|n`)
 * nor a line break (`|/`), which would make the object invisible or fake a line
 * of a room's description.
 */
export function objectNameProblem(name: string): string | null {
  const shown = stripMarkup(name);
  const quoted = `'${name.replace(/\|/g, "||")}'`;
  if (!shown.trim()) return `The name ${quoted} shows as nothing (only colour codes or spaces): give it some visible text.`;
  if (/[\r\n]/.test(shown)) return `The name ${quoted} holds a line break (||/): a name is one line.`;
  return null;
}

/** Parse each definition of a comma-split list (`lhslist`, `rhslist`). */
export function parseObjectSpecs(list: readonly string[]): ObjectSpec[] {
  return list.map(parseObjectSpec);
}

/** One `obj/attr/attr:category` definition (the attribute commands' form). */
export interface ObjectAttrSpec {
  /** The object's name (left of the first `/`). */
  name: string;
  /** Attribute names, lower-cased; a trailing `[key]` part keeps its case (`mydict['Key']`). */
  attrs: string[];
  /** What follows the last `:` (the attribute category), or null. */
  category: string | null;
}

/**
 * Parse `obj/attr/attr:category` as Evennia's `ObjManipCommand` does for
 * `set`, `cpattr`, `mvattr` and `wipe`: the attribute names are lower-cased
 * except for a `[key]` suffix indexing into a stored dict or list.
 */
export function parseObjectAttrSpec(text: string): ObjectAttrSpec {
  const spec = parseObjectSpec(text);
  // aliases are not part of this form: a `;` belongs to the name
  const full = [spec.name, ...spec.aliases].join(";");
  const slash = full.indexOf("/");
  if (slash < 0) return { name: full, attrs: [], category: spec.option };
  const attrs: string[] = [];
  for (const part of full.slice(slash + 1).split("/")) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const match = /^([^[]*)((?:\[[^\]]*\]\s*)+)?$/.exec(trimmed);
    if (!match) continue;
    attrs.push(match[1]!.trim().toLowerCase() + (match[2] ?? ""));
  }
  return { name: full.slice(0, slash).trim(), attrs, category: spec.option };
}

/** What kind of thing a building command makes, to pick the default typeclass. */
export type BuildKind = "object" | "room" | "exit" | "character";

/** The built-in class of each kind, used when the game's default is not registered. */
const FRAMEWORK_DEFAULTS: Record<BuildKind, string> = {
  object: "evennia.objects.DefaultObject",
  room: "evennia.objects.DefaultRoom",
  exit: "evennia.objects.DefaultExit",
  character: "evennia.objects.DefaultCharacter",
};

/**
 * Prefixes tried in front of a typeclass a builder typed, in order (Evennia's
 * `TYPECLASS_PATHS`): `rooms.Cave` finds `typeclasses.rooms.Cave`, `DefaultRoom`
 * finds `evennia.objects.DefaultRoom`.
 */
export const TYPECLASS_SEARCH_PREFIXES: readonly string[] = ["", "typeclasses.", "evennia.objects.", "evennia."];

/** A resolved typeclass: the class and the path it is registered under. */
export interface ResolvedTypeclass {
  cls: TypeclassConstructor<DefaultObject>;
  path: string;
}

/** The outcome of {@link resolveObjectTypeclass}: a class, or the message to show the builder. */
export type TypeclassLookup = { ok: true; typeclass: ResolvedTypeclass } | { ok: false; error: string };

function defaultPathFor(kind: BuildKind): string {
  const settings = activeSettings();
  const configured = {
    object: settings.baseObjectTypeclass,
    room: settings.baseRoomTypeclass,
    exit: settings.baseExitTypeclass,
    character: settings.baseCharacterTypeclass,
  }[kind];
  return configured && findTypeclass(configured) ? configured : FRAMEWORK_DEFAULTS[kind];
}

/**
 * The class to create for `requested` (what the builder typed after `:`), or for
 * `kind`'s default when nothing was asked for: the game's `base<Kind>Typeclass`
 * setting, else the framework's class. A name is tried as typed, then under each of
 * {@link TYPECLASS_SEARCH_PREFIXES}. Never throws: a name that finds nothing, or a
 * class that is not an in-world object (an account, a script), gives a message.
 */
export function resolveObjectTypeclass(requested: string | null | undefined, kind: BuildKind = "object"): TypeclassLookup {
  const wanted = requested?.trim() || defaultPathFor(kind);
  for (const prefix of TYPECLASS_SEARCH_PREFIXES) {
    const cls = findTypeclass(prefix + wanted);
    if (!cls) continue;
    if (cls !== (DefaultObject as unknown) && !(cls.prototype instanceof DefaultObject)) {
      return { ok: false, error: `Typeclass '${wanted}' is not an in-world object typeclass (its kind is ${cls.kind}).` };
    }
    return { ok: true, typeclass: { cls: cls as TypeclassConstructor<DefaultObject>, path: prefix + wanted } };
  }
  return { ok: false, error: `Typeclass '${wanted}' could not be found (no typeclass is registered under that path).` };
}

/** The short name of an object's class, as Evennia's `typename` ("DefaultRoom", "Room"). */
export function typenameOf(obj: DefaultObject): string {
  return obj.constructor.name;
}
