/**
 * `DefaultGuest`: a throw-away account for visitors (`connect guest`, when the
 * setting `guestEnabled` is on). Guests take the first free name of `guestList`,
 * always get a character (in `guestStartLocation`, with home `guestHome`) which
 * they puppet at login, and are deleted with their characters when they log out
 * (and at the next cold start, should the server have stopped without that).
 */
import { randomBytes } from "node:crypto";
import { activeSettings } from "../conf/active-settings.ts";
import { EvenniaError } from "../utils/errors.ts";
import { DefaultAccount } from "./accounts.ts";
import { DefaultObject } from "./objects.ts";
import { findTypeclass, registerTypeclass } from "./registry.ts";
import { sessionRegistry, type Session } from "./sessions.ts";
import { getStore } from "./store-context.ts";

/** Resolve a `#dbref` setting to an object, or null when empty or missing. */
async function objectFromDbref(dbref: string): Promise<DefaultObject | null> {
  const id = Number(dbref.replace(/^#/, ""));
  if (!dbref || !Number.isInteger(id) || id <= 0) return null;
  const obj = await getStore().get("object", id);
  return obj instanceof DefaultObject && !obj.isDeleted ? obj : null;
}

/** A guest account: deleted, with its characters, when it logs out. */
export class DefaultGuest extends DefaultAccount {
  /**
   * Make a guest account with a free name from `guestList`, and its character.
   * Throws `EV_ERR_BAD_INPUT` (a message for the player) when guests are off or
   * every guest name is in use.
   */
  static async createGuest(ip = ""): Promise<DefaultGuest> {
    const settings = activeSettings();
    if (!settings.guestEnabled) throw new EvenniaError("EV_ERR_BAD_INPUT", "Guest accounts are not enabled on this server.");
    const store = getStore();
    let username: string | null = null;
    for (const name of settings.guestList) {
      const taken = await store.db.query("SELECT id FROM accounts WHERE username_lower = ?", [name.toLowerCase()]);
      const pending = store.pendingChanges("account").some((a) => (a as DefaultAccount).username.toLowerCase() === name.toLowerCase());
      if (taken.length === 0 && !pending) {
        username = name;
        break;
      }
    }
    if (!username) throw new EvenniaError("EV_ERR_BAD_INPUT", "All guest accounts are in use. Please try again later.");
    const path = findTypeclass(settings.baseGuestTypeclass) ? settings.baseGuestTypeclass : "evennia.accounts.DefaultGuest";
    const cls = findTypeclass(path) as unknown as typeof DefaultGuest;
    const guest = (await cls.create({
      username,
      password: randomBytes(12).toString("hex"),
      permissions: [settings.permissionGuestDefault],
      typeclass: path,
      ip,
      guest: true,
    })) as DefaultGuest;
    if (!(guest instanceof DefaultGuest)) throw new EvenniaError("EV_ERR_TYPECLASS", `${path} is not a guest typeclass`);
    return guest;
  }

  /** Guests have no name rules: their names come from the settings. */
  override async createCharacter(options: Parameters<DefaultAccount["createCharacter"]>[0] = {}): Promise<DefaultObject> {
    const settings = activeSettings();
    const registry = sessionRegistry();
    const home = (await objectFromDbref(settings.guestHome)) ?? (await registry?.defaultHome()) ?? null;
    const location = (await objectFromDbref(settings.guestStartLocation)) ?? (await registry?.startLocation()) ?? home;
    return super.createCharacter({ home, location, ...options });
  }

  /** A guest has exactly one character, whatever `maxNrCharacters` says. */
  override getCharacterSlots(): number | null {
    return 1;
  }

  /** Guests always puppet their character; there is no choice to make. */
  override async atPostLogin(session?: Session): Promise<void> {
    if (!session) return;
    this.msg(`|gWelcome to ${activeSettings().serverName}, ${this.key}! You are a guest: your character is deleted when you leave.|n`, { session });
    const character = this.lastPuppet ?? this.characters[0] ?? null;
    if (character) await this.puppetObject(session, character);
    else this.msg("The Character does not exist.", { session });
  }

  /** When the guest's last session has left: delete its characters and the account. */
  override async atPostDisconnect(session?: Session): Promise<void> {
    await super.atPostDisconnect(session);
    if (this.isConnected) return;
    await this.deleteWithCharacters();
  }

  /** Delete this guest and its characters. */
  async deleteWithCharacters(): Promise<void> {
    for (const character of this.characters) await character.delete();
    await this.delete();
  }
}

/**
 * Delete every guest account left in the database (with their characters): at a
 * cold start no guest can be logged in. Returns how many were deleted.
 */
export async function purgeGuests(): Promise<number> {
  const settings = activeSettings();
  const paths = [...new Set([settings.baseGuestTypeclass, "evennia.accounts.DefaultGuest"])];
  const store = getStore();
  const guests = await store.where("account", `typeclass_path IN (${paths.map(() => "?").join(", ")})`, paths);
  let n = 0;
  for (const guest of guests) {
    if (guest instanceof DefaultGuest) {
      await guest.deleteWithCharacters();
      n++;
    }
  }
  return n;
}

registerTypeclass("evennia.accounts.DefaultGuest", DefaultGuest);
