/**
 * A communication channel. Add your own hooks and properties here; every Channel in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultChannel, registerTypeclass } from "evennia-ts";

/** A communication channel. */
export class Channel extends DefaultChannel {}

registerTypeclass("typeclasses.channels.Channel", Channel);
