/**
 * Admission of new connections per client address: at most
 * `connectionsPerIpPerMinute` accepted in any sliding minute, and at most
 * `maxConnectionsPerIp` open at once. Addresses in `connectionLimitExemptIps`
 * skip both checks. Loopback is not exempt unless listed (a proxy on the same
 * host, such as a webclient front, should be listed, or pass the real address).
 *
 * Memory is bounded: an address's history holds at most `connectionsPerIpPerMinute`
 * times, histories older than a minute are pruned, and at most
 * {@link MAX_TRACKED_ADDRESSES} addresses are remembered (oldest dropped first).
 */

/** The settings admission reads. */
export interface ConnectionAdmissionSettings {
  /** New connections accepted per address in any 60 s window (0 = unlimited). */
  connectionsPerIpPerMinute: number;
  /** Connections open at once per address (0 = unlimited). */
  maxConnectionsPerIp: number;
  /** Addresses exempt from both limits (exact match, e.g. `"127.0.0.1"`, `"::1"`). */
  connectionLimitExemptIps: string[];
}

/** Most addresses whose recent connections are remembered. */
export const MAX_TRACKED_ADDRESSES = 100_000;

const WINDOW_MS = 60_000;

/** The one-line reasons a refused client is sent. */
export const ADMISSION_TEXTS = {
  tooMany: (max: number) => `Too many connections from your address (at most ${max} at a time). Close one and try again.`,
  tooFast: (perMinute: number) =>
    `Too many new connections from your address (at most ${perMinute} a minute). Try again in a minute.`,
} as const;

/** Decides whether a new connection from an address is accepted. */
export class ConnectionAdmission {
  private readonly recent = new Map<string, number[]>();
  private readonly open = new Map<string, number>();
  private readonly exempt: Set<string>;
  /** Connections refused so far. */
  refusedTotal = 0;

  constructor(private readonly settings: ConnectionAdmissionSettings) {
    this.exempt = new Set(settings.connectionLimitExemptIps.map(normalizeAddress));
  }

  /**
   * Decide on a new connection from `address`: null when accepted (and then
   * counted against the per-minute limit), else the reason to send the client.
   * Call {@link opened} once the accepted connection is registered.
   */
  admit(address: string, now = Date.now()): string | null {
    const ip = normalizeAddress(address);
    if (this.exempt.has(ip)) return null;
    const { maxConnectionsPerIp: max, connectionsPerIpPerMinute: perMinute } = this.settings;
    if (max > 0 && (this.open.get(ip) ?? 0) >= max) {
      this.refusedTotal++;
      return ADMISSION_TEXTS.tooMany(max);
    }
    if (perMinute > 0) {
      const times = this.recentTimes(ip, now);
      if (times.length >= perMinute) {
        this.refusedTotal++;
        return ADMISSION_TEXTS.tooFast(perMinute);
      }
      times.push(now);
      // re-insert: the map's order is oldest-touched first, which pruning relies on
      this.recent.delete(ip);
      this.recent.set(ip, times);
      this.bound(now);
    }
    return null;
  }

  /** An accepted connection from `address` is now open. */
  opened(address: string): void {
    const ip = normalizeAddress(address);
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
  }

  /** A connection from `address` has closed. */
  closed(address: string): void {
    const ip = normalizeAddress(address);
    const count = (this.open.get(ip) ?? 0) - 1;
    if (count > 0) this.open.set(ip, count);
    else this.open.delete(ip);
  }

  /** Connections open from `address`. */
  openFrom(address: string): number {
    return this.open.get(normalizeAddress(address)) ?? 0;
  }

  /** Addresses whose recent connections are remembered. */
  get trackedAddresses(): number {
    return this.recent.size;
  }

  private recentTimes(ip: string, now: number): number[] {
    const times = this.recent.get(ip) ?? [];
    const cutoff = now - WINDOW_MS;
    let expired = 0;
    while (expired < times.length && times[expired]! <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }

  /** Drop stale histories (from the oldest-touched end) and keep the table bounded. */
  private bound(now: number): void {
    const cutoff = now - WINDOW_MS;
    for (const [ip, times] of this.recent) {
      const newest = times[times.length - 1];
      if (this.recent.size <= MAX_TRACKED_ADDRESSES && newest !== undefined && newest > cutoff) break;
      this.recent.delete(ip);
    }
  }
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else as given. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
