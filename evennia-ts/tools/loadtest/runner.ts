/**
 * Runs a load test: connects the clients and logs them in, spread over the ramp;
 * once all are in, the measured part begins: each follows its profile — closed loop
 * (send, wait for the answer, think, again) or open loop (commands sent at random
 * times at a given total rate, answered or not) — for the run's duration; then it
 * waits briefly for the answers still due and closes everything. Logins are timed
 * apart (they hash passwords: slow on purpose) and do not count as commands. With
 * `rooms` > 1 the clients are spread over rooms made for the run before the ramp
 * (see room-spread.ts); each goes to its room as it logs in, also not counted.
 */
import { performance } from "node:perf_hooks";
import { GeneratorMonitor, type GeneratorUsage } from "./generator-monitor.ts";
import { ProcessWatcher, type ProcessUsage } from "./process-stats.ts";
import { assignProfiles, seededRandom, type ProfileMix } from "./profiles.ts";
import { ProgressBar, type ProgressSink } from "./progress.ts";
import { RoomSpread, type RoomPlacement } from "./room-spread.ts";
import { RunStats, type AnswerRecord } from "./run-stats.ts";
import { telnetTransport } from "./client-telnet.ts";
import { webSocketTransport } from "./client-websocket.ts";
import type { LoadProtocol, TransportFactory } from "./transport.ts";
import { VirtualPlayer } from "./virtual-player.ts";
import { EvenniaError } from "../../utils/errors.ts";

/** What to run. */
export interface LoadTestOptions {
  /** Host of the game (or of the echo baseline). */
  host: string;
  /** Telnet port (needed when there are telnet clients). */
  telnetPort?: number;
  /** Web port, whose `/ws` takes the websocket clients. */
  webPort?: number;
  telnetClients: number;
  websocketClients: number;
  /** Length of the measured part of the run, ms: it starts once every client has logged in. */
  durationMs: number;
  /** Clients connect and log in evenly spread over this many ms, before the measured part. */
  rampMs: number;
  /**
   * Once everyone is in, the load runs this many ms before the measured part begins
   * (default 0): the first seconds under full load are the JIT compiling the hot code
   * and caches filling, not how the game runs for hours.
   */
  settleMs?: number;
  mix: ProfileMix;
  /** Closed loop: mean think time between an answer and the next command, ms (times the profile's factor). */
  thinkMs: number;
  /** Open loop: commands per second over all clients; closed loop when absent. */
  rate?: number;
  /** A command not answered within this many ms counts as unanswered. */
  answerTimeoutMs: number;
  /** Create accounts and log in (false against the echo baseline). */
  login: boolean;
  /**
   * Spread the clients over this many rooms made for the run, client i in room
   * (i mod rooms), linked in a ring (needs the Builder permission). 1 or absent: all
   * stay where new characters start. Only with `login` (the echo server has no rooms).
   */
  rooms?: number;
  /** Seed of the random choices (profiles, think times, words). */
  seed: number;
  /** Account names are `<prefix><n>`; make it unique per run (accounts stay in the game). */
  namePrefix: string;
  /** Called with every measured answer (`--answers FILE`). */
  onAnswer?: (answer: AnswerRecord) => void;
  /** Processes to sample, role → pid (`portal`, `server`, `echo`). */
  pids: Readonly<Record<string, number>>;
  /** Where to draw the progress bar, or null for none. */
  progress: ProgressSink | null;
}

/** What a run measured. */
export interface LoadTestResult {
  options: LoadTestOptions;
  stats: RunStats;
  /** Wall time of the run, ms (ramp, logins and drain included). */
  elapsedMs: number;
  processes: ProcessUsage[];
  generator: GeneratorUsage;
  /** Where the clients were placed (null without `rooms` > 1). */
  rooms: RoomPlacement | null;
}

/** Longest wait for answers still due once the duration is over, ms. */
const DRAIN_MS = 2_000;

