/**
 * A player's account. Add your own hooks and properties here; every Account in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultAccount, registerTypeclass } from "evennia-ts";

/** A player's account. */
export class Account extends DefaultAccount {}

registerTypeclass("typeclasses.accounts.Account", Account);
