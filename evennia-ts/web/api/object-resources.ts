/**
 * The object resources: `objects` (every in-game entity), and `characters`,
 * `rooms` and `exits` (the objects whose typeclass is that class or a subclass).
 * Moves go through `moveTo` with its hooks (quietly, as a teleport), so a hook
 * can refuse one (409); unless the actor is an Admin, the object's `teleport` and
 * the place's `teleport_here` locks are checked first, as `teleport` checks them
 * (403). What a superuser account plays is changed and deleted by
 * a superuser only, as in the web admin.
 */
import type { Settings } from "../../conf/settings.ts";
import { hasPermission } from "../../locks/permissions.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { DefaultCharacter } from "../../typeclasses/characters.ts";
import { createObject } from "../../typeclasses/create.ts";
import { DefaultExit } from "../../typeclasses/exits.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { findTypeclass, registeredTypeclassPaths, typeclassPathOf, type TypeclassConstructor } from "../../typeclasses/registry.ts";
import { DefaultRoom } from "../../typeclasses/rooms.ts";
import { getById } from "../../typeclasses/search.ts";
import { badRequest, conflict, forbidden } from "./api-error.ts";
import { objectRef, text, type BodyField } from "./body-fields.ts";
import { idFilter, typedFilters, type ListFilter, type SqlCondition } from "./list-query.ts";
import { brief, briefSchema, sharedFields, type TypedResource } from "./typed-resource.ts";

/** Registered typeclass paths whose class is `base` or a subclass of it. */
function familyPaths(base: TypeclassConstructor): string[] {
  return registeredTypeclassPaths().filter((path) => {
    const cls = findTypeclass(path);
    return cls !== undefined && (cls === base || cls.prototype instanceof (base as unknown as new () => object));
  });
}

async function objectAt(id: number | null, field: string): Promise<DefaultObject | null> {
  if (id === null) return null;
  const o = await getById(id);
  if (!o || o.isDeleted) throw badRequest(`${field}: there is no object #${id}`);
  return o;
}

/**
 * As `teleport` (and `spawn` for a new object): unless the actor is an Admin, the
 * object's `teleport` lock (checked against the actor) and the place's
 * `teleport_here` lock (checked against the object) must let it go there.
 */
function assertMayTeleport(o: DefaultObject, place: DefaultObject | null, actor: DefaultAccount, moving: boolean): void {
  if (hasPermission(actor, "Admin")) return;
  if (moving && !o.access(actor, "teleport")) throw forbidden(`location: the teleport lock of ${o.dbref} blocks you from moving it`);
  if (place && !place.access(o, "teleport_here")) throw forbidden(`location: the teleport_here lock of ${place.dbref} keeps ${o.dbref} out`);
}

function objectFields(defaultTypeclass: string, destinationRequired: boolean): BodyField[] {
  return [
    ...sharedFields(),
    { name: "typeclass", type: text(255), description: `Typeclass path (default \`${defaultTypeclass}\`); changing it swaps the class in place.` },
    { name: "location", type: objectRef, description: "Where it is (an object id, or null); changing it moves it with the move hooks.", requiredOnPut: true },
    { name: "home", type: objectRef, description: "Its home (an object id, or null).", requiredOnPut: true },
    {
      name: "destination",
      type: objectRef,
      description: "Where it leads (exits; an object id, or null).",
      requiredOnPut: true,
      requiredOnCreate: destinationRequired,
    },
  ];
}

const objectFilters: ListFilter[] = [
  ...typedFilters("object", "key_lower"),
  idFilter("location", "location_id", "Is in this object (an id, or `none`)."),
  {
    name: "location_key",
    description: "Is in an object with this key (case-insensitive).",
    schema: { type: "string" },
    condition: (v) => ({ sql: "location_id IN (SELECT id FROM objects WHERE key_lower = ?)", params: [v.trim().toLowerCase()] }),
  },
  idFilter("home", "home_id", "Has this home (an id, or `none`)."),
  idFilter("destination", "destination_id", "Leads to this object (an id, or `none`)."),
  idFilter("account", "account_id", "Belongs to this account (an id, or `none`)."),
];

/** Options of one object resource. */
interface ObjectResourceSpec {
  name: string;
  noun: string;
  base: TypeclassConstructor<DefaultObject>;
  defaultTypeclass: string;
  destinationRequired?: boolean;
}

