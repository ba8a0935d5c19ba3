/**
 * `DefaultCharacter`: an object a player puppets. It is kept in memory (pinned)
 * while puppeted, with the room it stands in.
 */
import { DefaultObject, type ContentType, type MoveHookOptions } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A player-controlled object. */
export class DefaultCharacter extends DefaultObject {
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
