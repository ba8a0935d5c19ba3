/**
 * Throttles failed logins per IP address and per account name, in a sliding
 * window. Memory stays bounded: old entries are pruned as they expire.
 */

/** Limits of the throttle. */
export interface LoginThrottleOptions {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
  /** Entries kept at most per table (oldest dropped first). */
  maxEntries?: number;
}

/** Counts failures and refuses further attempts past the limits. */
export class LoginThrottle {
  private readonly byIp = new Map<string, number[]>();
  private readonly byAccount = new Map<string, number[]>();

  constructor(private readonly options: LoginThrottleOptions) {}

  /** True when another attempt from `ip` for `account` may be made now. */
  allowed(ip: string, account: string, now = Date.now()): boolean {
    return (
      this.recent(this.byIp, ip, now) < this.options.perIp &&
      this.recent(this.byAccount, account.toLowerCase(), now) < this.options.perAccount
    );
  }

  /** Record a failed attempt. */
  failed(ip: string, account: string, now = Date.now()): void {
    this.push(this.byIp, ip, now);
    this.push(this.byAccount, account.toLowerCase(), now);
  }

  private recent(table: Map<string, number[]>, key: string, now: number): number {
    const times = table.get(key);
    if (!times) return 0;
    const cutoff = now - this.options.windowSeconds * 1000;
    while (times.length > 0 && times[0]! < cutoff) times.shift();
    if (times.length === 0) table.delete(key);
    return times.length;
  }

  private push(table: Map<string, number[]>, key: string, now: number): void {
    const times = table.get(key) ?? [];
    times.push(now);
    table.delete(key);
    table.set(key, times);
    const max = this.options.maxEntries ?? 100_000;
    while (table.size > max) table.delete(table.keys().next().value as string);
  }
}
