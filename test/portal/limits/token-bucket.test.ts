import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../evennia-ts/portal/limits/token-bucket.ts";

describe("TokenBucket", () => {
  it("allows a full burst, then refuses until tokens refill at the sustained rate", () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true]);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true); // 0.5 s at 2/s = one token
    expect(bucket.take(500)).toBe(false);
  });

  it("never holds more than its capacity however long it waits", () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    expect(bucket.available(3_600_000)).toBe(2);
    expect([bucket.take(3_600_000), bucket.take(3_600_000), bucket.take(3_600_000)]).toEqual([true, true, false]);
  });

  it("a refused take costs nothing (a flood does not push the refill back)", () => {
    const bucket = new TokenBucket(1, 1, 0);
    expect(bucket.take(0)).toBe(true);
    for (let t = 0; t < 1000; t += 10) expect(bucket.take(t)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });

  it("is unlimited with a rate of 0", () => {
    const bucket = new TokenBucket(0, 0, 0);
    for (let i = 0; i < 1000; i++) expect(bucket.take(0)).toBe(true);
  });

  it("treats a burst below 1 as 1, so a positive rate always lets something through", () => {
    const bucket = new TokenBucket(1, 0, 0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });
});
