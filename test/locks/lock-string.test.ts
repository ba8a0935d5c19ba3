/**
 * Lock strings: parsing, operator precedence, caching, and bad definitions
 * refused with EV_ERR_BAD_LOCK (no database needed).
 */
import { afterEach, describe, expect, it } from "vitest";
import { checkLockString } from "../../evennia-ts/locks/lock-handler.ts";
import { findLockFunc, registerLockFunc, unregisterLockFunc } from "../../evennia-ts/locks/lock-func-registry.ts";
import { parseLockDefinition, parseLockString } from "../../evennia-ts/locks/lock-string.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { setLogSink } from "../../evennia-ts/utils/logger.ts";

function expectBadLock(text: string, messagePart: RegExp): void {
  let caught: unknown;
  try {
    parseLockDefinition(text, true);
  } catch (err) {
    caught = err;
  }
  expect(isEvenniaError(caught, "EV_ERR_BAD_LOCK"), `"${text}" should be refused`).toBe(true);
  expect((caught as Error).message).toMatch(messagePart);
}

describe("lock strings", () => {
  afterEach(() => {
    unregisterLockFunc("flag");
  });

  it("splits definitions by access type; a later one of the same type wins", () => {
    const defs = parseLockString("get:all(); edit:perm(Admin) OR id(12) ;get:false()");
    expect([...defs.keys()]).toEqual(["edit", "get"]);
    expect(defs.get("get")!.text).toBe("get:false()");
    expect(defs.get("edit")!.expression).toBe("perm(Admin) OR id(12)");
  });

  it("parses calls with arguments and keyword arguments", () => {
    const def = parseLockDefinition("x:attr(hp, 10, compare=gt)", true);
    expect(def.root).toEqual({ op: "call", name: "attr", args: ["hp", "10"], kwargs: { compare: "gt" }, text: "attr(hp, 10, compare=gt)" });
  });

  it("binds NOT before AND before OR, any case, with parentheses grouping", () => {
    const calls: string[] = [];
    registerLockFunc("flag", (_a, _b, args) => {
      calls.push(args[0]!);
      return args[0] === "t";
    });
    const check = (expr: string) => checkLockString(null, `x:${expr}`, "x");
    expect(check("flag(t) OR flag(f) AND flag(f)")).toBe(true); // t OR (f AND f)
    expect(check("(flag(t) OR flag(f)) AND flag(f)")).toBe(false);
    expect(check("NOT flag(f) and flag(t)")).toBe(true); // (NOT f) AND t
    expect(check("not (flag(t) or flag(f))")).toBe(false);
    expect(check("NOT NOT flag(t)")).toBe(true);
    calls.length = 0;
    expect(check("flag(f) AND flag(t)")).toBe(false);
    expect(calls).toEqual(["f"]); // short-circuits
  });

  it("an empty lock string has no definitions: the default decides, and nothing is logged", () => {
    const lines: string[] = [];
    const previous = setLogSink((_level, line) => lines.push(line));
    try {
      for (const empty of ["", "  "]) {
        expect(checkLockString(null, empty, "read", { default: true })).toBe(true);
        expect(checkLockString(null, empty, "read")).toBe(false);
        expect(checkLockString(null, empty)).toBe(false);
      }
    } finally {
      setLogSink(previous);
    }
    expect(lines).toEqual([]);
  });

  it("refuses bad definitions with a clear EV_ERR_BAD_LOCK", () => {
    expectBadLock("get all()", /no colon/);
    expectBadLock(":all()", /access type .* is empty/);
    expectBadLock("get:", /no lock functions/);
    expectBadLock("get:nosuchfunc()", /nosuchfunc\(\) does not exist/);
    expectBadLock("get:all() AND", /ends too early/);
    expectBadLock("get:all() perm(Admin)", /unexpected "perm\(Admin\)"/);
    expectBadLock("get:(all()", /parenthesis is not closed/);
    expectBadLock("get:all())", /unexpected "\)"/);
    expectBadLock("get:perm(Admin", /is not closed/);
    expectBadLock("get:all() XOR none()", /neither a lock function call nor AND\/OR\/NOT/);
    expectBadLock("my type:all()", /not a valid access type/);
    expect(() => parseLockString("get:all(); drop")).toThrow(/"drop": there is no colon/);
  });

  it("parses a definition once: the same text gives the same parsed object", () => {
    const a = parseLockDefinition("view:perm(Builder) OR tag(visible)", true);
    const b = parseLockDefinition("  view:perm(Builder) OR tag(visible)  ", true);
    expect(b).toBe(a);
  });

  it("a stored definition whose function is gone denies instead of throwing", () => {
    registerLockFunc("flag", () => true);
    expect(checkLockString(null, "x:flag()", "x")).toBe(true);
    unregisterLockFunc("flag");
    expect(checkLockString(null, "x:flag()", "x")).toBe(false);
    expect(() => parseLockDefinition("x:flag()", true)).toThrow(/does not exist/);
  });

  it("constant locks (false(), all(), not none() ...) are answered without a call, and follow their functions being replaced", () => {
    const stored = (text: string) => parseLockDefinition(text, false);
    expect(checkLockString(null, "call:false()", "call")).toBe(false);
    expect(checkLockString(null, "view:all()", "view")).toBe(true);
    expect(checkLockString(null, "x:not none()", "x")).toBe(true);
    expect(checkLockString(null, "x:false() or true()", "x")).toBe(true);
    expect(checkLockString(null, "x:all() and not true()", "x")).toBe(false);
    expect(stored("call:false()").constant).toBe(false);
    expect(stored("x:not none()").constant).toBe(true);
    // a call with arguments, or a function that looks at who asks, is not constant
    expect(checkLockString(null, "x:true(maybe)", "x")).toBe(true);
    expect(stored("x:true(maybe)").constant).toBeNull();
    expect(checkLockString(null, "x:false() or perm(Admin)", "x")).toBe(false);
    expect(stored("x:false() or perm(Admin)").constant).toBeNull();
    // a game that replaces false() is heard at once, by definitions already parsed too
    const builtinFalse = findLockFunc("false")!;
    try {
      registerLockFunc("false", () => true);
      expect(checkLockString(null, "call:false()", "call")).toBe(true);
      unregisterLockFunc("false");
      expect(checkLockString(null, "call:false()", "call")).toBe(false); // gone: it denies
    } finally {
      registerLockFunc("false", builtinFalse);
    }
    expect(checkLockString(null, "call:false()", "call")).toBe(false);
    expect(stored("call:false()").constant).toBe(false);
  });

  it("a lock function that throws denies", () => {
    registerLockFunc("flag", () => {
      throw new Error("boom");
    });
    expect(checkLockString(null, "x:flag() OR all()", "x")).toBe(true);
    expect(checkLockString(null, "x:flag()", "x")).toBe(false);
  });

  it("checkLockString: one access type, all of them, or a bare expression", () => {
    expect(checkLockString(null, "a:all();b:none()", "a")).toBe(true);
    expect(checkLockString(null, "a:all();b:none()", "b")).toBe(false);
    expect(checkLockString(null, "a:all();b:none()", "c")).toBe(false);
    expect(checkLockString(null, "a:all();b:none()", "c", { default: true })).toBe(true);
    expect(checkLockString(null, "a:all();b:none()")).toBe(false);
    expect(checkLockString(null, "a:all();b:true()")).toBe(true);
    expect(checkLockString(null, "all() AND NOT none()")).toBe(true);
  });
});

