/**
 * A thing in the world. Add your own hooks and properties here; every Object in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultObject, registerTypeclass } from "evennia-ts";

/** A thing in the world. */
export class Object extends DefaultObject {}

registerTypeclass("typeclasses.objects.Object", Object);
