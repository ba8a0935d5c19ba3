/**
 * Account creation per address: at most `perIp` accounts from one address in a
 * sliding window of `windowSeconds` (settings `accountCreationsPerIp`, default 5, and
 * `accountCreationWindow`, default 600 s). Memory is bounded: at most `perIp` times per
 * address, at most `maxEntries` addresses (oldest first out).
 */

/** Limits of the creation throttle. */
export interface AccountCreationThrottleOptions {
  /** Accounts per address per window (0 = unlimited). */
  perIp: number;
  windowSeconds: number;
  maxEntries?: number;
}

/** Counts accounts created per address. */
export class AccountCreationThrottle {
  private readonly byIp = new Map<string, number[]>();

  constructor(private readonly options: AccountCreationThrottleOptions) {}

  /**
   * Null when `ip` may create an account now — the creation is then counted at once
   * (give it back with {@link abort} if it does not happen) — else the reason to tell the player.
   */
  reserve(ip: string, now = Date.now()): string | null {
    const { perIp, windowSeconds } = this.options;
    if (perIp <= 0) return null;
    const times = this.recent(ip, now);
    if (times.length < perIp) {
      this.created(ip, now);
      return null;
    }
    const minutes = Math.max(1, Math.ceil((times[0]! + windowSeconds * 1000 - now) / 60_000));
    return `Too many accounts were created from your address recently (at most ${perIp} in ${formatWindow(windowSeconds)}). Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }

  /** Give back the newest creation counted for `ip` (it did not happen). */
  abort(ip: string): void {
    const times = this.byIp.get(ip);
    if (!times) return;
    times.pop();
    if (times.length === 0) this.byIp.delete(ip);
  }

  /** Count an account created from `ip`. */
  created(ip: string, now = Date.now()): void {
    if (this.options.perIp <= 0) return;
    const times = this.recent(ip, now);
    times.push(now);
    if (times.length > this.options.perIp) times.splice(0, times.length - this.options.perIp);
    this.byIp.delete(ip);
    this.byIp.set(ip, times);
    const max = this.options.maxEntries ?? 100_000;
    while (this.byIp.size > max) this.byIp.delete(this.byIp.keys().next().value as string);
  }

  /** Addresses with creations in the window, how many, and whether they are refused now. */
  list(now = Date.now()): { key: string; created: number; full: boolean; secondsLeft: number }[] {
    const out: { key: string; created: number; full: boolean; secondsLeft: number }[] = [];
    for (const ip of [...this.byIp.keys()]) {
      const times = this.recent(ip, now);
      if (times.length === 0) continue;
      out.push({ key: ip, created: times.length, full: times.length >= this.options.perIp, secondsLeft: Math.max(0, Math.ceil((times[0]! + this.options.windowSeconds * 1000 - now) / 1000)) });
    }
    return out;
  }

  /** Forget one address's creations, or every address's; returns how many addresses. */
  clear(ip?: string): number {
    if (ip === undefined) {
      const n = this.byIp.size;
      this.byIp.clear();
      return n;
    }
    return this.byIp.delete(ip) ? 1 : 0;
  }

  private recent(ip: string, now: number): number[] {
    const times = this.byIp.get(ip) ?? [];
    const cutoff = now - this.options.windowSeconds * 1000;
    let expired = 0;
    while (expired < times.length && times[expired]! <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length === 0) this.byIp.delete(ip);
    return times;
  }
}

function formatWindow(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? "" : "s"}` : `${seconds} s`;
}
