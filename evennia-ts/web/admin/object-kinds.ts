/**
 * The kinds the object list filters by — room, exit, character, thing — told
 * apart by typeclass as the building commands tell them (`/room`, `/exit`,
 * `/char`: the game's base typeclass of that kind, or a subclass of it). A thing
 * is any object that is none of the three.
 */
import { baseTypeclassOf, type WorldObjectType } from "../../commands/default/building/target-search.ts";
import { findTypeclass, registeredTypeclassPaths } from "../../typeclasses/registry.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";

/** The kinds of object the admin lists. */
export const OBJECT_KINDS = ["room", "exit", "character", "thing"] as const;
/** One of {@link OBJECT_KINDS}. */
export type ObjectKind = (typeof OBJECT_KINDS)[number];

const WORLD_TYPES: readonly WorldObjectType[] = ["room", "exit", "character"];

/** Every registered object typeclass path whose class is (or extends) the base class of `type`. */
export function typeclassPathsOf(type: WorldObjectType): string[] {
  const base = baseTypeclassOf(type);
  return registeredTypeclassPaths().filter((path) => {
    const cls = findTypeclass(path);
    return cls !== undefined && cls.kind === "object" && (cls === base || cls.prototype instanceof (base as unknown as abstract new () => object));
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
  for (const type of WORLD_TYPES) if (obj instanceof (baseTypeclassOf(type) as unknown as abstract new () => object)) return type;
  return "thing";
}
