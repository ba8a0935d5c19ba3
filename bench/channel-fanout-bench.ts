/**
 * One channel line to 1,000 logged-in subscribers, as the server sends it: `channel.msg`
 * in a unit of work (the receivers' hooks, their sessions' output grouped into link
 * messages after the commit, the line stored for the history). Runs 600 lines and
 * reports the median and p90 of the last 500 in microseconds, and the CPU per line.
 *
 * Then the same with someone's presence changed before each line (a login or logout between
 * every two lines: the channel works out its online subscribers again for each).
 *
 * Baseline, in the same process: the least any delivery costs — the same unit of work
 * handing one shared output to the same 1,000 sessions, without the channel.
 *
 *   node --import tsx bench/channel-fanout-bench.ts [--subscribers 1000] [--dialect sqlite]
 *
 * Runs on a scratch database of the test fixtures (SQLite by default).
 */
import { parseArgs } from "node:util";
import type { Dialect } from "../evennia-ts/db/database.ts";
import { ServerSession } from "../evennia-ts/server/server-session.ts";
import { createTestWorld } from "../evennia-ts/testing/world-fixture.ts";
import type { DefaultAccount } from "../evennia-ts/typeclasses/accounts.ts";
import type { DefaultChannel } from "../evennia-ts/typeclasses/channels.ts";
import { createAccount, createChannel } from "../evennia-ts/typeclasses/create.ts";
import { shareOutput } from "../evennia-ts/typeclasses/shared-output.ts";
import { notePresenceChange } from "../evennia-ts/typeclasses/change-epochs.ts";

const { values } = parseArgs({ options: { subscribers: { type: "string", default: "1000" }, dialect: { type: "string", default: "sqlite" } } });
const SUBSCRIBERS = Number(values.subscribers);
const LINES = 600;
const WARMUP = 100;

const world = await createTestWorld(values.dialect as Dialect);
let delivered = 0;
const sessions: ServerSession[] = [];
try {
  const accounts: DefaultAccount[] = [];
  await world.unit(async () => {
    for (let i = 0; i < SUBSCRIBERS; i++) accounts.push(await createAccount(undefined, { username: `listener${i}`, password: "a long enough password" }));
  });
  // sessions as the server makes them: shared output grouped into multicasts after the commit,
  // through one function for every session (a function per session would make a group per session)
  const sharedOutput = (_msgs: unknown, sessids: number[]): void => void (delivered += sessids.length);
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const session = new ServerSession(
      { sessid: 10_000 + i, protocolKey: "telnet", address: "127.0.0.1", clientOptions: {}, connectedAt: Date.now(), data: {} },
      () => void delivered++,
      sharedOutput,
    );
    world.sessions.add(session);
    sessions.push(session);
  }
  for (let i = 0; i < SUBSCRIBERS; i++) await world.unit(() => world.sessions.login(sessions[i]!, accounts[i]!));
  const channel = await world.unit(() => createChannel(undefined, { key: "Public" }));
  await world.unit(async () => {
    for (const account of accounts) await (channel as DefaultChannel).connect(account);
  });

  const sender = accounts[0]!;
  const line = await measure(async (i) => {
    await world.unit(() => channel.msg(`listener0 chats (${i}).`, { senders: [sender] }));
  });
  // someone logs in or out between every two lines: the list is worked out again for each
  const churn = await measure(async (i) => {
    notePresenceChange();
    await world.unit(() => channel.msg(`listener0 chats (${i}).`, { senders: [sender] }));
  });
  const floor = await measure(async (i) => {
    await world.unit(() => {
      const spec = shareOutput({ text: `[Public] listener0: listener0 chats (${i}).` })!;
      for (const session of sessions) session.msg(spec);
    });
  });
  if (delivered < (LINES * 3 - 1) * SUBSCRIBERS) throw new Error(`only ${delivered} deliveries were made`);
  console.log(`${SUBSCRIBERS.toLocaleString("en")} subscribers logged in, ${values.dialect}; ${LINES - WARMUP} lines measured after ${WARMUP}`);
  const row = (name: string, m: Measured) =>
    `  ${name.padEnd(34)} median ${m.median.toFixed(0).padStart(6)} µs, p90 ${m.p90.toFixed(0).padStart(6)} µs, CPU ${m.cpu.toFixed(0).padStart(6)} µs a line (x${(m.median / floor.median).toFixed(2)} the baseline)`;
  console.log(row("channel.msg", line));
  console.log(row("channel.msg, presence changed", churn));
  console.log(row("baseline: one output to each session", floor));
} finally {
  await world.close();
}

interface Measured {
  median: number;
  p90: number;
  /** Mean CPU (user + system) of this process per line, µs. */
  cpu: number;
}

/** Run `work` LINES times; the median and p90 wall time of the measured ones and their mean CPU, in µs. */
async function measure(work: (i: number) => Promise<void>): Promise<Measured> {
  const times: number[] = [];
  let cpuStart = process.cpuUsage();
  for (let i = 0; i < LINES; i++) {
    if (i === WARMUP) cpuStart = process.cpuUsage();
    const started = performance.now();
    await work(i);
    if (i >= WARMUP) times.push((performance.now() - started) * 1000);
  }
  const cpu = process.cpuUsage(cpuStart);
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p90: times[Math.floor(times.length * 0.9)]!, cpu: (cpu.user + cpu.system) / times.length };
}
