import { describe, expect, it } from "vitest";
import type { ServerToPortal } from "../../evennia-ts/protocol/link-messages.ts";
import { MAX_MULTICAST_SESSIONS, parseServerMessage } from "../../evennia-ts/protocol/link-messages.ts";
import type { OobMessage } from "../../evennia-ts/protocol/message.ts";
import { coalesceOutput, sharedOutputMessages } from "../../evennia-ts/server/output-coalescing.ts";
import { prng } from "../seeded-random.ts";

const say = (text: string): OobMessage[] => [["text", [text], { type: "say" }]];

/** What each session receives, in order, and the barriers between (as the portal would see it). */
function perSession(batch: readonly ServerToPortal[]): Map<number | "all", string[]> {
  const out = new Map<number | "all", string[]>();
  const add = (key: number | "all", what: string): void => void (out.get(key) ?? out.set(key, []).get(key)!).push(what);
  for (const m of batch) {
    if (m.t === "msg") for (const msg of m.msgs) add(m.sessid, JSON.stringify(msg));
    else if (m.t === "multicast") for (const id of m.sessids) for (const msg of m.msgs) add(id, JSON.stringify(msg));
    else if ("sessid" in m) add(m.sessid, m.t);
    else add("all", m.t);
  }
  return out;
}

describe("coalesceOutput", () => {
  it("knows nothing of a session's output in the batches before", () => {
    const x = say("X");
    // a multicast in one batch puts sessions 1 and 2 at its position ...
    coalesceOutput([
      { t: "multicast", sessids: [1, 2], msgs: say("earlier"), broadcast: true },
      { t: "msg", sessid: 3, msgs: say("a") },
      { t: "msg", sessid: 4, msgs: say("b") },
    ]);
    // ... which says nothing about the next batch: 1 joins 3's group
    const { messages } = coalesceOutput([
      { t: "msg", sessid: 3, msgs: x },
      { t: "msg", sessid: 1, msgs: x },
    ]);
    expect(messages).toEqual([{ t: "multicast", sessids: [3, 1], msgs: x }]);
  });

  it("turns one say to 199 sessions into one multicast, and the speaker's echo and prompt into one msg", () => {
    const batch: ServerToPortal[] = [{ t: "msg", sessid: 1, msgs: say('You say, "hi"') }];
    for (let id = 2; id <= 200; id++) batch.push({ t: "msg", sessid: id, msgs: say('Anna says, "hi"') });
    batch.push({ t: "msg", sessid: 1, msgs: [["prompt", ["> "], {}]] });
    const { messages, merged } = coalesceOutput(batch);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toEqual({ t: "multicast", sessids: Array.from({ length: 199 }, (_, i) => i + 2), msgs: say('Anna says, "hi"') });
    expect(messages[0]).toEqual({ t: "msg", sessid: 1, msgs: [...say('You say, "hi"'), ["prompt", ["> "], {}]] });
    expect(merged).toBe(199);
    for (const m of messages) expect(parseServerMessage(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it("never moves a session's message ahead of what it was sent before", () => {
    const batch: ServerToPortal[] = [
      { t: "msg", sessid: 1, msgs: say("X") },
      { t: "msg", sessid: 2, msgs: say("private") },
      { t: "msg", sessid: 2, msgs: say("X") },
      { t: "msg", sessid: 3, msgs: say("X") },
    ];
    const { messages } = coalesceOutput(batch);
    expect(perSession(messages)).toEqual(perSession(batch));
    expect(messages).toContainEqual({ t: "multicast", sessids: [1, 3], msgs: say("X") });
  });

  it("keeps says multicast when several share a turn and every listener already has output of its own in it", () => {
    // 20 players each finished a command (their own prompt), then each of them says something
    // to the other 19: each say must still cross once, not be appended to 19 per-session msgs
    const players = 20;
    const batch: ServerToPortal[] = [];
    for (let id = 1; id <= players; id++) batch.push({ t: "msg", sessid: id, msgs: [["prompt", [`${id}> `], {}]] });
    for (let speaker = 1; speaker <= players; speaker++) {
      batch.push({ t: "msg", sessid: speaker, msgs: say(`You say, "${speaker}"`) });
      for (let id = 1; id <= players; id++) if (id !== speaker) batch.push({ t: "msg", sessid: id, msgs: say(`P${speaker} says, "${speaker}"`) });
      batch.push({ t: "msg", sessid: speaker, msgs: [["prompt", ["> "], {}]] });
    }
    const { messages } = coalesceOutput(batch);
    expect(perSession(messages)).toEqual(perSession(batch));
    const multicasts = messages.filter((m) => m.t === "multicast");
    // every say heard as one multicast (by all 19 listeners)
    for (let speaker = 1; speaker <= players; speaker++) {
      const heard = multicasts.filter((m) => m.msgs.some(([, args]) => args[0] === `P${speaker} says, "${speaker}"`));
      expect(heard.map((m) => m.sessids.length), `say of ${speaker}`).toEqual([players - 1]);
    }
    expect(messages.length).toBeLessThan(4 * players);
  });

  it("tells apart texts that share their length and start, and finds equal copies with nested kwargs", () => {
    const long = (end: string) => say(`${"x".repeat(40)}${end}`);
    const nested = (): OobMessage[] => [["text", ["hi"], { type: "say", from: { id: 7 } }]];
    const batch: ServerToPortal[] = [
      { t: "msg", sessid: 1, msgs: long("a") },
      { t: "msg", sessid: 2, msgs: long("b") },
      { t: "msg", sessid: 3, msgs: long("a") },
      { t: "msg", sessid: 4, msgs: nested() },
      { t: "msg", sessid: 5, msgs: say("other") },
      { t: "msg", sessid: 6, msgs: nested() },
    ];
    const { messages } = coalesceOutput(batch);
    expect(perSession(messages)).toEqual(perSession(batch));
    expect(messages).toEqual([
      { t: "multicast", sessids: [1, 3], msgs: long("a") },
      { t: "msg", sessid: 2, msgs: long("b") },
      { t: "multicast", sessids: [4, 6], msgs: nested() },
      { t: "msg", sessid: 5, msgs: say("other") },
    ]);
  });

  it("merges nothing across a message that is not output (disconnect, request)", () => {
    const batch: ServerToPortal[] = [
      { t: "msg", sessid: 1, msgs: say("bye") },
      { t: "disconnect", sessid: 2, reason: "quit" },
      { t: "msg", sessid: 2, msgs: say("bye") },
      { t: "request", action: "reload" },
      { t: "msg", sessid: 3, msgs: say("bye") },
    ];
    const { messages } = coalesceOutput(batch);
    expect(messages).toEqual(batch);
  });

  it("lets a multicast already made close only its own sessions' groups", () => {
    const batch: ServerToPortal[] = [
      { t: "msg", sessid: 1, msgs: say("hi") },
      { t: "multicast", sessids: [2, 3], msgs: say("ho") },
      // session 4 joins session 1's group across the multicast; session 2 may not (it heard "ho" since)
      { t: "msg", sessid: 4, msgs: say("hi") },
      { t: "msg", sessid: 2, msgs: say("hi") },
    ];
    const { messages } = coalesceOutput(batch);
    expect(messages).toEqual([
      { t: "multicast", sessids: [1, 4], msgs: say("hi") },
      { t: "multicast", sessids: [2, 3], msgs: say("ho") },
      { t: "msg", sessid: 2, msgs: say("hi") },
    ]);
    expect(perSession(messages)).toEqual(perSession(batch));
  });

  it("keeps every session's sequence on random batches (2,000 seeded cases)", () => {
    const texts = ["a", "b", "c", "ab"];
    for (let seed = 1; seed <= 2000; seed++) {
      const random = prng(seed);
      const batch: ServerToPortal[] = [];
      const n = 1 + Math.floor(random() * 30);
      for (let i = 0; i < n; i++) {
        const sessid = 1 + Math.floor(random() * 5);
        const r = random();
        if (r < 0.08) batch.push({ t: "session-data", sessid, data: { i } });
        else if (r < 0.14) batch.push({ t: "multicast", sessids: sessid === 5 ? [5, 1] : [sessid, sessid + 1], msgs: say(texts[i % texts.length]!) });
        else if (r < 0.1) batch.push({ t: "request", action: "reload" });
        else {
          const text = texts[Math.floor(random() * texts.length)]!;
          // sometimes the very same array (a fast path sends one to everyone), sometimes an equal copy,
          // sometimes with a nested kwarg (compared by JSON) or a look-sized text
          const r2 = random();
          const msgs: OobMessage[] =
            r2 < 0.15 ? [["text", [text], { type: "say", from: { id: text.length } }]] : r2 < 0.25 ? say(text.repeat(300)) : say(text);
          batch.push({ t: "msg", sessid, msgs: random() < 0.5 ? msgs : JSON.parse(JSON.stringify(msgs)) });
        }
      }
      const { messages } = coalesceOutput(batch);
      expect(perSession(messages), `seed ${seed}`).toEqual(perSession(batch));
      expect(messages.length).toBeLessThanOrEqual(batch.length);
      for (const m of messages) expect(parseServerMessage(JSON.parse(JSON.stringify(m))), `seed ${seed}`).toEqual(m);
    }
  });
});

describe("sharedOutputMessages", () => {
  const msgs = say("hello");

  it("sends one session a msg and several one multicast", () => {
    expect(sharedOutputMessages([7], msgs)).toEqual([{ t: "msg", sessid: 7, msgs }]);
    // marked broadcast: what others did, which the portal may batch (broadcastBatchMs)
    expect(sharedOutputMessages([1, 2, 3], msgs)).toEqual([{ t: "multicast", sessids: [1, 2, 3], msgs, broadcast: true }]);
  });

  it("gives a session named twice both copies, the second in a later message", () => {
    const out = sharedOutputMessages([1, 2, 1, 3, 3], msgs);
    expect(out).toEqual([
      { t: "multicast", sessids: [1, 2], msgs, broadcast: true },
      { t: "multicast", sessids: [1, 3], msgs, broadcast: true },
      { t: "msg", sessid: 3, msgs },
    ]);
    // every message is one the portal accepts
    for (const m of out) expect(parseServerMessage(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it("names the caller's own list when no session is named twice, and forgets earlier calls", () => {
    const ids = [4, 5, 6];
    const [only] = sharedOutputMessages(ids, msgs);
    expect(only).toEqual({ t: "multicast", sessids: [4, 5, 6], msgs, broadcast: true });
    expect((only as { sessids: number[] }).sessids).toBe(ids);
    // the same sessions again, in another order: not taken for repeats of the call before
    expect(sharedOutputMessages([6, 5, 4], msgs)).toEqual([{ t: "multicast", sessids: [6, 5, 4], msgs, broadcast: true }]);
    expect(sharedOutputMessages([], msgs)).toEqual([]);
    // a repeat right after a call without one is still found
    expect(sharedOutputMessages([4, 5, 4], msgs)).toEqual([
      { t: "multicast", sessids: [4, 5], msgs, broadcast: true },
      { t: "msg", sessid: 4, msgs },
    ]);
  });

  it("stays right over many sessions, many calls and more sessions than a multicast names", () => {
    // 30,000 sessids over three calls outgrow what is remembered between calls
    for (let call = 0; call < 3; call++) {
      const ids = Array.from({ length: 10_000 }, (_, i) => call * 10_000 + i);
      expect(sharedOutputMessages(ids, msgs)).toEqual([{ t: "multicast", sessids: ids, msgs, broadcast: true }]);
    }
    const many = Array.from({ length: MAX_MULTICAST_SESSIONS + 2 }, (_, i) => i + 1);
    const out = sharedOutputMessages(many, msgs) as { t: string; sessids?: number[] }[];
    expect(out.map((m) => m.t)).toEqual(["multicast", "multicast"]);
    expect(out[0]!.sessids).toHaveLength(MAX_MULTICAST_SESSIONS);
    expect(out[1]!.sessids).toEqual([MAX_MULTICAST_SESSIONS + 1, MAX_MULTICAST_SESSIONS + 2]);
  });
});
