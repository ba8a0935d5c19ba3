/**
 * Hostile telnet clients on real sockets: compression toggling (one stream per
 * direction at most, a toggling client is disconnected with a log line) and
 * amplification (AYT and refusals are answered a few times a second, never byte
 * for byte).
 */
import zlib from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLogSink, type LogSink } from "../../../evennia-ts/utils/logger.ts";
import { DO, DONT, IAC, countOf, openSession, settle, waitUntil, type OpenSession } from "./telnet-test-client.ts";

const MCCP2 = 86;
const AYT = 246;
const MCCP2_START = Buffer.from([IAC, 250, MCCP2, IAC, 240]);

let s: OpenSession | null = null;
let previousSink: LogSink | null = null;
const logged: string[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  if (previousSink) setLogSink(previousSink);
  previousSink = null;
  logged.length = 0;
  await s?.cleanup();
  s = null;
});

function captureLog(): void {
  previousSink = setLogSink((level, line) => logged.push(`${level} ${line}`));
}

/** Count the zlib deflate streams alive at once (created and not yet closed). */
function watchDeflates(): { readonly created: number; readonly maxAlive: number; readonly alive: number } {
  const streams: zlib.Deflate[] = [];
  let maxAlive = 0;
  const alive = () => streams.filter((d) => !d.destroyed).length;
  const original = zlib.createDeflate;
  vi.spyOn(zlib, "createDeflate").mockImplementation((options?: zlib.ZlibOptions) => {
    const stream = original(options);
    streams.push(stream);
    maxAlive = Math.max(maxAlive, alive());
    return stream;
  });
  return {
    get created() {
      return streams.length;
    },
    get maxAlive() {
      return maxAlive;
    },
    get alive() {
      return alive();
    },
  };
}

/** Send `flood` then a line; wait until the server has read it all and the client heard every answer. */
async function floodAndSettle(session: OpenSession, flood: Buffer): Promise<void> {
  session.client.send(flood, "flood over\r\n");
  await waitUntil(() => session.rec.inputs.some((m) => m[1]?.[0] === "flood over"), "flood parsed", 10_000);
  // answers are on their way: wait until nothing more arrives for a while
  let last = -1;
  while (last !== session.client.received.length) {
    last = session.client.received.length;
    await settle(150);
  }
}

/** `pairs` times IAC DO MCCP2 + IAC DONT MCCP2. */
function toggles(pairs: number): Buffer {
  const one = Buffer.from([IAC, DO, MCCP2, IAC, DONT, MCCP2]);
  return Buffer.concat(Array.from({ length: pairs }, () => one));
}

describe("MCCP2 toggling", () => {
  it("never has more than one compression stream, however fast the client toggles (limits off)", async () => {
    const deflates = watchDeflates();
    s = await openSession({ rateLimits: { optionChangeRate: 0, replyRatePerSecond: 0 } });
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    // ~300 KB of toggles in pieces, as a flooding client sends them
    for (let i = 0; i < 5; i++) {
      s.client.send(toggles(10_000));
      await settle(5);
    }
    s.client.send([IAC, DO, MCCP2]);
    const on = Buffer.concat([Buffer.from([IAC, 251, MCCP2]), MCCP2_START]);
    await waitUntil(() => s!.client.received.subarray(-on.length).equals(on) && deflates.alive === 1, "compression on", 10_000);
    expect(deflates.maxAlive).toBe(1);
    // the stream in use works: text arrives compressed after the last marker and inflates
    s.session.send([["text", ["still here"], {}]]);
    await waitUntil(() => {
      const at = s!.client.received.lastIndexOf(MCCP2_START);
      const tail = s!.client.received.subarray(at + MCCP2_START.length);
      try {
        return zlib.inflateSync(tail, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString().includes("still here");
      } catch {
        return false;
      }
    }, "compressed text", 5000);
    // and off again: plain text follows the end of the compressed stream
    s.client.send([IAC, DONT, MCCP2]);
    await waitUntil(() => deflates.alive === 0, "stream ended");
    s.session.send([["text", ["plain again"], {}]]);
    await s.client.waitFor("plain again\r\n");
  });

  it("disconnects a client that keeps toggling options, with one log line (default limits)", async () => {
    captureLog();
    const deflates = watchDeflates();
    s = await openSession({});
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    s.client.send(toggles(20_000));
    await waitUntil(() => s!.client.closed, "toggler disconnected", 5000);
    expect(s.rec.disconnects[0]).toMatch(/too many telnet option changes/);
    expect(logged.filter((l) => /too many telnet option changes/.test(l))).toHaveLength(1);
    expect(deflates.maxAlive).toBeLessThanOrEqual(1);
  });

  it("lets a normal client change options a few dozen times", async () => {
    s = await openSession({});
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    s.client.send(toggles(10));
    await settle(100);
    expect(s.client.closed).toBe(false);
  });
});

describe("amplification", () => {
  it("answers an AYT flood a few times a second, not once per AYT", async () => {
    s = await openSession({ rateLimits: { replyRatePerSecond: 10, replyBurst: 30 } });
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    await settle(50);
    s.client.clear();
    const started = Date.now();
    const flood = Buffer.alloc(200_000);
    for (let i = 0; i < flood.length; i += 2) flood.set([IAC, AYT], i);
    await floodAndSettle(s, flood);
    const answers = countOf(s.client.received, Buffer.from("[Yes]\r\n"));
    const elapsed = (Date.now() - started) / 1000;
    expect(answers).toBeGreaterThan(0);
    expect(answers).toBeLessThanOrEqual(30 + Math.ceil(elapsed * 10) + 1);
    // every byte sent back is an answer: nothing else is provoked
    expect(s.client.received.length).toBe(answers * 7);
    // the budget refills: a single AYT a little later is answered again
    await settle(250);
    s.client.clear();
    s.client.send([IAC, AYT]);
    await s.client.waitFor("[Yes]\r\n");
    expect(s.client.closed).toBe(false);
  });

  it("keeps answering an AYT round-trip marker several times a second on the default budget", async () => {
    s = await openSession({});
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    for (let i = 1; i <= 40; i++) {
      s.client.send([IAC, AYT]);
      await waitUntil(() => countOf(s!.client.received, Buffer.from("[Yes]\r\n")) >= i, `AYT answer ${i}`);
      await settle(25);
    }
  });

  it("refuses unknown options at most as often as the reply budget allows", async () => {
    captureLog();
    s = await openSession({ rateLimits: { replyRatePerSecond: 10, replyBurst: 30 } });
    await s.client.waitFor([[IAC, 251, MCCP2]]);
    await settle(50);
    s.client.clear();
    const started = Date.now();
    const flood: number[] = [];
    for (let i = 0; i < 30_000; i++) flood.push(IAC, DO, 100 + (i % 50));
    await floodAndSettle(s, Buffer.from(flood));
    const elapsed = (Date.now() - started) / 1000;
    const refusals = countOf(s.client.received, Buffer.from([IAC])); // every reply is one IAC WONT x
    expect(refusals).toBeGreaterThan(0);
    expect(refusals).toBeLessThanOrEqual(30 + Math.ceil(elapsed * 10) + 1);
    expect(s.client.received.length).toBe(refusals * 3);
    expect(logged.filter((l) => /faster than allowed/.test(l))).toHaveLength(1);
  });
});
