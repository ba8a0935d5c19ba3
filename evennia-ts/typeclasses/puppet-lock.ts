/**
 * One puppeting change at a time per account. `puppetObject` checks that a character
 * is free and that a puppet slot is left, then awaits hooks before it takes the
 * character; two sessions of one account doing that at once (two `ic`, a login's
 * auto-puppet beside an `ic`, the character-creation menu's "play it now") would both
 * pass the checks. Every puppeting path runs through {@link onePuppetingAtATime}.
 *
 * Re-entrant: work already holding the account's turn (a hook that puppets again, `ic`
 * calling `puppetObject`) runs at once. A callback that outlives the holder (a timer
 * set inside a hook) queues like anyone else.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DefaultAccount } from "./accounts.ts";

/** The end of the queue of puppeting work of each account that has any. */
const tails = new WeakMap<DefaultAccount, Promise<unknown>>();
/** The turn each account's running work holds. */
const holders = new WeakMap<DefaultAccount, symbol>();
/** The turns the current async context holds. */
const held = new AsyncLocalStorage<ReadonlyMap<DefaultAccount, symbol>>();

/** Run `work` once the account's earlier puppeting work has finished (at once when this context holds its turn). */
export async function onePuppetingAtATime<T>(account: DefaultAccount, work: () => Promise<T>): Promise<T> {
  const mine = held.getStore();
  const token = mine?.get(account);
  if (token !== undefined && holders.get(account) === token) return work();
  const turn = Symbol("puppeting turn");
  const context = new Map(mine ?? []);
  context.set(account, turn);
  const start = () => {
    holders.set(account, turn);
    return held.run(context, work);
  };
  const before = tails.get(account) ?? Promise.resolve();
  const run = before.then(start, start);
  tails.set(account, run);
  try {
    return await run;
  } finally {
    if (holders.get(account) === turn) holders.delete(account);
    if (tails.get(account) === run) tails.delete(account);
  }
}
