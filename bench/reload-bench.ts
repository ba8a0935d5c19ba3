/**
 * Reload under load: start a scratch game, log N telnet players in (the load tester's
 * virtual players, `looker` profile, closed loop), `reload` the server while they play,
 * and report what they saw: disconnects, how long until the new server had every
 * session back (logged in as before), and commands left unanswered — those sent while
 * the server was away must be answered once it is back. Bounded: ramp, a few seconds
 * of play, the reload, a few seconds more, stop.
 *
 *   node --import tsx bench/reload-bench.ts [--clients 1000] [--think 1000] [--before 5] [--after 10] [--timeout 30]
 *     [--ramp S] [--protocol telnet|websocket] [--no-login] [--postgres]
 *
 * `--postgres` runs the game on a scratch PostgreSQL database (made from
 * `EVENNIA_TEST_POSTGRES_URL` and dropped afterwards) instead of SQLite.
 *
 * Each player creates its account and logs in first (two `scrypt` hashes each: slow on
 * purpose), so the ramp of 1,000 players takes minutes on a busy machine. With
 * `--no-login --protocol websocket` the players stay at the login screen and their
 * commands (`look`, `who`, ... as the unlogged-in command set answers them) still get an
 * end marker: 1,000 sessions with traffic, without the hashing.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { restartServer } from "../evennia-ts/cli/commands/server-restart.ts";
import { CapturingIo } from "../evennia-ts/cli/io.ts";
import { telnetTransport } from "../evennia-ts/tools/loadtest/client-telnet.ts";
import { webSocketTransport } from "../evennia-ts/tools/loadtest/client-websocket.ts";
import { seededRandom } from "../evennia-ts/tools/loadtest/profiles.ts";
import { RunStats } from "../evennia-ts/tools/loadtest/run-stats.ts";
import { VirtualPlayer } from "../evennia-ts/tools/loadtest/virtual-player.ts";
import { createScratchDatabase } from "../evennia-ts/testing/database-fixture.ts";
import { sleep, startScratchGame, type ScratchGame } from "./scratch-game.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "1000" },
    think: { type: "string", default: "1000" },
    before: { type: "string", default: "5" },
    after: { type: "string", default: "10" },
    timeout: { type: "string", default: "30" },
    ramp: { type: "string", default: "" },
    protocol: { type: "string", default: "telnet" },
    "no-login": { type: "boolean", default: false },
    postgres: { type: "boolean", default: false },
  },
});
const clients = Number(values.clients);
const thinkMs = Number(values.think);
const beforeMs = Number(values.before) * 1000;
const afterMs = Number(values.after) * 1000;
const answerTimeoutMs = Number(values.timeout) * 1000;
const protocol = values.protocol === "websocket" ? "websocket" : "telnet";
/** Stay at the login screen: no password hashing, so 1,000 clients are cheap; needs websocket (telnet's end marker needs a login). */
const login = !values["no-login"];
if (!login && protocol !== "websocket") throw new Error("--no-login needs --protocol websocket: a telnet session turns its end-of-command marker on once logged in");
const rampMs = values.ramp ? Number(values.ramp) * 1000 : Math.min(120_000, clients * 50);

/** Poll the server until a server other than `oldPid` counts `connected` sessions and `loggedIn` logged in; ms taken, or null. */
async function waitForResync(
  game: ScratchGame,
  oldPid: number,
  connected: number,
  loggedIn: number,
  since: number,
  timeoutMs: number,
): Promise<{ ms: number | null; last: string; firstAnswer: { ms: number; connected: number; loggedIn: number } | null }> {
  let last = "no answer";
  let firstAnswer: { ms: number; connected: number; loggedIn: number } | null = null;
  while (performance.now() - since < timeoutMs) {
    try {
      const stats = await game.stats();
      last = `pid ${stats.pid}: ${stats.sessions.connected} sessions, ${stats.sessions.loggedIn} logged in`;
      if (stats.pid !== oldPid && firstAnswer === null) firstAnswer = { ms: Math.round(performance.now() - since), connected: stats.sessions.connected, loggedIn: stats.sessions.loggedIn };
      if (stats.pid !== oldPid && stats.sessions.connected >= connected && stats.sessions.loggedIn >= loggedIn) return { ms: performance.now() - since, last, firstAnswer };
    } catch {
      // the control socket is down while the server restarts
    }
    await sleep(100);
  }
  return { ms: null, last, firstAnswer };
}

