/**
 * A character a player puppets. Add your own hooks and properties here; every Character in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultCharacter, registerTypeclass } from "evennia-ts";

/** A character a player puppets. */
export class Character extends DefaultCharacter {}

registerTypeclass("typeclasses.characters.Character", Character);
