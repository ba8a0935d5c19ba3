/**
 * A script: game state and timers. Add your own hooks and properties here; every Script in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultScript, registerTypeclass } from "evennia-ts";

/** A script: game state and timers. */
export class Script extends DefaultScript {}

registerTypeclass("typeclasses.scripts.Script", Script);
