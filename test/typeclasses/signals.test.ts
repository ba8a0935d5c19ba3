/**
 * Signals (typeclasses/signals.ts): each signal is raised from where it happens,
 * heard after the unit of work commits (never for a rolled-back one), and a
 * throwing listener is isolated from the others.
 */
import { afterEach, expect, it } from "vitest";
import { CmdSay } from "../../evennia-ts/commands/default/general.ts";
import { callCommand, describeWithWorld } from "../../evennia-ts/testing/index.ts";
import { createAccount, createChannel, createObject } from "../../evennia-ts/typeclasses/create.ts";
import { signals, Signals, type SignalMap, type SignalName } from "../../evennia-ts/typeclasses/signals.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";

/** Capture error lines of the log while `fn` runs. */
async function capturingErrors(fn: (lines: string[]) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  const previous: LogSink = setLogSink((level, line) => void (level === "error" && lines.push(line)));
  try {
    await fn(lines);
  } finally {
    setLogSink(previous);
  }
}

afterEach(() => signals.clear());

/** Record every payload of `name`. */
function record<K extends SignalName>(name: K): SignalMap[K][] {
  const heard: SignalMap[K][] = [];
  signals.on(name, (e) => void heard.push(e));
  return heard;
}

it("on, once and off; a throwing listener is logged and the others still hear", async () => {
  const hub = new Signals();
  const heard: string[] = [];
  await capturingErrors(async (errors) => {
    const stop = hub.on("serverStarted", (e) => void heard.push(`a:${e.mode}`));
    hub.on("serverStarted", () => {
      throw new Error("boom");
    });
    hub.on("serverStarted", async () => Promise.reject(new Error("async boom")));
    hub.once("serverStarted", (e) => void heard.push(`once:${e.mode}`));
    hub.on("serverStarted", (e) => void heard.push(`z:${e.mode}`));
    hub.emit("serverStarted", { mode: "start" });
    await hub.idle();
    expect(heard).toEqual(["a:start", "once:start", "z:start"]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/listener of signal serverStarted failed \[error id [0-9a-f]{8}\]; the other listeners ran Error: boom/);
    stop();
    hub.emit("serverStarted", { mode: "reload" });
    await hub.idle();
    expect(heard).toEqual(["a:start", "once:start", "z:start", "z:reload"]);
    expect(hub.listenerCount("serverStarted")).toBe(3);
  });
});

describeWithWorld("signals", (w) => {
  it("objectCreated, objectMoved and objectDeleted are heard after the commit", async () => {
    const created = record("objectCreated");
    const moved = record("objectMoved");
    const deleted = record("objectDeleted");
    const { room1, room2 } = w.world;
    const ball = await w.world.unit(async () => {
      const obj = await createObject(undefined, { key: "ball", location: room1 });
      expect(created).toEqual([]); // not yet: the unit of work has not committed
      await obj.moveTo(room2, { moveType: "teleport" });
      return obj;
    });
    await signals.idle();
    expect(created.map((e) => e.object)).toEqual([ball]);
    expect(moved).toEqual([{ object: ball, source: room1, destination: room2, moveType: "teleport" }]);
    await w.world.unit(() => ball.delete());
    await signals.idle();
    expect(deleted.map((e) => e.object)).toEqual([ball]);
  });

  it("nothing is heard of a unit of work that rolled back", async () => {
    const created = record("objectCreated");
    await expect(
      w.world.unit(async () => {
        await createObject(undefined, { key: "ghost", location: w.world.room1 });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await signals.idle();
    expect(created).toEqual([]);
  });

  it("a listener runs in its own unit of work: its writes persist, and its failure leaves the command alone", async () => {
    await capturingErrors(async (errors) => {
      signals.on("objectCreated", ({ object }) => {
        object.db.seen = true;
      });
      signals.on("objectCreated", ({ object }) => {
        object.db.broken = true;
        throw new Error("listener bug");
      });
      const obj = await w.world.unit(() => createObject(undefined, { key: "watched", location: w.world.room1 }));
      await signals.idle();
      expect(obj.isDeleted).toBe(false);
      expect(obj.db.seen).toBe(true);
      expect(obj.db.broken).toBeUndefined(); // rolled back with its listener
      const rows = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM attributes WHERE owner_id = ? AND owner_kind = 'object' ORDER BY key", [obj.id]);
      expect(rows.map((r) => r.key)).toEqual(["seen"]);
      expect(errors).toHaveLength(1);
    });
  });

  it("accountCreated, puppeted and unpuppeted", async () => {
    const created = record("accountCreated");
    const puppeted = record("accountPuppeted");
    const unpuppeted = record("accountUnpuppeted");
    const { account1, session1, char1 } = w.world;
    const account = await w.world.unit(() => createAccount(undefined, { username: "Newbie", password: "secret-pass-1" }));
    await w.world.unit(() => account1.unpuppetObject(session1));
    await w.world.unit(() => account1.puppetObject(session1, char1));
    await signals.idle();
    expect(created.map((e) => e.account)).toEqual([account]);
    expect(unpuppeted).toEqual([{ account: account1, session: session1, object: char1 }]);
    expect(puppeted).toEqual([{ account: account1, session: session1, object: char1 }]);
  });

  it("accountConnected and accountDisconnected from the session handler", async () => {
    const connected = record("accountConnected");
    const disconnected = record("accountDisconnected");
    const { account2, session2 } = w.world;
    const session = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(session, account2));
    await w.world.unit(() => w.world.sessions.closed(session.sessid, "gone"));
    await signals.idle();
    expect(connected).toEqual([{ account: account2, session }]);
    // multisession mode 0: the new login put the old session out first
    expect(disconnected.map((e) => [e.session, e.reason])).toEqual([
      [session2, "Logged in from elsewhere. Disconnecting."],
      [session, "gone"],
    ]);
  });

  it("channelMessage after the channel sent it", async () => {
    const heard = record("channelMessage");
    const { char1 } = w.world;
    const channel = await w.world.unit(() => createChannel(undefined, { key: "chat" }));
    await w.world.unit(() => channel.msg("hello all", { senders: [char1] }));
    await signals.idle();
    expect(heard).toEqual([{ channel, message: "hello all", senders: [char1] }]);
  });

  it("a command's signals arrive after its output", async () => {
    const moved = record("objectMoved");
    const out = await callCommand(w.world, CmdSay, "hi", 'You say, "hi"');
    expect(out.text).toBe('You say, "hi"');
    await signals.idle();
    expect(moved).toEqual([]);
  });
});
