/**
 * The server's side of a crowded room (issue 16: 200 players in one room doing `look`
 * and `say`), in one process without sockets: every player has a real `ServerSession`
 * puppeting a character in the same room, commands run through the real command
 * handler (default cmdsets, unit of work, prompt marker), and output goes to a link
 * stand-in that does what the server's link does each turn — `coalesceOutput` and
 * `encodeFrame` — without writing anywhere. Each player runs closed loop (its next
 * command as soon as the last one finished), all at once.
 *
 * Reports commands per second of the whole room, the command latency p50/p99 (start
 * to its output handed to the link), the CPU per command, what crossed the link per
 * command (messages, bytes, and texts the portal must render: a `msg`'s for its session,
 * a `multicast`'s once per capability group, counted once), and µs of CPU per `look` and
 * per `say` measured alone (one player at a time, so each figure is one command's cost).
 * The machine is shared: compare trees by the CPU figures, alternating runs.
 *
 *   node --import tsx bench/fanout-crowd-bench.ts [--players=200] [--seconds=3] [--mix=look,say]
 *   node --import tsx bench/fanout-crowd-bench.ts --mix="look,look me,inventory,who,say,pose"   # the load tester's looker and talker
 *   node --import tsx bench/fanout-crowd-bench.ts --mix=look --profile=/tmp/look.cpuprofile
 */
import { parseArgs } from "node:util";
import "../evennia-ts/commands/default/cmdsets.ts";
import "../evennia-ts/commands/exit-cmdset.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../evennia-ts/commands/handler.ts";
import { Database } from "../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../evennia-ts/db/unit-of-work.ts";
import { encodeFrame } from "../evennia-ts/protocol/framing.ts";
import type { ServerToPortal } from "../evennia-ts/protocol/link-messages.ts";
import type { OobMessage } from "../evennia-ts/protocol/message.ts";
import { coalesceOutput, sharedOutputMessages } from "../evennia-ts/server/output-coalescing.ts";
import { ServerSession } from "../evennia-ts/server/server-session.ts";
import { testServices } from "../evennia-ts/testing/command-services.ts";
import { createAccount, createObject, DefaultCharacter, DefaultExit, DefaultRoom } from "../evennia-ts/typeclasses/index.ts";
import { Store } from "../evennia-ts/typeclasses/store.ts";
import { setStore } from "../evennia-ts/typeclasses/store-context.ts";
import { startProfile } from "./measure.ts";

const { values: args } = parseArgs({
  options: {
    players: { type: "string", default: "200" },
    seconds: { type: "string", default: "3" },
    mix: { type: "string", default: "look,say" },
    alone: { type: "string", default: "200" },
    /** Write a CPU profile of the measured part (both phases, not the set-up) to this file. */
    profile: { type: "string" },
  },
});

/** What the link stand-in saw. */
const linkStats = { frames: 0, messages: 0, bytes: 0, renders: 0 };

