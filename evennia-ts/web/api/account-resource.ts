/**
 * The `accounts` resource. Listing, creating, changing and deleting accounts
 * needs Admin (Evennia's account locks), and an Admin may never change a
 * superuser or an account ranked above them, nor give permissions above their
 * own. Passwords are write-only; the superuser flag is never writable here.
 */
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { findAccount } from "../../typeclasses/search.ts";
import type { WebServices } from "../web-context.ts";
import { requireAccountManager } from "./api-access.ts";
import { conflict, forbidden } from "./api-error.ts";
import { text, type BodyField } from "./body-fields.ts";
import { booleanFilter, typedFilters } from "./list-query.ts";
import { brief, briefSchema, sharedFields, type TypedResource } from "./typed-resource.ts";

const fields: BodyField[] = [
  ...sharedFields("username"),
  { name: "password", type: text(1000), description: "The password (write-only; checked by the account typeclass's rules).", requiredOnCreate: true, writeOnly: true },
];

async function assertNameFree(name: string, except: DefaultAccount | null): Promise<void> {
  const other = await findAccount(name);
  if (other && other !== except) throw conflict(`there is already an account named ${other.username}`);
}

/** The accounts resource; accounts are created the way `create` makes them in-game (with a character, as the settings say). */
export function accountResource(services: WebServices): TypedResource<DefaultAccount> {
  return {
    name: "accounts",
    noun: "account",
    kind: "account",
    keyColumn: "username_lower",
    scope: () => null,
    includes: (o) => o instanceof DefaultAccount,
    filters: [
      ...typedFilters("account", "username_lower").map((f) => (f.name === "db_key" ? { ...f, name: "username", description: "The account name, exactly (case-insensitive)." } : f)),
      booleanFilter("is_superuser", "is_superuser", "Is (or is not) the superuser."),
    ],
    fields,
    readOnly: ["key", "isSuperuser", "isConnected", "lastLogin", "characters"],
    listPermission: "Admin",
    createPermission: "Admin",
    viewRule: { locks: ["examine"], fallback: "Admin" },
    changeRule: { locks: ["edit", "control"], fallback: "Admin" },
    deleteRule: { locks: ["delete"], fallback: "Admin" },
    summary: (a, base) => ({ id: a.id, username: a.username, typeclass: a.typeclassPath, isSuperuser: a.isSuperuser, url: `${base}/accounts/${a.id}` }),
    detail: (a) => ({
      username: a.username,
      isSuperuser: a.isSuperuser,
      isConnected: a.isConnected,
      lastLogin: a.lastLogin?.toISOString() ?? null,
      characters: a.characters.map(brief),
    }),
    detailSchema: {
      username: { type: "string" },
      isSuperuser: { type: "boolean" },
      isConnected: { type: "boolean" },
      lastLogin: { type: ["string", "null"], format: "date-time" },
      characters: { type: "array", items: briefSchema },
    },
    guard: (a, actor, action) => {
      // as `accounts/delete` in game and the web admin: never the account one is logged in with
      if (action === "delete" && a === actor) throw forbidden("you cannot delete your own account while logged in with it");
      requireAccountManager(actor, a, action === "delete" ? "delete" : "change");
    },
    async create(values) {
      const username = DefaultAccount.validateUsername(values.get("username") as string);
      await assertNameFree(username, null);
      return services.createAccount(username, values.get("password") as string);
    },
    async update(a, values) {
      const username = values.get("username") as string | undefined;
      if (username !== undefined && username.trim() !== a.username) {
        const name = DefaultAccount.validateUsername(username);
        await assertNameFree(name, a);
        a.username = name;
      }
      const password = values.get("password") as string | undefined;
      if (password !== undefined) {
        (a.constructor as typeof DefaultAccount).validatePassword(password);
        await a.setPassword(password);
      }
    },
  };
}
