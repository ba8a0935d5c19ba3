/**
 * What breaks when rows are deleted or the server restarts, on both databases. A
 * restart here is what a server start does: a new Database and Store opened on the
 * same data (the old ones closed).
 *
 * - A typeclass whose constructor throws (a field initializer reading an attribute not
 *   loaded yet) failed the whole fetch it was in: the room, everyone in it, the
 *   scripts resumed at start. Now the row loads as the class it extends, logged, and
 *   comes back as its own class once the class is fixed.
 * - An account deleted while its character was puppeted kept its sessions logged in
 *   on a deleted account, and every object it owned kept pointing at the gone row.
 *   Now its sessions are logged out and its objects are owned by nobody (Evennia's
 *   SET NULL), loaded or not, and a rolled-back delete gives everything back.
 * - Deleting a room, then restarting: contents went home, exits to it are gone,
 *   references to it read null, no id is handed out again.
 * - A script whose `atRepeat` never ended (it awaited what never came) stopped every
 *   other script for good, and a reload waited for it forever; a ticker subscriber
 *   that never ended did the same to its interval. Now each holds up only itself,
 *   is skipped until it ends, and a stop waits for it a bounded time. A delayed task
 *   or game-clock schedule that never ended held up every reload the same way.
 */
import { afterEach, expect, it, vi } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { currentUnitOfWork, runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { DefaultCharacter } from "../../evennia-ts/typeclasses/characters.ts";
import { createAccount, createObject, createScript } from "../../evennia-ts/typeclasses/create.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";
import { ScriptScheduler } from "../../evennia-ts/typeclasses/script-scheduler.ts";
import { DefaultScript } from "../../evennia-ts/typeclasses/scripts.ts";
import { setSessionLink, setSessionRegistry, type Session, type SessionRegistry } from "../../evennia-ts/typeclasses/sessions.ts";
import { Store } from "../../evennia-ts/typeclasses/store.ts";
import { getStore, setStore } from "../../evennia-ts/typeclasses/store-context.ts";
import { GameTime } from "../../evennia-ts/timers/gametime.ts";
import { TaskHandler } from "../../evennia-ts/timers/task-handler.ts";
import { TickerHandler } from "../../evennia-ts/timers/ticker-handler.ts";
import type { TimerClock, TimerHandle } from "../../evennia-ts/timers/timer-clock.ts";
import { timerContext } from "../../evennia-ts/timers/timer-context.ts";
import { ManualClock } from "./manual-clock.ts";
import { countRows, forget, uniqueName } from "./store-helpers.ts";
import { setLogSink } from "../../evennia-ts/utils/logger.ts";

/** A game's NPC class with a bug: its field initializer reads an attribute before attributes are loaded. */
class BrokenNpc extends DefaultCharacter {
  readonly mood = (this.db.mood as string).toUpperCase();
}
/** The same class, fixed. */
class FixedNpc extends DefaultCharacter {
  get mood(): string {
    return String(this.db.mood ?? "").toUpperCase();
  }
}
const NPC_PATH = "test.deletedrows.Npc";

/** A server start on `url`: a new Database and Store, made the active store; `close` puts `previous` back. */
async function restart(url: string, previous: Store): Promise<{ db: Database; store: Store; close(): Promise<void> }> {
  const db = await Database.open({ url });
  const store = new Store(db, { lruSize: 0 });
  await store.init();
  setStore(store);
  return {
    db,
    store,
    close: async () => {
      setStore(previous);
      await db.close();
    },
  };
}

/** A session registry without sockets: a disconnect logs out (unpuppets) like the server's, undone with a failed unit of work. */
function fakeRegistry(sessions: Session[]): SessionRegistry & { disconnected: { session: Session; reason?: string }[] } {
  const disconnected: { session: Session; reason?: string }[] = [];
  return {
    disconnected,
    all: () => sessions.filter((s) => s.account !== null),
    sync: () => undefined,
    disconnect: async (session, reason) => {
      const entry = { session, reason };
      disconnected.push(entry);
      currentUnitOfWork()?.recordUndo(() => disconnected.splice(disconnected.indexOf(entry), 1));
      session.puppet?._detachSession(session);
      setSessionLink(session, "puppet", null);
      setSessionLink(session, "account", null);
    },
    startLocation: async () => null,
    defaultHome: async () => null,
  };
}

function fakeSession(account: DefaultAccount, puppet: DefaultObject): Session {
  const session = {
    sessid: 1,
    protocolKey: "telnet",
    address: "127.0.0.1",
    connectedAt: Date.now(),
    clientOptions: {},
    account,
    puppet,
    loggedIn: true,
    msg: () => undefined,
    updateClientOptions: () => undefined,
  } as Session;
  puppet._attachSession(session);
  return session;
}

afterEach(() => {
  setSessionRegistry(null);
});

describeEachDatabase("deleted rows and restarts", (ctx) => {
  it("loads an object whose typeclass constructor throws as the class it extends (its room and roommates with it), and as its own class once fixed", async () => {
    registerTypeclass(NPC_PATH, BrokenNpc);
    const ids = await ctx.unit(async () => {
      const room = await createObject(undefined, { key: uniqueName("tavern") });
      const lamp = await createObject(undefined, { key: "lamp", location: room });
      const npc = await createObject(FixedNpc, { key: "barkeep", location: room, attributes: { mood: "grumpy" } });
      npc.swapTypeclass(NPC_PATH);
      // a crowd of the same broken class: its stack is logged once, not once per row
      for (let i = 0; i < 5; i++) (await createObject(FixedNpc, { key: `patron ${i}`, location: room, attributes: { mood: "tipsy" } })).swapTypeclass(NPC_PATH);
      return { room: room.id, lamp: lamp.id, npc: npc.id };
    });
    const errors: string[] = [];
    const previousSink = setLogSink((level, line) => {
      if (level === "error") errors.push(line);
    });
    let server = await restart(ctx.fixture.scratch.url, ctx.store);
    try {
      const room = (await server.store.get("object", ids.room)) as DefaultObject;
      expect(room?.key).toBeDefined();
      expect(room.contents.map((o) => o.key).sort()).toEqual(["barkeep", "lamp", "patron 0", "patron 1", "patron 2", "patron 3", "patron 4"]);
      expect(errors.filter((line) => line.includes("toUpperCase"))).toHaveLength(1);
      const npc = (await server.store.get("object", ids.npc)) as DefaultObject;
      expect(npc).toBeInstanceOf(DefaultCharacter);
      expect(npc).not.toBeInstanceOf(BrokenNpc);
      expect(npc.typeclassPath).toBe(NPC_PATH);
      expect(npc.db.mood).toBe("grumpy");
      expect(errors.some((line) => line.includes(`object #${ids.npc}`) && line.includes(NPC_PATH) && line.includes("toUpperCase"))).toBe(true);
      // a write to it keeps the stored path (the fallback is not saved as its class)
      await runInUnitOfWork(server.db, () => {
        npc.db.mood = "cheerful";
      });
    } finally {
      setLogSink(previousSink);
      await server.close();
    }
    registerTypeclass(NPC_PATH, FixedNpc);
    server = await restart(ctx.fixture.scratch.url, ctx.store);
    try {
      const npc = (await server.store.get("object", ids.npc)) as FixedNpc;
      expect(npc).toBeInstanceOf(FixedNpc);
      expect(npc.mood).toBe("CHEERFUL");
    } finally {
      await server.close();
    }
  });

  it("deleting an account logs its sessions out and leaves every object it owned (loaded or not) owned by nobody, across a restart", async () => {
    const ids = await ctx.unit(async () => {
      const account = await createAccount(undefined, { username: uniqueName("doomed"), password: "a long password 123" });
      const room = await createObject(undefined, { key: "hall" });
      const played = await createObject(DefaultCharacter, { key: "hero", location: room, account });
      // a character parked elsewhere, not in memory when the account goes
      const spare = await createObject(DefaultCharacter, { key: "alt", account });
      return { account: account.id, room: room.id, played: played.id, spare: spare.id, spareRef: new WeakRef(spare) };
    });
    await forget(ctx.store, ids.spareRef);
    const account = (await ctx.store.get("account", ids.account)) as DefaultAccount;
    const played = (await ctx.store.get("object", ids.played)) as DefaultObject;
    expect(ctx.store.peek({ kind: "object", id: ids.spare })).toBeNull();
    const session = fakeSession(account, played);
    const registry = fakeRegistry([session]);
    setSessionRegistry(registry);

    // a delete that fails changes nothing
    await expect(
      ctx.unit(async () => {
        await account.delete();
        throw new Error("the command failed after the delete");
      }),
    ).rejects.toThrow("the command failed");
    expect(account.isDeleted).toBe(false);
    expect(registry.disconnected).toEqual([]);
    expect(session.puppet).toBe(played);
    expect(played.account).toBe(account);
    expect(await countRows(ctx.db, "objects", "account_id = ?", [ids.account])).toBe(2);

    await ctx.unit(() => account.delete());
    expect(registry.disconnected.map((d) => d.reason)).toEqual(["Account being deleted."]);
    expect(session.puppet).toBeNull();
    expect(played.hasSessions).toBe(false);
    expect(played.account).toBeNull();
    expect(played.isDeleted).toBe(false);
    expect(await countRows(ctx.db, "objects", "account_id = ?", [ids.account])).toBe(0);

    const server = await restart(ctx.fixture.scratch.url, ctx.store);
    try {
      const [hero, alt] = (await server.store.load("object", [ids.played, ids.spare])) as DefaultObject[];
      expect(hero!.account).toBeNull();
      expect(alt!.account).toBeNull();
      expect(await server.store.get("account", ids.account)).toBeNull();
    } finally {
      await server.close();
    }
  });

  it("after deleting a room and restarting: its contents are home, exits to it are gone, references to it read null, and no id comes back", async () => {
    const ids = await ctx.unit(async () => {
      const home = await createObject(undefined, { key: uniqueName("home") });
      const doomed = await createObject(undefined, { key: "doomed room" });
      const guest = await createObject(DefaultCharacter, { key: "guest", location: doomed, home });
      const stray = await createObject(undefined, { key: "stray", location: doomed, home: doomed });
      const door = await createObject(undefined, { key: "door", location: home, destination: doomed });
      const out = await createObject(undefined, { key: "out", location: doomed, destination: home });
      // lives elsewhere, and its home is the room that goes
      const away = await createObject(undefined, { key: "away", location: home, home: doomed });
      home.db.favourite = doomed;
      return { home: home.id, doomed: doomed.id, guest: guest.id, stray: stray.id, door: door.id, out: out.id, away: away.id };
    });
    const doomed = (await getStore().get("object", ids.doomed)) as DefaultObject;
    await ctx.unit(async () => {
      expect(await doomed.delete()).toBe(true);
      // deleting twice, in the same unit or a later one, does nothing
      expect(await doomed.delete()).toBe(false);
    });
    await ctx.unit(async () => expect(await doomed.delete()).toBe(false));

    const server = await restart(ctx.fixture.scratch.url, ctx.store);
    try {
      const [home, guest, stray, door, out, gone] = (await server.store.load("object", [ids.home, ids.guest, ids.stray, ids.door, ids.out, ids.doomed])) as (DefaultObject | null)[];
      expect(gone).toBeNull();
      expect(guest!.location).toBe(home);
      expect(stray!.location).toBeNull(); // its home was the room itself and there is no default home
      expect(stray!.home).toBeNull();
      expect(door).toBeNull();
      expect(out).toBeNull();
      expect(home!.db.favourite).toBeNull();
      expect(home!.contents.map((o) => o.key).sort()).toEqual(["away", "guest"]);
      // no row is left pointing at the deleted room as its home (Evennia's SET_NULL)
      const rows = await server.db.query<{ id: number; home_id: number | null }>("SELECT id, home_id FROM objects WHERE id IN (?, ?)", [ids.stray, ids.away]);
      expect(rows.map((r) => r.home_id)).toEqual([null, null]);
      const fresh = await runInUnitOfWork(server.db, () => createObject(undefined, { key: "fresh" }));
      expect(fresh.id).toBeGreaterThan(Math.max(...Object.values(ids)));
    } finally {
      await server.close();
    }
  });
});

/** Releases every {@link Stuck} script's hung `atRepeat`. */
let releaseStuck: () => void = () => undefined;
/** Counts of `atRepeat` calls, by script key. */
const repeatCalls = new Map<string, number>();

/** A script whose `atRepeat` awaits something that does not come (until the test releases it). */
class Stuck extends DefaultScript {
  override async atRepeat(): Promise<void> {
    repeatCalls.set(this.key, (repeatCalls.get(this.key) ?? 0) + 1);
    await new Promise<void>((resolve) => {
      const previous = releaseStuck;
      releaseStuck = () => {
        previous();
        resolve();
      };
    });
  }
}
registerTypeclass("test.deletedrows.Stuck", Stuck);

/** A script that counts its runs. */
class Steady extends DefaultScript {
  override async atRepeat(): Promise<void> {
    repeatCalls.set(this.key, (repeatCalls.get(this.key) ?? 0) + 1);
    this.db.runs = repeatCalls.get(this.key);
  }
}
registerTypeclass("test.deletedrows.Steady", Steady);

describeEachDatabase("a script whose atRepeat never ends", (ctx) => {
  it("holds up only itself: the other scripts run on time, its own runs are skipped until it ends, and stopping does not wait for it", async () => {
    repeatCalls.clear();
    const clock = new ManualClock();
    const scheduler = new ScriptScheduler(ctx.store, { clock, stopWaitMs: 50 });
    // the manual clock must not wait for the stuck call (the scheduler's settled() would)
    clock.settle = async () => undefined;
    await scheduler.start();
    const warnings: string[] = [];
    const previousSink = setLogSink((level, line) => {
      if (level === "warn") warnings.push(line);
    });
    try {
      const stuck = await ctx.unit(() => createScript(Stuck, { key: "stuck", interval: 10, startDelay: true }));
      await ctx.unit(() => createScript(Steady, { key: "steady", interval: 10, startDelay: true }));
      await clock.advance(10_000);
      await vi.waitFor(() => expect(repeatCalls.get("steady")).toBe(1));
      expect(repeatCalls.get("stuck")).toBe(1);
      await clock.advance(10_000);
      await vi.waitFor(() => expect(repeatCalls.get("steady")).toBe(2));
      expect(repeatCalls.get("stuck")).toBe(1);
      expect(warnings.some((w) => w.includes("stuck") && w.includes("skipped"))).toBe(true);
      releaseStuck();
      await scheduler.settled();
      await clock.advance(10_000);
      await vi.waitFor(() => expect(repeatCalls.get("stuck")).toBe(2));
      await vi.waitFor(() => expect(repeatCalls.get("steady")).toBe(3));
      expect(stuck.repeatsDone).toBe(2);
      // its second run is stuck again: a stop (a reload) goes on without it
      await scheduler.stop("reload");
      expect(scheduler.isRunning).toBe(false);
      expect(warnings.some((w) => w.includes("still running"))).toBe(true);
    } finally {
      setLogSink(previousSink);
      releaseStuck();
      await scheduler.stop("shutdown");
    }
  });
});

/** A timer clock whose timers the test fires by hand, without waiting for what they start. */
class HandFiredClock implements TimerClock {
  private time = Date.UTC(2026, 0, 1, 12, 0, 0);
  private readonly timers = new Set<{ dueAt: number; fn: () => unknown }>();
  now(): number {
    return this.time;
  }
  setTimer(fn: () => unknown, ms: number): TimerHandle {
    const timer = { dueAt: this.time + ms, fn };
    this.timers.add(timer);
    return timer;
  }
  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as { dueAt: number; fn: () => unknown });
  }
  /** Move to the earliest timer and fire it (not awaited). */
  fireNext(): void {
    const next = [...this.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
    if (!next) throw new Error("no timer is armed");
    this.timers.delete(next);
    this.time = next.dueAt;
    void next.fn();
  }
}