describe("hostile lock strings", () => {
  it("refuses very long, very deep or very wide definitions, without overflowing the stack", () => {
    expectBadLock(`x:${"all() AND ".repeat(150)}all()`, /more than 100 lock functions/);
    expectBadLock(`x:${"NOT ".repeat(10_000)}all()`, /longer than 2000 characters/);
    expectBadLock(`x:${"NOT ".repeat(60)}all()`, /more than 50 deep/);
    expectBadLock(`x:${"(".repeat(60)}all()${")".repeat(60)}`, /more than 50 deep/);
    expectBadLock(`x:all(${"a,".repeat(5000)})`, /longer than 2000 characters/);
    expect(checkLockString(null, `x:${"(".repeat(20_000)}`, "x")).toBe(false);
    // a long chain within the limits still evaluates
    expect(checkLockString(null, `x:${"none() OR ".repeat(99)}all()`, "x")).toBe(true);
  });
});

describe("checkLock", () => {
  it("checks one access type of a lock string for an accessor, with a default", async () => {
    const { checkLock } = await import("../../evennia-ts/locks/lock-string.ts");
    const accessor = { vip: true };
    expect(checkLock("enter:attr(vip);leave:none()", "enter", { accessor })).toBe(true);
    expect(checkLock("enter:attr(vip);leave:none()", "leave", { accessor })).toBe(false);
    expect(checkLock("enter:attr(vip)", "sing", { accessor })).toBe(false);
    expect(checkLock("enter:attr(vip)", "sing", { accessor }, true)).toBe(true);
    expect(checkLock("enter:objattr(open)", "enter", { accessor, accessed: { open: true } })).toBe(true);
  });
});
