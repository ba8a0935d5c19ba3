/**
 * `DefaultCharacter`: an object a player puppets. It is kept in memory (pinned)
 * while puppeted, with the room it stands in.
 */
import type { DefaultAccount } from "./accounts.ts";
import { DefaultObject, type ContentType, type MoveHookOptions } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A player-controlled object. */
export class DefaultCharacter extends DefaultObject {
  /** Nobody picks a character up or calls commands on it from outside; only Admins teleport it (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("get:false();call:false();teleport:perm(Admin);teleport_here:perm(Admin)");
  }

  /**
   * A character made for an account: the character itself, that account and
   * Developers puppet it; the account and Admins edit and delete it.
   */
  static override getDefaultLockstring(who: { account?: DefaultAccount | null; caller?: DefaultObject | null; obj: DefaultObject }): string {
    const pid = who.account ? `pid(${who.account.id})` : null;
    const puppet = [pid, `id(${who.obj.id})`, "perm(Developer)", "pperm(Developer)"].filter(Boolean).join(" or ");
    const owners = [pid, "perm(Admin)"].filter(Boolean).join(" or ");
    return `puppet:${puppet};delete:${owners};edit:${owners}`;
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

  /** Hook: a session started puppeting this character. */
  async atPostPuppet(): Promise<void> {
    const location = this.location;
    if (location) location.msgContents(`${this.key} has entered the game.`, { exclude: [this] });
  }

  /** Hook: the last session stopped puppeting this character. */
  async atPostUnpuppet(): Promise<void> {
    const location = this.location;
    if (location) location.msgContents(`${this.key} has left the game.`, { exclude: [this] });
  }
}

registerTypeclass("evennia.objects.DefaultCharacter", DefaultCharacter);
