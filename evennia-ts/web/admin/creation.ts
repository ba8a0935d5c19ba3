/**
 * What the web admin creates, each the way its in-game command creates it:
 * objects as `create/drop` (the typeclass resolved as `create` resolves it, the
 * creation hooks, the builder's account in the default locks, then a quiet move
 * into the location with its move hooks), accounts as the `create` login command
 * (`services.createAccount`: the name and password rules, the account hooks) and
 * scripts as `scripts <obj> = [key:]path` or, without an object, as a global script
 * of `scripts key:path`. Call these inside `services.runInUnit`, so a refusal halfway
 * (a move hook saying no) leaves nothing behind.
 */
import { resolveObjectTypeclass } from "../../commands/default/building/object-spec.ts";
import { checkLockString } from "../../locks/lock-handler.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { createObject, createScript } from "../../typeclasses/create.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { findTypeclass } from "../../typeclasses/registry.ts";
import { DefaultScript } from "../../typeclasses/scripts.ts";
import { sessionRegistry } from "../../typeclasses/sessions.ts";
import type { Store } from "../../typeclasses/store.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { AdminRequestError } from "./admin-http.ts";
import { cleanName } from "./typed-changes.ts";

/** The lock the `create` command has: who may create objects. */
const CREATE_LOCK = "perm(create) or perm(Builder)";

/** The object a `#dbref` typed in a form names (null for an empty field), or a 400. */
export async function objectFromField(store: Store, text: string, what: string): Promise<DefaultObject | null> {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const id = /^#?(\d{1,15})$/.exec(trimmed);
  if (!id) throw new AdminRequestError(400, `The ${what} is given as a #dbref, not '${trimmed}'.`);
  const obj = await store.get("object", Number(id[1]));
  if (!(obj instanceof DefaultObject) || obj.isDeleted) throw new AdminRequestError(400, `The ${what} #${id[1]} is not an object.`);
  return obj;
}

/** What the admin fills in to create an object. */
export interface NewObjectFields {
  key: string;
  /** A typeclass path as `create` takes it after `:`; empty for the `baseObjectTypeclass` setting. */
  typeclass: string;
  /** `#dbref` of where it goes; empty for nowhere (a room). */
  location: string;
  /** `#dbref` of its home; empty for the location (or, without one, the default home). */
  home: string;
}

/** Create an object as `create/drop` would, where the admin says; returns it. */
export async function createObjectAs(store: Store, actor: DefaultAccount, fields: NewObjectFields): Promise<DefaultObject> {
  if (!checkLockString(actor, CREATE_LOCK)) throw new AdminRequestError(403, "You don't have permission to create objects.");
  const key = cleanName(fields.key, "object name");
  const found = resolveObjectTypeclass(fields.typeclass, "object");
  if (!found.ok) throw new AdminRequestError(400, found.error);
  const location = await objectFromField(store, fields.location, "location");
  const home = (await objectFromField(store, fields.home, "home")) ?? location ?? (await sessionRegistry()?.defaultHome()) ?? null;
  const obj = await createObject(found.typeclass.cls, { key, home });
  obj.locks.add((found.typeclass.cls as unknown as typeof DefaultObject).getDefaultLockstring({ account: actor, caller: null, obj }));
  obj.db.creator_id = actor.id;
  if (location && !(await obj.moveTo(location, { quiet: true, moveType: "drop", useDestination: false }))) {
    throw new AdminRequestError(409, `${key} was not created: moving it into ${location.key}(${location.dbref}) was refused by a move hook.`);
  }
  return obj;
}

/** What the admin fills in to create a script. */
export interface NewScriptFields {
  /** A registered script typeclass path. */
  typeclass: string;
  /** The key; empty for the typeclass's own. */
  key: string;
  /** `#dbref` of the object it goes on; empty for a global script. */
  obj: string;
}

/** Create a script as the `scripts` command does (on an object, or global), started; returns it. */
export async function createScriptAs(store: Store, fields: NewScriptFields): Promise<DefaultScript> {
  const path = fields.typeclass.trim();
  if (!path) throw new AdminRequestError(400, "A script needs a typeclass path.");
  const cls = findTypeclass(path);
  if (!cls || !(cls === (DefaultScript as unknown) || cls.prototype instanceof DefaultScript)) {
    throw new AdminRequestError(400, `'${path}' is not a registered script typeclass.`);
  }
  const key = fields.key.trim() ? cleanName(fields.key, "script key") : undefined;
  const obj = await objectFromField(store, fields.obj, "object");
  try {
    return obj ? await obj.scripts.add(path, { key }) : await createScript<DefaultScript>(path, { key });
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
    throw err;
  }
}