describeEachDatabase("a ticker subscriber that never ends", (ctx) => {
  it("holds up only itself: the other subscribers of its interval tick on, it is skipped until it ends, and stopping does not wait for it", async () => {
    const clock = new HandFiredClock();
    const handler = new TickerHandler({ stopWaitMs: 50 });
    await handler.start(timerContext(ctx.db, clock));
    let release: () => void = () => undefined;
    let stuckCalls = 0;
    let steadyCalls = 0;
    const warnings: string[] = [];
    const previousSink = setLogSink((level, line) => {
      if (level === "warn") warnings.push(line);
    });
    try {
      handler.add(5, async function stuck() {
        stuckCalls++;
        await new Promise<void>((resolve) => (release = resolve));
      });
      handler.add(5, function steady() {
        steadyCalls++;
      });
      clock.fireNext();
      await vi.waitFor(() => expect(steadyCalls).toBe(1));
      expect(stuckCalls).toBe(1);
      /** Let the calls started commit their units of work (the steady one ends, the stuck one does not). */
      const callsEnded = () => new Promise((resolve) => setTimeout(resolve, 25));
      await callsEnded();
      clock.fireNext();
      await vi.waitFor(() => expect(steadyCalls).toBe(2));
      expect(stuckCalls).toBe(1);
      expect(warnings.some((w) => w.includes("stuck") && w.includes("skipped"))).toBe(true);
      release();
      await callsEnded();
      clock.fireNext();
      await vi.waitFor(() => expect(stuckCalls).toBe(2));
      expect(steadyCalls).toBe(3);
      // stuck again: a stop (a reload) goes on without it
      await handler.stop();
      expect(handler.started).toBe(false);
      expect(warnings.some((w) => w.includes("still running"))).toBe(true);
    } finally {
      setLogSink(previousSink);
      release();
      await handler.stop();
    }
  });

  it("a delayed task or game-clock schedule that never ends does not hold up stopping (a reload)", async () => {
    const clock = new HandFiredClock();
    const tasks = new TaskHandler({ stopWaitMs: 50 });
    const clockService = new GameTime({ stopWaitMs: 50 });
    const timers = timerContext(ctx.db, clock);
    await tasks.start(timers);
    await clockService.start(timers, { timeFactor: 1, timeGameEpoch: null, timeIgnoreDowntimes: false, timeCalendar: null });
    let releaseTask: () => void = () => undefined;
    let releaseSchedule: () => void = () => undefined;
    let taskCalls = 0;
    let scheduleCalls = 0;
    try {
      tasks.add(1, async () => {
        taskCalls++;
        await new Promise<void>((resolve) => (releaseTask = resolve));
      }, { persistent: false });
      clockService.schedule(async () => {
        scheduleCalls++;
        await new Promise<void>((resolve) => (releaseSchedule = resolve));
      }, { sec: 30 }, { persistent: false });
      while (taskCalls === 0 || scheduleCalls === 0) {
        clock.fireNext();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const stopping = Promise.all([tasks.stop(), clockService.stop()]);
      const outcome = await Promise.race([stopping.then(() => "stopped"), new Promise((resolve) => setTimeout(() => resolve("still waiting"), 2000))]);
      expect(outcome).toBe("stopped");
      expect(tasks.started).toBe(false);
    } finally {
      releaseTask();
      releaseSchedule();
      await tasks.stop();
      await clockService.stop();
    }
  });
});