/** The server link's send path without the socket: one batch per turn, coalesced and framed. */
class LinkStandIn {
  private pending: ServerToPortal[] = [];
  private scheduled = false;
  send(msg: ServerToPortal): void {
    this.pending.push(msg);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = coalesceOutput(this.pending).messages;
    this.pending = [];
    const frame = encodeFrame(batch);
    linkStats.frames++;
    linkStats.messages += batch.length;
    linkStats.bytes += frame.length;
    // what the portal renders: a msg's texts for its session, a multicast's once (per capability group)
    for (const m of batch) if (m.t === "msg" || m.t === "multicast") linkStats.renders += m.msgs.length;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

async function main(): Promise<void> {
  const players = Number(args.players);
  const seconds = Number(args.seconds);
  const mix = args.mix.split(",").map((c) => (c === "say" ? "say hello there, everyone" : c === "pose" ? "pose waves to everyone." : c));
  const db = await Database.open({ url: "sqlite::memory:" });
  const store = new Store(db, { lruSize: 10_000 });
  await store.init();
  setStore(store);
  const link = new LinkStandIn();
  // as the server's: output the sessions share leaves as multicasts
  const sharedOutput = (msgs: OobMessage[], sessids: number[]) => {
    for (const message of sharedOutputMessages(sessids, msgs)) link.send(message);
  };
  const sessions: ServerSession[] = [];
  await runInUnitOfWork(db, async () => {
    const room = await createObject(DefaultRoom, { key: "Limbo", attributes: { desc: "A crowded place." } });
    const away = await createObject(DefaultRoom, { key: "Elsewhere" });
    await createObject(DefaultExit, { key: "out", location: room, destination: away });
    for (let i = 0; i < players; i++) {
      const account = await createAccount(undefined, { username: `crowd${i}`, password: "secret123", permissions: ["Player"] });
      const character = await createObject(DefaultCharacter, { key: `Player${i}`, location: room, account, home: room });
      const session = new ServerSession(
        { sessid: i + 1, protocolKey: i % 2 ? "websocket" : "telnet", address: "127.0.0.1", connectedAt: Date.now(), clientOptions: { commandend: true }, data: {} } as never,
        (sessid, msgs) => link.send({ t: "msg", sessid, msgs }),
        sharedOutput,
      );
      session.account = account;
      session.puppet = character;
      character._attachSession(session);
      sessions.push(session);
    }
  });
  // `who` lists the room's 200 sessions, as the server's services would
  const services = { ...testServices({ serverName: "crowd" }), sessions: () => sessions, allSessions: () => sessions };
  const handler = new CommandHandler(db, services, DEFAULT_CMDSET_PATHS);
  // the first command in the room builds each occupant's cmdset (not what this measures)
  for (const s of sessions) await handler.execute(s, "look");

  const profiler = args.profile ? await startProfile() : null;
  // 1. one command at a time: CPU per look and per say
  const alone = Number(args.alone);
  const perCommand: Record<string, number> = {};
  for (const command of mix) {
    for (let i = 0; i < 20; i++) await handler.execute(sessions[i % players]!, command);
    await new Promise((r) => setImmediate(r));
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < alone; i++) {
      await handler.execute(sessions[i % players]!, command);
      await new Promise((r) => setImmediate(r)); // the link flushes each command's turn, as it would
    }
    const cpu = process.cpuUsage(cpu0);
    perCommand[command.length > 12 ? command.split(" ")[0]! : command] = (cpu.user + cpu.system) / alone;
  }

  // 2. everyone at once, closed loop
  const latencies: number[] = [];
  let done = 0;
  let stop = false;
  const framesBefore = { ...linkStats };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loops = sessions.map(async (session, i) => {
    for (let n = i; !stop; n++) {
      const start = performance.now();
      await handler.execute(session, mix[n % mix.length]!);
      latencies.push(performance.now() - start);
      done++;
      // the next command arrives in a later turn, as a client's would
      await new Promise((r) => setImmediate(r));
    }
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(loops);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (profiler) await profiler.stop(args.profile!);
  latencies.sort((a, b) => a - b);
  const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`crowded room: ${players} players, mix ${args.mix}, ${seconds} s closed loop (server side, link stand-in)`);
  for (const [name, us] of Object.entries(perCommand)) console.log(`  ${name.padEnd(9)} alone: ${fmt(us)} µs CPU each`);
  console.log(`  all at once: ${fmt(done / elapsed)} commands/s, latency p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms, CPU ${fmt(((cpu.user + cpu.system) / 1e6 / elapsed) * 100)}% of a core, ${fmt((cpu.user + cpu.system) / done)} µs CPU per command`);
  console.log(
    `  link: ${fmt((linkStats.messages - framesBefore.messages) / done, 2)} messages, ${fmt((linkStats.bytes - framesBefore.bytes) / done)} bytes ` +
      `and ${fmt((linkStats.renders - framesBefore.renders) / done, 1)} texts for the portal to render per command`,
  );
  setStore(null);
  await db.close();
}

await main();
