import { describe, expect, it } from "vitest";
import type { OobMessage } from "../../../evennia-ts/protocol/message.ts";
import { InputRateLimiter, RATE_NOTICE_INTERVAL_MS } from "../../../evennia-ts/portal/limits/input-rate-limiter.ts";

const text = (line: string): OobMessage => ["text", [line], {}];
const oob = (name: string): OobMessage => [name, [], {}];
const settings = { commandRatePerSecond: 1, commandBurst: 2, oobRatePerSecond: 1, oobBurst: 3 };

describe("InputRateLimiter", () => {
  it("passes a burst of commands, refuses the rest and names the first refused line", () => {
    const limiter = new InputRateLimiter(settings, 0);
    const decision = limiter.filter([text("a"), text("b"), text("c"), text("d")], 0);
    expect(decision.allowed).toEqual([text("a"), text("b")]);
    expect(decision.refused).toBe(2);
    expect(decision.notice).toContain('"c" was not run');
    expect(limiter.refusedTotal).toBe(2);
  });

  it("sends the notice at most once per interval however many lines are refused", () => {
    const limiter = new InputRateLimiter(settings, 0);
    limiter.filter([text("a"), text("b")], 0);
    const notices: (string | null)[] = [];
    for (let t = 0; t < RATE_NOTICE_INTERVAL_MS; t += 100) notices.push(limiter.filter([text("x"), text("y")], t).notice);
    expect(notices.filter((n) => n !== null)).toHaveLength(1);
    // after the interval, one token has refilled (1/s) and the next refusal is told again
    const later = limiter.filter([text("p"), text("q")], RATE_NOTICE_INTERVAL_MS + 100);
    expect(later.allowed).toEqual([text("p")]);
    expect(later.notice).toContain('"q"');
  });

  it("keeps out-of-band messages in their own bucket and drops their excess without a notice", () => {
    const limiter = new InputRateLimiter(settings, 0);
    const decision = limiter.filter([oob("Core.Hello"), oob("a"), oob("b"), oob("c"), text("look")], 0);
    expect(decision.allowed.map((m) => m[0])).toEqual(["Core.Hello", "a", "b", "text"]);
    expect(decision.refused).toBe(1);
    expect(decision.notice).toBeNull();
  });

  it("quotes at most the start of a long refused line", () => {
    const limiter = new InputRateLimiter({ ...settings, commandBurst: 1 }, 0);
    const { notice } = limiter.filter([text("ok"), text("x".repeat(5000))], 0);
    expect(notice).not.toBeNull();
    expect(notice!.length).toBeLessThan(200);
  });

  it("lets everything through with rates of 0", () => {
    const limiter = new InputRateLimiter({ commandRatePerSecond: 0, commandBurst: 0, oobRatePerSecond: 0, oobBurst: 0 }, 0);
    const many = Array.from({ length: 500 }, (_, i) => text(String(i)));
    expect(limiter.filter(many, 0).allowed).toHaveLength(500);
  });
});
