/**
 * A player's account. Add your own hooks and properties here; every Account in the game
 * (new and existing) uses this class after the next reload.
 */
import { DefaultAccount, DefaultGuest, registerTypeclass, type Session } from "evennia-ts";

/** A player's account. */
export class Account extends DefaultAccount {
  /** The prompt after each command: who you play and where (telnet marks it with EOR or GA). */
  override getPrompt(session: Session): string | null {
    const puppet = session.puppet;
    if (!puppet) return `|w${this.key}|n (OOC) > `;
    return `|c${puppet.key}|n @ |w${puppet.location?.key ?? "nowhere"}|n > `;
  }
}

/** A guest account (setting `guestEnabled`): deleted with its character when the guest leaves. */
export class Guest extends DefaultGuest {}

registerTypeclass("typeclasses.accounts.Account", Account);
registerTypeclass("typeclasses.accounts.Guest", Guest);
