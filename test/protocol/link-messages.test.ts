import { describe, expect, it } from "vitest";
import { parsePortalMessage, parseServerMessage, type SessionSnapshot } from "../../evennia-ts/protocol/link-messages.ts";

const snapshot: SessionSnapshot = {
  sessid: 3,
  protocolKey: "telnet",
  address: "127.0.0.1",
  clientOptions: { screenwidth: 80 },
  connectedAt: 1_700_000_000_000,
  data: { uid: 1, puid: 2 },
};

const badSessids: unknown[] = [0, -1, 1.5, "1", null, undefined, Number.NaN];

describe("parseServerMessage (server → portal)", () => {
  it.each([
    { t: "hello", token: "abc", pid: 1234 },
    { t: "synced" },
    { t: "msg", sessid: 1, msgs: [["text", ["hi"], {}], ["char_vitals", [], { hp: 3 }]] },
    { t: "msg", sessid: 1, msgs: [] },
    { t: "multicast", sessids: [1, 2], msgs: [["text", ["Anna says, \"hi\""], { type: "say" }]] },
    { t: "multicast", sessids: [5, 3, 9], msgs: [["text", ["x"], {}], ["char_vitals", [], { hp: 3 }]] },
    { t: "multicast", sessids: [4, 6], msgs: [["text", ["x"], {}]], broadcast: true },
    { t: "session-data", sessid: 2, data: { uid: 7 } },
    { t: "disconnect", sessid: 2, reason: "" },
    { t: "request", action: "reload" },
    { t: "request", action: "reset" },
    { t: "request", action: "shutdown" },
  ])("accepts $t %j", (value) => {
    expect(parseServerMessage(value)).toEqual(value);
  });

  it.each([
    null,
    "hello",
    42,
    [],
    ["hello"],
    {},
    { t: 1 },
    { t: "nope" },
    { t: "welcome", mode: "start", sessions: [] }, // portal → server only
    { t: "hello", pid: 1 },
    { t: "hello", token: 5, pid: 1 },
    { t: "hello", token: "abc" },
    { t: "hello", token: "abc", pid: "1" },
    { t: "msg", sessid: 1 },
    { t: "msg", sessid: 1, msgs: "text" },
    { t: "msg", sessid: 1, msgs: [["", [], {}]] },
    { t: "msg", sessid: 1, msgs: [["text", "not an array", {}]] },
    { t: "msg", sessid: 1, msgs: [["text", [], []]] },
    { t: "msg", sessid: 1, msgs: [["x".repeat(129), [], {}]] },
    { t: "multicast", msgs: [["text", ["x"], {}]] },
    { t: "multicast", sessids: [], msgs: [["text", ["x"], {}]] },
    { t: "multicast", sessids: [1], msgs: [["text", ["x"], {}]] }, // one session is a "msg"
    { t: "multicast", sessids: [1, 1], msgs: [["text", ["x"], {}]] }, // the same session twice
    { t: "multicast", sessids: [1, 0], msgs: [["text", ["x"], {}]] },
    { t: "multicast", sessids: [1, "2"], msgs: [["text", ["x"], {}]] },
    { t: "multicast", sessids: "1,2", msgs: [["text", ["x"], {}]] },
    { t: "multicast", sessids: [1, 2] },
    { t: "multicast", sessids: [1, 2], msgs: [["text", ["x"], {}]], broadcast: "yes" },
    { t: "multicast", sessids: [1, 2], msgs: [["", [], {}]] },
    { t: "multicast", sessids: [1, 2], msgs: "text" },
    { t: "multicast", sessids: Array.from({ length: 100_001 }, (_, i) => i + 1), msgs: [] },
    { t: "session-data", sessid: 1, data: [] },
    { t: "session-data", sessid: 1, data: null },
    { t: "disconnect", sessid: 1 },
    { t: "request", action: "explode" },
    { t: "request" },
  ])("refuses %j", (value) => {
    expect(parseServerMessage(value)).toBeUndefined();
  });

  it.each(badSessids)("refuses sessid %s", (sessid) => {
    expect(parseServerMessage({ t: "msg", sessid, msgs: [] })).toBeUndefined();
    expect(parseServerMessage({ t: "session-data", sessid, data: {} })).toBeUndefined();
    expect(parseServerMessage({ t: "disconnect", sessid, reason: "x" })).toBeUndefined();
    expect(parseServerMessage({ t: "multicast", sessids: [1, sessid], msgs: [] })).toBeUndefined();
  });

  it("refuses a multicast from the portal (server → portal only)", () => {
    expect(parsePortalMessage({ t: "multicast", sessids: [1, 2], msgs: [] })).toBeUndefined();
  });
});

