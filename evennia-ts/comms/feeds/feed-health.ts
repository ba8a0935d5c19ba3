/**
 * How a feed tends itself: strikes, dormancy, back-off, revival and permanent
 * redirects, as pure functions of the feed's health, the outcome of one check and
 * the time. Nothing here does I/O; the poller applies what these functions return
 * and tells admins about the events.
 *
 * | outcome | effect |
 * | --- | --- |
 * | success (new entries or none, or 304) | strikes back to 0; next check after the interval |
 * | success through a 301/308 redirect | as success, and the stored URL becomes the redirect's target |
 * | failure (network, timeout, 4xx, 5xx, unparsable, too large) | one strike more |
 * | the 3rd strike in a row | the feed goes dormant; re-checked after 1 day |
 * | failure while dormant | back-off doubles: 1, 2, 4, 8, 16, then 30 days |
 * | success while dormant | the feed is active again |
 */

/** Whether a feed is checked at its interval (`active`) or on the long back-off (`dormant`). */
export type FeedState = "active" | "dormant";

/** What the feed bot remembers about a feed's health. */
export interface FeedHealth {
  state: FeedState;
  /** Failed checks in a row (0 after any success). */
  strikes: number;
  /** When the last check ended (ms since the epoch), or null before the first. */
  lastCheckAt: number | null;
  /** When a check last succeeded, or null if none has. */
  lastSuccessAt: number | null;
  /** Why the last check failed (null after a success). */
  lastError: string | null;
  /** When the feed is due again. */
  nextCheckAt: number;
  /** Checks made while dormant (each failure doubles the wait). */
  dormantChecks: number;
}

/** The outcome of one check, as far as health is concerned. */
export type CheckOutcome =
  | { kind: "success"; /** set when every redirect followed was permanent (301/308): the new URL */ movedTo?: string | null }
  | { kind: "failure"; reason: string };

/** The numbers the rules run on. */
export interface HealthPolicy {
  /** Milliseconds between checks of an active feed. */
  intervalMs: number;
  /** Failed checks in a row that make a feed dormant. */
  strikesToDormant: number;
  /** First wait of a dormant feed; it doubles with each failed re-check. */
  dormantBaseMs: number;
  /** Longest wait of a dormant feed. */
  dormantMaxMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The default policy: 3 strikes, then 1, 2, 4 ... days, at most 30. */
export function defaultHealthPolicy(intervalMs: number): HealthPolicy {
  return { intervalMs, strikesToDormant: 3, dormantBaseMs: DAY_MS, dormantMaxMs: 30 * DAY_MS };
}

/** Something worth telling admins about (on MudInfo). */
export type HealthEvent =
  | { type: "moved"; from: string; to: string }
  | { type: "dormant"; reason: string; retryAt: number }
  | { type: "revived" };

/** What {@link applyOutcome} decides. */
export interface HealthStep {
  health: FeedHealth;
  /** The feed's URL after this check (changed by a permanent redirect). */
  url: string;
  events: HealthEvent[];
}

/** Health of a feed that was just added: active, due at `now`. */
export function newFeedHealth(now: number): FeedHealth {
  return { state: "active", strikes: 0, lastCheckAt: null, lastSuccessAt: null, lastError: null, nextCheckAt: now, dormantChecks: 0 };
}

/** How long a dormant feed waits after its `checks`-th failed re-check (0 = the first wait). */
export function dormantDelay(checks: number, policy: HealthPolicy): number {
  const factor = 2 ** Math.min(Math.max(0, checks), 30);
  return Math.min(policy.dormantBaseMs * factor, policy.dormantMaxMs);
}

/**
 * Apply one check's outcome to a feed's health at time `now`. `jitterMs` is added to
 * the next active check (the poller draws it at random; tests pass 0).
 */
export function applyOutcome(feed: { url: string; health: FeedHealth }, outcome: CheckOutcome, now: number, policy: HealthPolicy, jitterMs = 0): HealthStep {
  const before = feed.health;
  const events: HealthEvent[] = [];
  if (outcome.kind === "success") {
    let url = feed.url;
    if (outcome.movedTo && outcome.movedTo !== feed.url) {
      events.push({ type: "moved", from: feed.url, to: outcome.movedTo });
      url = outcome.movedTo;
    }
    if (before.state === "dormant") events.push({ type: "revived" });
    const health: FeedHealth = {
      state: "active",
      strikes: 0,
      lastCheckAt: now,
      lastSuccessAt: now,
      lastError: null,
      nextCheckAt: now + policy.intervalMs + jitterMs,
      dormantChecks: 0,
    };
    return { health, url, events };
  }
  const strikes = before.strikes + 1;
  if (before.state === "dormant") {
    const dormantChecks = before.dormantChecks + 1;
    const health: FeedHealth = { ...before, strikes, lastCheckAt: now, lastError: outcome.reason, dormantChecks, nextCheckAt: now + dormantDelay(dormantChecks, policy) };
    return { health, url: feed.url, events };
  }
  if (strikes >= policy.strikesToDormant) {
    const retryAt = now + dormantDelay(0, policy);
    const health: FeedHealth = { state: "dormant", strikes, lastCheckAt: now, lastSuccessAt: before.lastSuccessAt, lastError: outcome.reason, nextCheckAt: retryAt, dormantChecks: 0 };
    events.push({ type: "dormant", reason: outcome.reason, retryAt });
    return { health, url: feed.url, events };
  }
  const health: FeedHealth = { ...before, strikes, lastCheckAt: now, lastError: outcome.reason, nextCheckAt: now + policy.intervalMs + jitterMs };
  return { health, url: feed.url, events };
}