async function main(): Promise<void> {
  const database = values.postgres ? await createScratchDatabase("postgres") : null;
  const game = await startScratchGame({ maxConnections: clients + 100, ...(database ? { databaseUrl: database.url } : {}) });
  const stats = new RunStats();
  const random = seededRandom(1);
  const players = Array.from(
    { length: clients },
    (_, i) =>
      new VirtualPlayer({
        name: `rl${i + 1}`,
        password: "rl-Pw-1",
        protocol,
        connect: protocol === "telnet" ? telnetTransport("127.0.0.1", game.telnetPort) : webSocketTransport(`ws://127.0.0.1:${game.webPort}/ws`),
        profile: "looker",
        stats,
        random,
        answerTimeoutMs,
        login,
      }),
  );
  try {
    const rampStart = performance.now();
    const ready = await Promise.all(
      players.map(async (p, i) => {
        await sleep((rampMs * i) / Math.max(1, clients - 1));
        return p.start();
      }),
    );
    const inGame = ready.filter(Boolean).length;
    console.log(`${inGame} of ${clients} ${login ? "logged in" : "connected"} in ${((performance.now() - rampStart) / 1000).toFixed(1)} s (${stats.loginFailures} login failures)`);
    const before = await game.stats();
    const oldPid = before.pid;
    const endsAt = performance.now() + beforeMs + afterMs;
    const loops = players.map(async (p, i) => {
      if (!ready[i]) return;
      while (performance.now() < endsAt && !p.closed) {
        await p.act();
        await sleep(thinkMs * (0.5 + random()));
      }
    });
    await sleep(beforeMs);
    const sentBefore = stats.sent;
    const disconnectsBefore = stats.disconnects;
    const reloadAt = performance.now();
    const io = new CapturingIo();
    const reloading = restartServer({ gameDir: game.dir, kind: "reload", io, timeoutMs: 120_000 });
    const resync = await waitForResync(game, oldPid, before.sessions.connected, before.sessions.loggedIn, reloadAt, 120_000);
    const code = await reloading;
    const sentDuring = stats.sent - sentBefore;
    await Promise.all(loops);
    // let the last answers in
    const drainUntil = performance.now() + answerTimeoutMs;
    while (players.some((p) => p.outstanding > 0) && performance.now() < drainUntil) await sleep(50);
    for (const p of players) p.stop();
    const report = {
      clients,
      loggedIn: inGame,
      reloadExitCode: code,
      resyncMs: resync.ms === null ? null : Math.round(resync.ms),
      resyncState: resync.last,
      newServerFirstAnswer: resync.firstAnswer,
      sessionsBefore: before.sessions,
      commandsSent: stats.sent,
      sentDuringReload: sentDuring,
      answered: stats.answered,
      unanswered: stats.unanswered,
      errors: stats.errors,
      disconnects: stats.disconnects,
      disconnectsDuringReloadPhase: stats.disconnects - disconnectsBefore,
      notes: [...stats.notes.entries()].slice(0, 10),
    };
    console.log(`reload (exit ${code}): every session back on the new server after ${report.resyncMs ?? "never"} ms (${resync.last})`);
    const first = resync.firstAnswer;
    if (first) console.log(`  the new server first answered after ${first.ms} ms, then with ${first.connected} sessions, ${first.loggedIn} logged in`);
    console.log(`commands: ${stats.sent} sent (${sentDuring} while reloading), ${stats.answered} answered, ${stats.unanswered} unanswered, ${stats.errors} errors; disconnects ${stats.disconnects}`);
    if (io.stderr.length) console.log(io.stderr.join("\n"));
    console.log(JSON.stringify(report));
  } finally {
    for (const p of players) p.stop();
    await game.close();
    await database?.dispose();
  }
}

await main();
process.exit(0);
