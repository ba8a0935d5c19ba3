/**
 * Per-session input rate limit. Lines of text (commands) and out-of-band messages
 * each draw from their own token bucket; what exceeds the bucket is refused at
 * once, never queued. A refused command earns the player a notice, itself sent at
 * most once per {@link RATE_NOTICE_INTERVAL_MS}; refused out-of-band messages are
 * dropped quietly (they are machine traffic, and a notice would be noise).
 */
import type { OobMessage } from "../../protocol/message.ts";
import { TokenBucket } from "./token-bucket.ts";

/** The settings this limiter reads. */
export interface InputRateSettings {
  /** Commands (lines of text) per second, sustained; 0 = unlimited. */
  commandRatePerSecond: number;
  /** Commands allowed in a burst above the sustained rate. */
  commandBurst: number;
  /** Out-of-band messages (GMCP, MSDP, webclient OOB) per second, sustained; 0 = unlimited. */
  oobRatePerSecond: number;
  /** Out-of-band messages allowed in a burst. */
  oobBurst: number;
}

/** Shortest time between two "too fast" notices to one session, in ms. */
export const RATE_NOTICE_INTERVAL_MS = 1000;

/** Longest part of a refused line quoted back in the notice. */
const QUOTE_MAX = 40;

/** The notice a player gets when a command was refused for speed. */
export function rateLimitNotice(line: string, ratePerSecond: number): string {
  const quoted = line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX)}...` : line;
  return (
    `You are sending commands too fast: "${quoted}" was not run ` +
    `(limit: ${ratePerSecond} a second). Input sent too fast is ignored, not queued.`
  );
}

/** What one call to {@link InputRateLimiter.filter} decided. */
export interface RateDecision {
  /** Messages to pass on, in order. */
  allowed: OobMessage[];
  /** Text to tell the player, or null (no command refused, or a notice went out recently). */
  notice: string | null;
  /** Number of messages refused. */
  refused: number;
}

/** The input rate limit of one session. */
export class InputRateLimiter {
  private readonly commands: TokenBucket;
  private readonly oob: TokenBucket;
  private lastNoticeAt = -Infinity;
  /** Messages refused over the session's life. */
  refusedTotal = 0;

  constructor(
    private readonly settings: InputRateSettings,
    now = Date.now(),
  ) {
    this.commands = new TokenBucket(settings.commandRatePerSecond, settings.commandBurst, now);
    this.oob = new TokenBucket(settings.oobRatePerSecond, settings.oobBurst, now);
  }

  /** Split `messages` into what may pass now and what is refused. */
  filter(messages: OobMessage[], now = Date.now()): RateDecision {
    const allowed: OobMessage[] = [];
    let refused = 0;
    let firstRefusedLine: string | null = null;
    for (const message of messages) {
      const isText = Array.isArray(message) && message[0] === "text";
      const bucket = isText ? this.commands : this.oob;
      if (bucket.take(now)) {
        allowed.push(message);
        continue;
      }
      refused++;
      if (isText && firstRefusedLine === null) firstRefusedLine = String(message[1]?.[0] ?? "");
    }
    this.refusedTotal += refused;
    let notice: string | null = null;
    if (firstRefusedLine !== null && now - this.lastNoticeAt >= RATE_NOTICE_INTERVAL_MS) {
      this.lastNoticeAt = now;
      notice = rateLimitNotice(firstRefusedLine, this.settings.commandRatePerSecond);
    }
    return { allowed, notice, refused };
  }
}
