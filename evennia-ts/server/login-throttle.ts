/**
 * Fair login throttling. Failed logins are counted, in a sliding window, three ways:
 *
 * - **per address**: past `perIp` failures, that address may not try any account
 *   until its failures age out of the window;
 * - **per account per address**: past `perAccountPerIp` failures for one account from
 *   one address, that address may not try that account (others still may);
 * - **per account, all addresses together**: past `accountDelayAfter` failures, every
 *   attempt for that account waits before it is checked — 1 s, then doubling with each
 *   further failure, at most `delayMaxSeconds`. It is never refused for this: the
 *   owner with the right password, from a fresh address, gets in after the wait.
 *
 * A successful login clears that account's counts (the address's own count stays).
 * Attempts in flight count too: an attempt admitted with {@link LoginThrottle.admit}
 * holds a place against the address's limits until it is recorded as failed or
 * succeeded (or {@link LoginThrottle.release}d, or {@link IN_FLIGHT_MAX_MS} passed),
 * so many connections trying passwords at the same moment — each password check is
 * slow and awaited — get no more checks than the address is allowed.
 *
 * Admins list and clear throttles (`throttles`, `throttles/clear`). Memory is bounded:
 * each table keeps at most `maxEntries` keys, oldest first out, and expired times are
 * pruned as they are read.
 */

/** Limits of the throttle (settings `loginAttemptsPerIp`, `loginAttemptsPerAccount`, ...). */
export interface LoginThrottleOptions {
  /** Failures from one address before it is refused (0 = no limit). */
  perIp: number;
  /** Failures for one account from one address before that pair is refused (0 = no limit). */
  perAccountPerIp: number;
  /** Failures for one account from every address together before attempts for it are delayed (0 = never). */
  accountDelayAfter: number;
  /** Longest delay, in seconds. */
  delayMaxSeconds: number;
  /** Window of every count, in seconds. */
  windowSeconds: number;
  /** Keys kept at most per table (oldest dropped first). */
  maxEntries?: number;
}

/** What a login attempt may do now. */
export interface LoginVerdict {
  /** Why the attempt is refused (shown to the player), or null. */
  refused: string | null;
  /** Ms to wait before checking the password (0: none). */
  delayMs: number;
}

/** One throttle, as admins see it. */
export interface ThrottleEntry {
  /** `address`, `account` (delayed, every address) or `account@address`. */
  kind: "address" | "account" | "account@address";
  /** The address, the account name, or `name@address`. */
  key: string;
  /** Failures in the window. */
  failures: number;
  /** What it does now: `refused`, `delayed 4 s`, or `counting`. */
  effect: string;
  /** Seconds until the oldest failure ages out. */
  secondsLeft: number;
}

/** The texts players get. */
export const LOGIN_THROTTLE_TEXTS = {
  address: "Too many failed login attempts from your address. Please wait a while before trying again.",
  account: "Too many failed login attempts for this account from your address. Please wait a while before trying again.",
} as const;

/** Longest an admitted attempt counts as in flight without a verdict, in ms. */
export const IN_FLIGHT_MAX_MS = 60_000;

/** An attempt admitted and not yet decided. */
interface InFlight {
  ip: string;
  name: string;
  at: number;
}

/** Counts failures and decides on attempts. */
export class LoginThrottle {
  private readonly byIp = new Map<string, number[]>();
  private readonly byAccountIp = new Map<string, number[]>();
  private readonly byAccount = new Map<string, number[]>();
  /** Attempts admitted and not yet decided, by who makes them (a session). */
  private readonly inFlight = new Map<object, InFlight>();

  constructor(private readonly options: LoginThrottleOptions) {}

  /** May `ip` try `account` now, and after how long a wait? Attempts in flight of others than `holder` count as failures. */
  check(ip: string, account: string, now = Date.now(), holder?: object): LoginVerdict {
    const name = account.toLowerCase();
    const { perIp, perAccountPerIp } = this.options;
    const flying = this.inFlightCounts(ip, name, now, holder);
    if (perIp > 0 && this.recent(this.byIp, ip, now).length + flying.ip >= perIp) return { refused: LOGIN_THROTTLE_TEXTS.address, delayMs: 0 };
    if (perAccountPerIp > 0 && this.recent(this.byAccountIp, pairKey(name, ip), now).length + flying.pair >= perAccountPerIp) {
      return { refused: LOGIN_THROTTLE_TEXTS.account, delayMs: 0 };
    }
    return { refused: null, delayMs: this.delayFor(this.recent(this.byAccount, name, now).length) };
  }

  /**
   * {@link check}, and when the attempt may go on at once (or `waited`: it already
   * sat out its delay), count it in flight for `holder` (replacing the holder's
   * earlier one) until {@link failed}, {@link succeeded} or {@link release} with the
   * same holder.
   */
  admit(holder: object, ip: string, account: string, now = Date.now(), waited = false): LoginVerdict {
    this.inFlight.delete(holder);
    const verdict = this.check(ip, account, now, holder);
    if (waited && !verdict.refused) verdict.delayMs = 0;
    if (!verdict.refused && verdict.delayMs <= 0) this.inFlight.set(holder, { ip, name: account.toLowerCase(), at: now });
    return verdict;
  }