/**
 * Wait `ms` milliseconds. Under one millisecond it does not wait for a timer at all
 * (Node clamps `setTimeout(fn, 0)` to 1 ms, which alone would cap a closed-loop
 * client with `--think 0` near 1,000 commands/s); it yields one turn instead.
 */
function sleep(ms: number): Promise<void> {
  if (ms < 1) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Check the options; throws a RangeError naming the first thing wrong. */
export function checkLoadTestOptions(o: LoadTestOptions): void {
  const count = (n: number, what: string): void => {
    if (!Number.isInteger(n) || n < 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `${what} must be a whole number >= 0, got ${n}`);
  };
  count(o.telnetClients, "the number of telnet clients");
  count(o.websocketClients, "the number of websocket clients");
  if (o.telnetClients + o.websocketClients === 0) throw new EvenniaError("EV_ERR_BAD_INPUT", "there must be at least one client");
  if (o.telnetClients > 0 && !o.telnetPort) throw new EvenniaError("EV_ERR_BAD_INPUT", "telnet clients need a telnet port");
  if (o.websocketClients > 0 && !o.webPort) throw new EvenniaError("EV_ERR_BAD_INPUT", "websocket clients need a web port");
  if (!(o.durationMs > 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the duration must be > 0, got ${o.durationMs} ms`);
  if (!(o.settleMs === undefined || o.settleMs >= 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the settling time must be >= 0, got ${o.settleMs} ms`);
  if (!(o.rampMs >= 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the ramp must be >= 0, got ${o.rampMs} ms`);
  if (!(o.thinkMs >= 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the think time must be >= 0, got ${o.thinkMs} ms`);
  if (o.rate !== undefined && !(o.rate > 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the rate must be > 0 commands a second, got ${o.rate}`);
  if (!(o.answerTimeoutMs > 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the answer timeout must be > 0, got ${o.answerTimeoutMs} ms`);
  if (o.rooms !== undefined && !(Number.isInteger(o.rooms) && o.rooms >= 1)) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `the number of rooms must be a whole number >= 1, got ${o.rooms}`);
  }
}

/** Connections of `protocol` to the run's target. */
function transportFor(o: LoadTestOptions, protocol: LoadProtocol): TransportFactory {
  return protocol === "telnet" ? telnetTransport(o.host, o.telnetPort!) : webSocketTransport(`ws://${o.host}:${o.webPort}/ws`);
}

/**
 * Log in the architect (account `<prefix>0`, not one of the measured clients) and
 * have it build the run's rooms; throws (the architect logged out) when it cannot.
 * The architect stays for {@link RoomSpread.tidyUp}; stop it after that.
 */
async function buildRooms(o: LoadTestOptions, random: () => number): Promise<{ spread: RoomSpread; architect: VirtualPlayer }> {
  const own = new RunStats();
  const architect = new VirtualPlayer({
    name: `${o.namePrefix}0`,
    password: `${o.namePrefix}-Pw-${o.seed}`,
    protocol: o.telnetClients > 0 ? "telnet" : "websocket",
    connect: transportFor(o, o.telnetClients > 0 ? "telnet" : "websocket"),
    profile: "idler",
    stats: own,
    random,
    answerTimeoutMs: o.answerTimeoutMs,
    login: true,
  });
  try {
    if (!(await architect.start())) {
      const why = [...own.notes.keys()].join("; ") || "no reason given";
      throw new EvenniaError("EV_ERR_NOT_RUNNING", `--rooms: the client that builds the rooms (${o.namePrefix}0) could not log in: ${why}`);
    }
    return { spread: await RoomSpread.build(architect, o.namePrefix, o.rooms!), architect };
  } catch (err) {
    architect.stop();
    throw err;
  }
}

/** Run one load test. */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  checkLoadTestOptions(options);
  const o = options;
  const random = seededRandom(o.seed);
  const total = o.telnetClients + o.websocketClients;
  const profiles = assignProfiles(o.mix, total, random);
  const stats = new RunStats(o.onAnswer ?? null);
  const players: VirtualPlayer[] = [];
  for (let i = 0; i < total; i++) {
    const protocol: LoadProtocol = i < o.telnetClients ? "telnet" : "websocket";
    players.push(
      new VirtualPlayer({
        name: `${o.namePrefix}${i + 1}`,
        password: `${o.namePrefix}-Pw-${o.seed}`,
        protocol,
        connect: transportFor(o, protocol),
        profile: profiles[i]!,
        stats,
        random,
        answerTimeoutMs: o.answerTimeoutMs,
        login: o.login,
      }),
    );
  }
  // open loop: each player's share of the rate, idlers (think factor 5) a fifth of the others'
  const weights = players.map((p) => 1 / p.profile.thinkFactor);
  const weightSum = weights.reduce((a, b) => a + b, 0);

  const startedAt = performance.now();
  // the rooms first: a game that refuses to build them fails the run before any client connects
  const building = o.login && (o.rooms ?? 1) > 1 ? await buildRooms(o, random) : null;
  const spread = building?.spread ?? null;
  let measureFrom = Infinity;
  const settleMs = o.settleMs ?? 0;
  const bar = o.progress
    ? new ProgressBar(o.progress, () => {
        const now = performance.now();
        return {
          elapsedMs: now - startedAt,
          totalMs: (measureFrom === Infinity ? Math.max(o.rampMs, now - startedAt) + settleMs : measureFrom - startedAt) + o.durationMs,
          clients: stats.logins,
          wantedClients: total,
          answered: stats.answered,
          unanswered: stats.unanswered,
        };
      })
    : null;
  bar?.start();

  // connect and log in (and go to its room), spread over the ramp; the measured part starts when everyone is in
  const ready = await Promise.all(
    players.map(async (player, i) => {
      await sleep(total > 1 ? (o.rampMs * i) / (total - 1) : 0);
      if (!(await player.start())) return false;
      const misplaced = spread ? await spread.place(player, i) : null;
      if (misplaced !== null) stats.note(`not moved to its room: ${misplaced}`);
      return true;
    }),
  );
  if (building) {
    const untidy = await building.spread.tidyUp();
    if (untidy !== null) stats.note(`the exits to the run's rooms were not all destroyed: ${untidy}`);
    building.architect.stop();
  }
  measureFrom = performance.now() + settleMs;
  const endsAt = measureFrom + o.durationMs;
  const watcher = new ProcessWatcher(o.pids, () => performance.now());
  const generator = new GeneratorMonitor(() => performance.now());
  // the players start now; the figures (and the CPU and RSS sampling) once the settling is over
  const measuring = sleep(settleMs).then(() => {
    stats.startMeasuring();
    watcher.start();
    generator.start();
  });

  const closedLoop = async (player: VirtualPlayer): Promise<void> => {
    while (performance.now() < endsAt && !player.closed) {
      await player.act();
      const think = o.thinkMs * player.profile.thinkFactor * (0.5 + random());
      const left = endsAt - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(think, left));
    }
  };
  const openLoop = async (player: VirtualPlayer, rate: number): Promise<void> => {
    let next = performance.now();
    while (!player.closed) {
      next += (-Math.log(1 - random()) / rate) * 1000; // exponential gaps: Poisson arrivals
      if (next >= endsAt) break;
      await sleep(next - performance.now());
      void player.act();
    }
  };
  const runs = players.map(async (player, i) => {
    if (!ready[i]) return;
    if (o.rate === undefined) await closedLoop(player);
    else await openLoop(player, (o.rate * weights[i]!) / weightSum);
  });
  await Promise.all(runs);
  await measuring;
  const remaining = endsAt - performance.now();
  if (remaining > 0) await sleep(remaining);
  const drainUntil = performance.now() + Math.min(DRAIN_MS, o.answerTimeoutMs);
  while (players.some((p) => p.outstanding > 0) && performance.now() < drainUntil) await sleep(20);
  for (const p of players) p.stop();
  bar?.stop();
  const elapsedMs = performance.now() - startedAt;
  return { options, stats, elapsedMs, processes: watcher.stop(), generator: generator.stop(), rooms: spread?.placement() ?? null };
}
