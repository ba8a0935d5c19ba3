/**
 * The `scripts` resource. Scripts have no default locks, so reading one needs
 * Builder and changing or deleting one Admin (unless its own `examine`, `edit`,
 * `control` or `delete` locks say otherwise). Creating starts the script unless
 * `autostart` is false; deleting stops it. Timer fields are set only at creation.
 * A script is attached only to an object whose `examine` lock the creator passes,
 * and only to one's own account or one the creator may manage (Admin, never a
 * superuser or a higher rank).
 */
import { createScript } from "../../typeclasses/create.ts";
import { DefaultScript } from "../../typeclasses/scripts.ts";
import { getById } from "../../typeclasses/search.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { passesLocks, requireAccountManager } from "./api-access.ts";
import { badRequest, forbidden } from "./api-error.ts";
import { flag, objectRef, text, wholeNumber, type BodyField } from "./body-fields.ts";
import { booleanFilter, idFilter, integerParam, typedFilters } from "./list-query.ts";
import { brief, briefSchema, sharedFields, type TypedResource } from "./typed-resource.ts";

const fields: BodyField[] = [
  ...sharedFields(),
  { name: "description", type: text(2000, true), description: "What it does (shown by `scripts`)." },
  { name: "typeclass", type: text(255), description: "Script typeclass path (default the base script).", createOnly: true },
  { name: "obj", type: objectRef, description: "The object it runs on (an id; none: a global script).", createOnly: true },
  { name: "account", type: objectRef, description: "The account it runs on (an account id).", createOnly: true },
  { name: "interval", type: wholeNumber(0, 10_000_000), description: "Seconds between `atRepeat` calls (0: none).", createOnly: true },
  { name: "repeats", type: wholeNumber(0, 1_000_000_000), description: "Times to repeat (0: no limit).", createOnly: true },
  { name: "startDelay", type: flag, description: "Wait one interval before the first repeat.", createOnly: true },
  { name: "persistent", type: flag, description: "Survive reloads and restarts (default true).", createOnly: true },
  { name: "autostart", type: flag, description: "Start at once (default true).", createOnly: true },
];

/** Who may attach a script to an object: whoever may examine it through the API. */
const ATTACH_TO_OBJECT = { locks: ["examine"], fallback: "Builder" } as const;

/** The scripts resource. */
export function scriptResource(): TypedResource<DefaultScript> {
  return {
    name: "scripts",
    noun: "script",
    kind: "script",
    keyColumn: "key",
    scope: () => null,
    includes: (o) => o instanceof DefaultScript,
    filters: [
      ...typedFilters("script", "LOWER(key)"),
      idFilter("obj", "obj_id", "Runs on this object (an id, or `none`)."),
      idFilter("account", "account_id", "Runs on this account (an id, or `none`)."),
      booleanFilter("is_active", "is_active", "Is (or is not) running."),
      booleanFilter("persistent", "persistent", "Survives (or not) reloads."),
      {
        name: "interval",
        description: "Repeats every this many seconds.",
        schema: { type: "integer", minimum: 0 },
        condition: (v) => {
          return { sql: '"interval" = ?', params: [integerParam("interval", v, 0, 1_000_000_000)] };
        },
      },
    ],
    fields,
    readOnly: ["isActive", "isPaused"],
    listPermission: "Builder",
    createPermission: "Builder",
    viewRule: { locks: ["examine"], fallback: "Builder" },
    changeRule: { locks: ["control", "edit"], fallback: "Admin" },
    deleteRule: { locks: ["delete"], fallback: "Admin" },
    summary: (s, base) => ({
      id: s.id,
      key: s.key,
      typeclass: s.typeclassPath,
      obj: s.obj?.id ?? null,
      account: s.account?.id ?? null,
      interval: s.interval,
      isActive: s.isActive,
      url: `${base}/scripts/${s.id}`,
    }),
    detail: (s) => ({
      description: s.description,
      obj: brief(s.obj),
      account: s.account ? { id: s.account.id, key: s.account.key } : null,
      interval: s.interval,
      repeats: s.repeats,
      startDelay: s.startDelay,
      persistent: s.persistent,
      isActive: s.isActive,
      isPaused: s.isPaused,
    }),
    detailSchema: {
      description: { type: "string" },
      obj: briefSchema,
      account: briefSchema,
      interval: { type: "integer" },
      repeats: { type: "integer" },
      startDelay: { type: "boolean" },
      persistent: { type: "boolean" },
      isActive: { type: "boolean" },
      isPaused: { type: "boolean" },
    },
    async create(values, actor) {
      const objId = values.get("obj") as number | null | undefined;
      const obj = objId ? await getById(objId) : null;
      if (objId && (!obj || obj.isDeleted)) throw badRequest(`obj: there is no object #${objId}`);
      // a script runs its code on what it is attached to: never on what the creator may not even examine
      if (obj && !passesLocks(obj, actor, ATTACH_TO_OBJECT)) throw forbidden(`you may not attach a script to ${obj.dbref} (needs its examine lock)`);
      const accountId = values.get("account") as number | null | undefined;
      const account = accountId ? await getById<DefaultAccount>(accountId, "account") : null;
      if (accountId && (!account || account.isDeleted)) throw badRequest(`account: there is no account #${accountId}`);
      if (account && account !== actor) requireAccountManager(actor, account, "attach a script to");
      return createScript(values.get("typeclass") as string | undefined, {
        key: values.get("key") as string,
        obj,
        account,
        description: values.get("description") as string | undefined,
        interval: values.get("interval") as number | undefined,
        repeats: values.get("repeats") as number | undefined,
        startDelay: values.get("startDelay") as boolean | undefined,
        persistent: values.get("persistent") as boolean | undefined,
        autostart: values.get("autostart") as boolean | undefined,
      });
    },
    async update(s, values) {
      const key = values.get("key") as string | undefined;
      if (key !== undefined && key.trim() !== s.key) s.key = key;
      const description = values.get("description") as string | undefined;
      if (description !== undefined) s.description = description;
    },
  };
}