function objectResource(spec: ObjectResourceSpec): TypedResource<DefaultObject> {
  const whole = spec.base === (DefaultObject as unknown);
  return {
    name: spec.name,
    noun: spec.noun,
    kind: "object",
    keyColumn: "key_lower",
    scope(): SqlCondition | null {
      if (whole) return null;
      const paths = familyPaths(spec.base);
      if (paths.length === 0) return { sql: "1 = 0", params: [] };
      return { sql: `typeclass_path IN (${paths.map(() => "?").join(", ")})`, params: paths };
    },
    includes: (o) => o instanceof spec.base,
    filters: objectFilters,
    fields: objectFields(spec.defaultTypeclass, spec.destinationRequired ?? false),
    readOnly: ["account", "contents", "exits"],
    listPermission: "Builder",
    createPermission: "Builder",
    viewRule: { locks: ["examine"], fallback: "Builder" },
    changeRule: { locks: ["control", "edit"], fallback: "Admin" },
    deleteRule: { locks: ["delete"], fallback: "Admin" },
    summary: (o, base) => ({
      id: o.id,
      key: o.key,
      typeclass: o.typeclassPath,
      location: o.location?.id ?? null,
      home: o.home?.id ?? null,
      url: `${base}/${spec.name}/${o.id}`,
    }),
    detail: (o) => {
      const contents = o.contents;
      return {
        location: brief(o.location),
        home: brief(o.home),
        destination: brief(o.destination),
        account: o.account ? { id: o.account.id, username: o.account.username } : null,
        contents: contents.filter((c) => c.destination === null).map(brief),
        exits: contents.filter((c) => c.destination !== null).map(brief),
      };
    },
    detailSchema: {
      location: briefSchema,
      home: briefSchema,
      destination: briefSchema,
      account: { oneOf: [{ type: "object", properties: { id: { type: "integer" }, username: { type: "string" } } }, { type: "null" }] },
      contents: { type: "array", items: briefSchema },
      exits: { type: "array", items: briefSchema },
    },
    // as the web admin: what a superuser account plays is changed and deleted by a superuser only
    guard(o, actor, action) {
      if (o.account?.isSuperuser && !actor.isSuperuser) throw forbidden(`only a superuser may ${action} ${o.dbref}, which a superuser plays`);
    },
    async create(values, actor: DefaultAccount) {
      const given = values.get("typeclass") as string | undefined;
      // the settings' default, or the framework's class when the game registered none under that path
      const typeclass = given ?? (findTypeclass(spec.defaultTypeclass) ? spec.defaultTypeclass : typeclassPathOf(spec.base));
      const cls = findTypeclass(typeclass);
      if (!cls || !(cls === spec.base || cls.prototype instanceof (spec.base as unknown as new () => object))) {
        throw badRequest(`typeclass: "${typeclass}" is not a registered ${spec.noun} typeclass`);
      }
      const location = await objectAt((values.get("location") as number | null | undefined) ?? null, "location");
      const home = await objectAt((values.get("home") as number | null | undefined) ?? null, "home");
      const destination = await objectAt((values.get("destination") as number | null | undefined) ?? null, "destination");
      const o = await createObject(cls as TypeclassConstructor<DefaultObject>, { key: values.get("key") as string, location, home, destination });
      // the unit of work rolls the creation back when the place refuses it
      assertMayTeleport(o, location, actor, false);
      // as in-game creation: the creating account and Admins control, edit and delete it
      if (values.get("locks") === undefined) o.locks.add(DefaultObject.getDefaultLockstring({ account: actor, caller: null, obj: o }));
      return o;
    },
    async update(o, values, actor) {
      const key = values.get("key") as string | undefined;
      if (key !== undefined && key.trim() !== o.key) o.key = key;
      const typeclass = values.get("typeclass") as string | undefined;
      if (typeclass !== undefined && typeclass !== o.typeclassPath) {
        const cls = findTypeclass(typeclass);
        if (!cls || !(cls.prototype instanceof DefaultObject || cls === (DefaultObject as unknown))) throw badRequest(`typeclass: "${typeclass}" is not a registered object typeclass`);
        o.swapTypeclass(typeclass);
      }
      if (values.has("home")) o.home = await objectAt(values.get("home") as number | null, "home");
      if (values.has("destination")) o.destination = await objectAt(values.get("destination") as number | null, "destination");
      if (values.has("location")) {
        const target = await objectAt(values.get("location") as number | null, "location");
        if (target !== o.location) {
          if (target?.isDeleted === false && o.isAncestorOf(target)) throw badRequest(`location: ${o.key} cannot be moved into ${target.dbref}, which is inside it`);
          assertMayTeleport(o, target, actor, true);
          const moved = await o.moveTo(target, { quiet: true, moveType: "teleport", toNone: target === null, useDestination: false });
          if (!moved) throw conflict(`${o.dbref} was not moved: a move hook refused`);
        }
      }
    },
  };
}

/** The object resources, as the settings name their default typeclasses. */
export function objectResources(settings: Settings): TypedResource<DefaultObject>[] {
  return [
    objectResource({ name: "objects", noun: "object", base: DefaultObject as TypeclassConstructor<DefaultObject>, defaultTypeclass: settings.baseObjectTypeclass }),
    objectResource({ name: "characters", noun: "character", base: DefaultCharacter as TypeclassConstructor<DefaultObject>, defaultTypeclass: settings.baseCharacterTypeclass }),
    objectResource({ name: "rooms", noun: "room", base: DefaultRoom as TypeclassConstructor<DefaultObject>, defaultTypeclass: settings.baseRoomTypeclass }),
    objectResource({
      name: "exits",
      noun: "exit",
      base: DefaultExit as TypeclassConstructor<DefaultObject>,
      defaultTypeclass: settings.baseExitTypeclass,
      destinationRequired: true,
    }),
  ];
}
