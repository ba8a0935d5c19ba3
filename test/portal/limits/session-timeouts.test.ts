import { afterEach, describe, expect, it, vi } from "vitest";
import {
  SessionTimeouts,
  TIMEOUT_TEXTS,
  sweepIntervalMs,
  type TimedSession,
} from "../../../evennia-ts/portal/limits/session-timeouts.ts";
import { PortalSessions } from "../../../evennia-ts/portal/portal-sessions.ts";
import type { SessionTransport } from "../../../evennia-ts/portal/session-transport.ts";

class FakeSession implements TimedSession {
  closedWith: string | null = null;
  constructor(
    public lastInputAt: number,
    public awaitingLoginSince: number | null,
  ) {}
  close(reason: string): void {
    this.closedWith = reason;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SessionTimeouts.sweep", () => {
  it("closes a session that has not logged in within loginTimeout, and only that one", () => {
    const fresh = new FakeSession(0, 5_000);
    const late = new FakeSession(9_000, 0);
    const loggedIn = new FakeSession(0, null);
    const timeouts = new SessionTimeouts({ loginTimeout: 10, idleTimeout: 0 }, () => [fresh, late, loggedIn]);
    expect(timeouts.sweep(9_999)).toBe(0);
    expect(timeouts.sweep(10_000)).toBe(1);
    expect(late.closedWith).toBe(TIMEOUT_TEXTS.login);
    expect(fresh.closedWith).toBeNull();
    expect(loggedIn.closedWith).toBeNull();
    expect(timeouts.loginTimeouts).toBe(1);
  });

  it("closes any session idle for idleTimeout, logged in or not", () => {
    const idle = new FakeSession(0, null);
    const idleGuest = new FakeSession(0, 0);
    const busy = new FakeSession(50_000, null);
    const timeouts = new SessionTimeouts({ loginTimeout: 0, idleTimeout: 60 }, () => [idle, idleGuest, busy]);
    expect(timeouts.sweep(60_000)).toBe(2);
    expect(idle.closedWith).toBe(TIMEOUT_TEXTS.idle);
    expect(idleGuest.closedWith).toBe(TIMEOUT_TEXTS.idle);
    expect(busy.closedWith).toBeNull();
  });

  it("closes nothing with both timeouts at 0, and does not start a timer", () => {
    const old = new FakeSession(0, 0);
    const timeouts = new SessionTimeouts({ loginTimeout: 0, idleTimeout: 0 }, () => [old]);
    expect(timeouts.sweep(1e12)).toBe(0);
    timeouts.start();
    expect(timeouts.running).toBe(false);
  });

  it("closes sessions after the pass, so closing may remove them from the collection", () => {
    const live = new Set<FakeSession>();
    for (let i = 0; i < 5; i++) {
      const s = new FakeSession(0, 0);
      s.close = (reason) => {
        s.closedWith = reason;
        live.delete(s);
      };
      live.add(s);
    }
    const timeouts = new SessionTimeouts({ loginTimeout: 1, idleTimeout: 0 }, () => live.values());
    expect(timeouts.sweep(1000)).toBe(5);
    expect(live.size).toBe(0);
  });

  it("sweeps 10,000 idle sessions with one interval timer", () => {
    vi.useFakeTimers({ now: 0 });
    const sessions = Array.from({ length: 10_000 }, (_, i) => new FakeSession(i < 5_000 ? 0 : 100_000, null));
    const timeouts = new SessionTimeouts({ loginTimeout: 0, idleTimeout: 120 }, () => sessions);
    timeouts.start();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(120_000 + sweepIntervalMs({ loginTimeout: 0, idleTimeout: 120 }));
    expect(sessions.filter((s) => s.closedWith !== null)).toHaveLength(5_000);
    timeouts.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sweeps at a quarter of the shortest timeout, between 100 ms and 5 s", () => {
    expect(sweepIntervalMs({ loginTimeout: 300, idleTimeout: 0 })).toBe(5000);
    expect(sweepIntervalMs({ loginTimeout: 8, idleTimeout: 3600 })).toBe(2000);
    expect(sweepIntervalMs({ loginTimeout: 0.1, idleTimeout: 0 })).toBe(100);
    expect(sweepIntervalMs({ loginTimeout: 0, idleTimeout: 0 })).toBe(0);
  });
});

describe("PortalSession login clock", () => {
  function setup() {
    const sessions = new PortalSessions(
      { connected: () => undefined, input: () => true, clientOptions: () => undefined, disconnected: () => undefined },
      10,
    );
    const transport: SessionTransport = { protocolKey: "test", address: "10.0.0.1", send: () => undefined, close: () => undefined };
    sessions.connect(transport);
    return sessions.all()[0]!;
  }

  it("runs from the connection, stops at login, and restarts when the server logs the session out", () => {
    vi.useFakeTimers({ now: 1_000 });
    const session = setup();
    expect(session.awaitingLoginSince).toBe(1_000);
    vi.setSystemTime(5_000);
    session.data = { uid: null, puid: null };
    expect(session.awaitingLoginSince).toBe(1_000); // still not logged in: the clock keeps running
    session.data = { uid: 7, puid: 12 };
    expect(session.loggedIn).toBe(true);
    expect(session.awaitingLoginSince).toBeNull();
    vi.setSystemTime(900_000);
    session.data = {}; // a reset
    expect(session.awaitingLoginSince).toBe(900_000);
  });
});
