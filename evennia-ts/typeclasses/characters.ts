/**
 * `DefaultCharacter`: an object a player puppets. It is kept in memory (pinned)
 * while puppeted, with the room it stands in.
 */
import { DefaultObject, type ContentType } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A player-controlled object. */
export class DefaultCharacter extends DefaultObject {
  override get contentType(): ContentType {
    return "character";
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
