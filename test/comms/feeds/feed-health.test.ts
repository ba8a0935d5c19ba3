/**
 * The self-tending rules, as pure functions of health + outcome + time: strikes,
 * dormancy after 3, the 1-2-4...-30 day back-off, revival, redirects. Fake time:
 * `now` is a number the test moves.
 */
import { describe, expect, it } from "vitest";
import { applyOutcome, defaultHealthPolicy, dormantDelay, newFeedHealth, type CheckOutcome, type FeedHealth } from "../../../evennia-ts/comms/feeds/feed-health.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const policy = defaultHealthPolicy(10 * MIN);
const fail: CheckOutcome = { kind: "failure", reason: "HTTP 500" };
const ok: CheckOutcome = { kind: "success" };

function run(start: { url: string; health: FeedHealth }, outcomes: CheckOutcome[], t0: number) {
  let feed = start;
  let now = t0;
  const log: { now: number; state: string; strikes: number; next: number; events: string[] }[] = [];
  for (const o of outcomes) {
    now = feed.health.nextCheckAt; // the poller checks when due
    const step = applyOutcome(feed, o, now, policy);
    feed = { url: step.url, health: step.health };
    log.push({ now, state: step.health.state, strikes: step.health.strikes, next: step.health.nextCheckAt - now, events: step.events.map((e) => e.type) });
  }
  return { feed, log };
}

describe("feed health rules", () => {
  it("a new feed is due at once", () => {
    expect(newFeedHealth(1000)).toMatchObject({ state: "active", strikes: 0, nextCheckAt: 1000, lastSuccessAt: null });
  });

  it("a success schedules the next check one interval (plus jitter) later and records the success", () => {
    const step = applyOutcome({ url: "http://a/", health: newFeedHealth(0) }, ok, 5000, policy, 1234);
    expect(step.health).toMatchObject({ state: "active", strikes: 0, lastSuccessAt: 5000, lastCheckAt: 5000, nextCheckAt: 5000 + 10 * MIN + 1234 });
    expect(step.events).toEqual([]);
  });

  it("failures count as strikes; the third in a row makes the feed dormant for a day and says so", () => {
    const { log } = run({ url: "http://a/", health: newFeedHealth(0) }, [fail, fail, fail], 0);
    expect(log.map((l) => [l.state, l.strikes, l.next])).toEqual([
      ["active", 1, 10 * MIN],
      ["active", 2, 10 * MIN],
      ["dormant", 3, DAY],
    ]);
    expect(log[2]!.events).toEqual(["dormant"]);
  });

  it("a success resets the strikes (two failures, a success, two failures: still active)", () => {
    const { log } = run({ url: "http://a/", health: newFeedHealth(0) }, [fail, fail, ok, fail, fail], 0);
    expect(log.map((l) => l.strikes)).toEqual([1, 2, 0, 1, 2]);
    expect(log.every((l) => l.state === "active")).toBe(true);
  });

  it("a dormant feed backs off exponentially: 1, 2, 4, 8, 16 days, then 30 at most", () => {
    const { log } = run({ url: "http://a/", health: newFeedHealth(0) }, Array(10).fill(fail), 0);
    expect(log.slice(2).map((l) => l.next / DAY)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
    expect(log.slice(3).every((l) => l.events.length === 0)).toBe(true); // told once, not at every re-check
    expect(dormantDelay(100, policy)).toBe(30 * DAY);
  });

  it("a dormant feed that answers well comes back by itself, says so, and is checked at its interval again", () => {
    const { feed, log } = run({ url: "http://a/", health: newFeedHealth(0) }, [fail, fail, fail, fail, ok, ok], 0);
    expect(log[4]).toMatchObject({ state: "active", strikes: 0, next: 10 * MIN, events: ["revived"] });
    expect(log[5]!.events).toEqual([]);
    expect(feed.health.dormantChecks).toBe(0);
  });

  it("a permanent redirect on a success changes the URL and says so; none, or the same URL, changes nothing", () => {
    const moved = applyOutcome({ url: "http://old/", health: newFeedHealth(0) }, { kind: "success", movedTo: "http://new/" }, 1, policy);
    expect(moved.url).toBe("http://new/");
    expect(moved.events).toEqual([{ type: "moved", from: "http://old/", to: "http://new/" }]);
    const stay = applyOutcome({ url: "http://old/", health: newFeedHealth(0) }, { kind: "success", movedTo: null }, 1, policy);
    expect(stay.url).toBe("http://old/");
    expect(applyOutcome({ url: "http://old/", health: newFeedHealth(0) }, { kind: "success", movedTo: "http://old/" }, 1, policy).events).toEqual([]);
  });

  it("keeps the last error and the last success through failures", () => {
    const first = applyOutcome({ url: "u", health: newFeedHealth(0) }, ok, 100, policy);
    const then = applyOutcome({ url: "u", health: first.health }, { kind: "failure", reason: "HTTP 404" }, 200, policy);
    expect(then.health).toMatchObject({ lastSuccessAt: 100, lastError: "HTTP 404", lastCheckAt: 200 });
  });
});