/** A portal's health report as it crosses the link. */
const pauses = { count: 3, totalMs: 4.5, maxMs: 2 };
const health = {
  rss: 60_000_000,
  heapUsed: 6_000_000,
  heapTotal: 9_000_000,
  loop: { delay: { p50: 0.2, p99: 3.1, max: 9, windowSeconds: 30 }, gc: { minor: pauses, major: { count: 0, totalMs: 0, maxMs: 0 }, other: pauses } },
};

describe("parsePortalMessage (portal → server)", () => {
  it.each([
    { t: "portal-health", health },
    { t: "portal-health", health: { ...health, loop: { ...health.loop, delay: null } } },
    { t: "welcome", mode: "start", sessions: [] },
    { t: "welcome", mode: "reload", sessions: [snapshot] },
    { t: "connect", session: snapshot },
    { t: "disconnect", sessid: 3, reason: "quit" },
    { t: "msg", sessid: 3, msgs: [["text", ["look"], {}]] },
    { t: "client-options", sessid: 3, options: { screenwidth: 120 } },
    { t: "shutdown", mode: "reload" },
    { t: "shutdown", mode: "reset" },
    { t: "shutdown", mode: "shutdown" },
  ])("accepts $t %j", (value) => {
    expect(parsePortalMessage(value)).toEqual(value);
  });

  it.each([
    null,
    [],
    { t: "hello", token: "abc", pid: 1 }, // server → portal only
    { t: "welcome", mode: "start" },
    { t: "welcome", mode: "start", sessions: {} },
    { t: "welcome", mode: 1, sessions: [] },
    { t: "welcome", mode: "start", sessions: [{ ...snapshot, sessid: 0 }] },
    { t: "connect" },
    { t: "connect", session: { ...snapshot, protocolKey: 5 } },
    { t: "connect", session: { ...snapshot, address: undefined } },
    { t: "connect", session: { ...snapshot, clientOptions: [] } },
    { t: "connect", session: { ...snapshot, connectedAt: "now" } },
    { t: "connect", session: { ...snapshot, data: null } },
    { t: "disconnect", sessid: 3, reason: 5 },
    { t: "msg", sessid: 3, msgs: [["text"], "look"] },
    { t: "client-options", sessid: 3, options: "wide" },
    { t: "shutdown", mode: "later" },
    { t: "portal-health" },
    { t: "portal-health", health: { ...health, rss: -1 } },
    { t: "portal-health", health: { ...health, heapUsed: "6 MB" } },
    { t: "portal-health", health: { ...health, heapTotal: null } },
    { t: "portal-health", health: { ...health, loop: null } },
    { t: "portal-health", health: { ...health, loop: { delay: null } } },
    { t: "portal-health", health: { ...health, loop: { ...health.loop, delay: { p50: 1 } } } },
    { t: "portal-health", health: { ...health, loop: { ...health.loop, gc: { ...health.loop.gc, major: { count: 1 } } } } },
    { t: "portal-health", health: { ...health, loop: { ...health.loop, gc: { ...health.loop.gc, minor: { ...pauses, maxMs: Infinity } } } } },
  ])("refuses %j", (value) => {
    expect(parsePortalMessage(value)).toBeUndefined();
  });

  it.each(badSessids)("refuses sessid %s", (sessid) => {
    expect(parsePortalMessage({ t: "disconnect", sessid, reason: "x" })).toBeUndefined();
    expect(parsePortalMessage({ t: "msg", sessid, msgs: [] })).toBeUndefined();
    expect(parsePortalMessage({ t: "client-options", sessid, options: {} })).toBeUndefined();
    expect(parsePortalMessage({ t: "connect", session: { ...snapshot, sessid } })).toBeUndefined();
  });

  // Bug: parsePortalMessage checks only `typeof mode === "string"` for a welcome, while every
  // other enum on the link (shutdown mode, request action) is checked against its values.
  it("refuses a welcome whose mode is not a StartMode", () => {
    expect(parsePortalMessage({ t: "welcome", mode: "bogus", sessions: [] })).toBeUndefined();
  });
});