  /** `holder`'s attempt ended without a verdict (refused for a ban, failed on an error): it no longer counts. */
  release(holder: object): void {
    this.inFlight.delete(holder);
  }

  private inFlightCounts(ip: string, name: string, now: number, holder?: object): { ip: number; pair: number } {
    const counts = { ip: 0, pair: 0 };
    for (const [who, attempt] of this.inFlight) {
      if (now - attempt.at > IN_FLIGHT_MAX_MS) {
        this.inFlight.delete(who);
        continue;
      }
      if (who === holder || attempt.ip !== ip) continue;
      counts.ip++;
      if (attempt.name === name) counts.pair++;
    }
    return counts;
  }

  /** Record a failed attempt of `ip` for `account` (ending `holder`'s attempt in flight). */
  failed(ip: string, account: string, now = Date.now(), holder?: object): void {
    if (holder) this.inFlight.delete(holder);
    const name = account.toLowerCase();
    this.push(this.byIp, ip, now);
    this.push(this.byAccountIp, pairKey(name, ip), now);
    this.push(this.byAccount, name, now);
  }

  /** `ip` logged in to `account`: that account's counts are cleared (and `holder`'s attempt in flight ends). */
  succeeded(ip: string, account: string, holder?: object): void {
    if (holder) this.inFlight.delete(holder);
    const name = account.toLowerCase();
    this.byAccount.delete(name);
    this.byAccountIp.delete(pairKey(name, ip));
  }

  /** Every throttle with failures in the window, most failures first. */
  list(now = Date.now()): ThrottleEntry[] {
    const out: ThrottleEntry[] = [];
    const { perIp, perAccountPerIp } = this.options;
    const left = (times: number[]) => Math.max(0, Math.ceil((times[0]! + this.options.windowSeconds * 1000 - now) / 1000));
    for (const key of [...this.byIp.keys()]) {
      const times = this.recent(this.byIp, key, now);
      if (times.length === 0) continue;
      const effect = perIp > 0 && times.length >= perIp ? "refused" : "counting";
      out.push({ kind: "address", key, failures: times.length, effect, secondsLeft: left(times) });
    }
    for (const key of [...this.byAccountIp.keys()]) {
      const times = this.recent(this.byAccountIp, key, now);
      if (times.length === 0) continue;
      const effect = perAccountPerIp > 0 && times.length >= perAccountPerIp ? "refused" : "counting";
      out.push({ kind: "account@address", key, failures: times.length, effect, secondsLeft: left(times) });
    }
    for (const key of [...this.byAccount.keys()]) {
      const times = this.recent(this.byAccount, key, now);
      if (times.length === 0) continue;
      const delay = this.delayFor(times.length);
      out.push({ kind: "account", key, failures: times.length, effect: delay > 0 ? `delayed ${delay / 1000} s` : "counting", secondsLeft: left(times) });
    }
    return out.sort((a, b) => b.failures - a.failures);
  }

  /**
   * Clear throttles: all of them, or those of an address or an account name (its
   * delay and its per-address counts). Returns how many entries were removed.
   */
  clear(target?: string): number {
    if (!target) {
      const n = this.byIp.size + this.byAccountIp.size + this.byAccount.size;
      this.byIp.clear();
      this.byAccountIp.clear();
      this.byAccount.clear();
      return n;
    }
    const key = target.toLowerCase();
    let n = 0;
    if (this.byIp.delete(target)) n++;
    if (this.byAccount.delete(key)) n++;
    for (const pair of [...this.byAccountIp.keys()]) {
      const at = pair.lastIndexOf("@");
      if (pair.slice(0, at) === key || pair.slice(at + 1) === target) {
        this.byAccountIp.delete(pair);
        n++;
      }
    }
    return n;
  }

  /** The wait, in ms, for an account with `failures` failures from every address. */
  private delayFor(failures: number): number {
    const after = this.options.accountDelayAfter;
    if (after <= 0 || failures < after) return 0;
    const seconds = Math.min(this.options.delayMaxSeconds, 2 ** Math.min(30, failures - after));
    return Math.max(0, seconds) * 1000;
  }

  private recent(table: Map<string, number[]>, key: string, now: number): number[] {
    const times = table.get(key);
    if (!times) return [];
    const cutoff = now - this.options.windowSeconds * 1000;
    let expired = 0;
    while (expired < times.length && times[expired]! < cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length === 0) table.delete(key);
    return times;
  }

  private push(table: Map<string, number[]>, key: string, now: number): void {
    const times = this.recent(table, key, now);
    times.push(now);
    // keep at most as many times as any limit needs (a long flood does not grow a list)
    const keep = Math.max(this.options.perIp, this.options.perAccountPerIp, this.options.accountDelayAfter + 32, 1);
    if (times.length > keep) times.splice(0, times.length - keep);
    table.delete(key);
    table.set(key, times);
    const max = this.options.maxEntries ?? 100_000;
    while (table.size > max) table.delete(table.keys().next().value as string);
  }
}

function pairKey(account: string, ip: string): string {
  return `${account}@${ip}`;
}
