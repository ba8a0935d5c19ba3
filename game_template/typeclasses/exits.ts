/**
 * An exit from one room to another. Add your own hooks and properties here; every Exit in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultExit, registerTypeclass } from "evennia-ts";

/** An exit from one room to another. */
export class Exit extends DefaultExit {}

registerTypeclass("typeclasses.exits.Exit", Exit);
