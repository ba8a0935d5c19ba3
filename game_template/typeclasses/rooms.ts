/**
 * A room. Add your own hooks and properties here; every Room in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultRoom, registerTypeclass } from "evennia-ts";

/** A room. */
export class Room extends DefaultRoom {}

registerTypeclass("typeclasses.rooms.Room", Room);
