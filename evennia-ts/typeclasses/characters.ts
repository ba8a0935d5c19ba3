/**
 * `DefaultCharacter`: an object a player puppets. It is kept in memory (pinned)
 * while puppeted, with the room it stands in. When its last session leaves it is
 * taken out of the world (remembering where it was) and comes back there when
 * puppeted again, as in Evennia.
 */
import type { DefaultAccount } from "./accounts.ts";
import { DefaultObject, type ContentType, type MoveHookOptions, type ObjectSession } from "./objects.ts";
import { activeSettings } from "../conf/active-settings.ts";
import { findTypeclass, registerTypeclass } from "./registry.ts";
import { search } from "./search.ts";
import { sessionRegistry, type Session } from "./sessions.ts";

/**
 * Whether a character (of any character typeclass) already has `name` as its key,
 * case-insensitive: what Evennia's `filter_family(db_key__iexact=name)` asks. Characters
 * created in this unit and not committed yet count.
 */
export async function characterNameTaken(name: string): Promise<boolean> {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return false;
  const found = await search({ key: wanted });
  return found.some((o) => o instanceof DefaultCharacter && o.key.toLowerCase() === wanted);
}

/**
 * The class a player's new character is made of: `path` (default: the setting
 * `baseCharacterTypeclass`) when it names `DefaultCharacter` or a subclass, else `DefaultCharacter`.
 */
export function characterTypeclass(path = activeSettings().baseCharacterTypeclass): typeof DefaultCharacter {
  const found = findTypeclass(path);
  return found && (found === DefaultCharacter || found.prototype instanceof DefaultCharacter) ? (found as typeof DefaultCharacter) : DefaultCharacter;
}

/** A player-controlled object. */
export class DefaultCharacter extends DefaultObject {
  /** Nobody picks a character up or calls commands on it from outside; only Admins teleport it (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("get:false();call:false();teleport:perm(Admin);teleport_here:perm(Admin)");
  }

  /**
   * A character made for an account: that account and Developers puppet it; the account
   * and Admins edit and delete it. (Evennia also lets `id(<character>)` puppet it; the one
   * asking is an account, and an account whose id is the character's number passed.)
   */
  static override getDefaultLockstring(who: { account?: DefaultAccount | null; caller?: DefaultObject | null; obj: DefaultObject }): string {
    const pid = who.account ? `pid(${who.account.id})` : null;
    const puppet = [pid, "perm(Developer)", "pperm(Developer)"].filter(Boolean).join(" or ");
    const owners = [pid, "perm(Admin)"].filter(Boolean).join(" or ");
    return `puppet:${puppet};delete:${owners};edit:${owners}`;
  }

  /**
   * Hook (Evennia's `validate_name`): why `name` cannot be the name of a new player character
   * of this class (for `account`, or for an account being created when null), or null. Asked
   * by `charcreate`, its menu, the website and account creation with
   * `autoCreateCharacterWithAccount`. By default a name another character already has is
   * refused, whoever owns it, so that nobody plays under another player's name. Override to
   * add rules (or, returning null, to allow shared names).
   */
  static async validateName(name: string, _account?: DefaultAccount | null): Promise<string | null> {
    if (await characterNameTaken(name)) return `|rA character named '|w${name.trim()}|r' already exists.|n`;
    return null;
  }

  override get contentType(): ContentType {
    return "character";
  }

  /** After a move, a puppeted character looks around (as in Evennia). */
  override async atPostMove(source: DefaultObject | null, options: MoveHookOptions): Promise<void> {
    await super.atPostMove(source, options);
    const location = this.location;
    if (location && this.hasSessions) this.msg({ text: [location.returnAppearance(this), { type: "look" }] });
  }

  /**
   * Hook: before puppeting, a character out of the world comes back where it
   * left (`db.prelogout_location`), else home, else the default home.
   */
  override async atPrePuppet(account: DefaultAccount, session?: ObjectSession): Promise<void> {
    if (!this.location) {
      const back = this.db.prelogout_location;
      const target = back instanceof DefaultObject && !back.isDeleted ? back : (this.home ?? (await sessionRegistry()?.defaultHome()) ?? null);
      // as Evennia sets the location directly: no move hooks, no announcement
      if (target) await this.moveTo(target, { quiet: true, moveHooks: false, moveType: "teleport" });
    }
    if (this.location) this.db.prelogout_location = this.location;
    else account.msg(`|r${this.key} has no location and no home is set.|n`, { session: (session as Session | undefined) ?? null });
  }

  /** Hook: after puppeting, "You become ...", a look around, and the room hears of it. */
  override async atPostPuppet(): Promise<void> {
    this.msg(`|gYou become |c${this.key}|g.|n`);
    const location = this.location;
    if (!location) return;
    this.msg({ text: [location.returnAppearance(this), { type: "look" }] });
    location.msgContents(`${this.key} has entered the game.`, { exclude: [this] });
  }

  /**
   * Hook: when the last session has left, the room hears of it and the character
   * is taken out of the world, remembering where it was.
   */
  override async atPostUnpuppet(_account: DefaultAccount | null, _session?: ObjectSession): Promise<void> {
    if (this.hasSessions) return;
    const location = this.location;
    if (!location) return;
    location.msgContents(`${this.key} has left the game.`, { exclude: [this] });
    this.db.prelogout_location = location;
    this.location = null;
  }
}

registerTypeclass("evennia.objects.DefaultCharacter", DefaultCharacter);
