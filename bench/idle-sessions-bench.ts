/**
 * Memory of idle sessions: start a scratch game, open N plain TCP connections to its
 * telnet port (clients that read what they are sent and never answer a negotiation
 * nor log in, like a crowd of idle players at the login screen), wait until the
 * server has a session for each, and report the resident memory of the portal and the
 * server before and with them, per session. Bounded: it connects, measures, closes.
 *
 *   node --import tsx bench/idle-sessions-bench.ts [--sessions 10000] [--batch 200] [--settle 10] [--hold 0]
 *
 * Each connection is a file descriptor in this process and in the portal: `ulimit -n`
 * must be above N plus a few hundred for both (the portal inherits this process's
 * limit; `maxConnections: "auto"` in the portal is that limit less a reserve). The
 * script refuses to start when the soft limit is too low and says so.
 */
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { parseArgs } from "node:util";
import { mib, rssBytes, sleep, startScratchGame, type ScratchGame } from "./scratch-game.ts";

const { values } = parseArgs({
  options: {
    sessions: { type: "string", default: "10000" },
    batch: { type: "string", default: "200" },
    settle: { type: "string", default: "10" },
    hold: { type: "string", default: "0" },
  },
});
const sessions = Number(values.sessions);
const batch = Number(values.batch);
const settleMs = Number(values.settle) * 1000;
/** Keep the sessions open this long after measuring (to take a heap snapshot of the portal, say). */
const holdMs = Number(values.hold) * 1000;

function openFileLimit(): number {
  const out = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  return out === "unlimited" ? Infinity : Number(out);
}

function openOne(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.removeListener("error", reject);
      socket.on("error", () => undefined);
      socket.on("data", () => undefined); // read and drop: an idle client still reads
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Wait until the server counts at least `n` sessions (or `timeoutMs` passes); returns its count. */
async function waitForSessions(game: ScratchGame, n: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let connected = 0;
  while (Date.now() < until) {
    connected = (await game.stats()).sessions.connected;
    if (connected >= n) return connected;
    await sleep(1000);
  }
  return connected;
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  if (limit < sessions + 500) {
    console.error(`ulimit -n is ${limit}: raise it above ${sessions + 500} (e.g. "ulimit -n 20000" in this shell) or ask for fewer --sessions.`);
    process.exit(2);
  }
  const game = await startScratchGame({ maxConnections: sessions + 100 });
  const sockets: Socket[] = [];
  try {
    await sleep(settleMs);
    const server0 = game.serverPid();
    const before = { portal: rssBytes(game.portalPid), server: rssBytes(server0), heap: (await game.stats()).heap.heapUsed };
    console.log(`idle game, no sessions: portal ${mib(before.portal)}, server ${mib(before.server)} (heap used ${mib(before.heap)})`);
    const startedAt = Date.now();
    let failed = 0;
    for (let i = 0; i < sessions; i += batch) {
      const results = await Promise.allSettled(Array.from({ length: Math.min(batch, sessions - i) }, () => openOne(game.telnetPort)));
      for (const r of results) {
        if (r.status === "fulfilled") sockets.push(r.value);
        else failed++;
      }
    }
    const connectSeconds = (Date.now() - startedAt) / 1000;
    const counted = await waitForSessions(game, sockets.length, 120_000);
    await sleep(settleMs);
    const open = sockets.filter((s) => !s.destroyed).length;
    const stats = await game.stats();
    const after = { portal: rssBytes(game.portalPid), server: rssBytes(game.serverPid()), heap: stats.heap.heapUsed };
    const per = (a: number, b: number): string => `${((a - b) / Math.max(1, open) / 1024).toFixed(1)} KiB`;
    console.log(`${sockets.length} connected in ${connectSeconds.toFixed(1)} s (${failed} refused or failed), ${open} still open after ${settleMs / 1000} s, server counts ${counted} (now ${stats.sessions.connected})`);
    console.log(`with them: portal ${mib(after.portal)}, server ${mib(after.server)} (heap used ${mib(after.heap)})`);
    console.log(`per session: portal ${per(after.portal, before.portal)}, server ${per(after.server, before.server)} RSS (${per(after.heap, before.heap)} of heap)`);
    console.log(JSON.stringify({ sessions, open, failed, counted, connectSeconds, before, after }));
    if (holdMs > 0) {
      console.log(`holding the sessions for ${holdMs / 1000} s (portal pid ${game.portalPid}, server pid ${game.serverPid()}, game ${game.dir})`);
      await sleep(holdMs);
    }
  } finally {
    for (const s of sockets) s.destroy();
    await game.close();
  }
}

await main();
process.exit(0);
