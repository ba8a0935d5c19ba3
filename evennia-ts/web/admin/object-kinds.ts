/**
 * The kinds the object list filters by — room, exit, character, thing — told
 * apart by typeclass: a room is a `DefaultRoom` or a subclass of it (the game's
 * own `Room` included), and so on; a thing is any object that is none of the
 * three.
 */
import { DefaultCharacter } from "../../typeclasses/characters.ts";
import { DefaultExit } from "../../typeclasses/exits.ts";
import { findTypeclass, registeredTypeclassPaths } from "../../typeclasses/registry.ts";
import { DefaultRoom } from "../../typeclasses/rooms.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";

/** The kinds of object the admin lists. */
export const OBJECT_KINDS = ["room", "exit", "character", "thing"] as const;
/** One of {@link OBJECT_KINDS}. */
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** The kinds other than "thing". */
type WorldKind = Exclude<ObjectKind, "thing">;
const WORLD_TYPES: readonly WorldKind[] = ["room", "exit", "character"];
const BASE_CLASSES: Record<WorldKind, abstract new (...args: never[]) => object> = { room: DefaultRoom, exit: DefaultExit, character: DefaultCharacter };

/** Every registered object typeclass path whose class is (or extends) the framework's class of `type`. */
export function typeclassPathsOf(type: WorldKind): string[] {
  const base = BASE_CLASSES[type];
  return registeredTypeclassPaths().filter((path) => {
    const cls = findTypeclass(path);
    return cls !== undefined && cls.kind === "object" && (cls === (base as unknown) || cls.prototype instanceof base);
  });
}

/** How an object list query picks out one kind: a condition on `column` (the typeclass path) and its parameters. */
export function kindCondition(kind: ObjectKind, column: string): { sql: string; params: string[] } {
  if (kind !== "thing") {
    const paths = typeclassPathsOf(kind);
    return paths.length ? { sql: `${column} IN (${paths.map(() => "?").join(", ")})`, params: paths } : { sql: "1 = 0", params: [] };
  }
  const others = WORLD_TYPES.flatMap((type) => typeclassPathsOf(type));
  return others.length ? { sql: `${column} NOT IN (${others.map(() => "?").join(", ")})`, params: others } : { sql: "1 = 1", params: [] };
}

/** The kind of a loaded object. */
export function kindOf(obj: TypedObject): ObjectKind {
  for (const type of WORLD_TYPES) if (obj instanceof BASE_CLASSES[type]) return type;
  return "thing";
}
