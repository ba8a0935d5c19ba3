/**
 * `evennia-ts loadtest`: drive a running game with virtual players over telnet and
 * websocket (see `tools/loadtest/` and docs/perf.md, "Load testing"), and with
 * `--baseline` the same load against a minimal echo server, every figure then also
 * given as a ratio to it. It parses its own options (there are many).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { isGameDir, loadSettings, type Settings } from "../../conf/settings.ts";
import { spawnEchoServer } from "../../tools/loadtest/echo-server.ts";
import { parseProfileMix, PROFILES, type ProfileMix } from "../../tools/loadtest/profiles.ts";
import { buildReport, formatDocument, loadTestDocument, type LoadReport } from "../../tools/loadtest/report.ts";
import { runLoadTest, type LoadTestOptions, type LoadTestResult } from "../../tools/loadtest/runner.ts";
import { openAnswerLog } from "../../tools/loadtest/answer-log.ts";
import type { AnswerRecord } from "../../tools/loadtest/run-stats.ts";
import { formatHeapTrack, HeapTracker, type HeapTrackSummary } from "../../tools/loadtest/heap-track.ts";
import { sendControlRequest } from "../../server/control/control-client.ts";
import { controlSocketPath } from "../../server/control/control-paths.ts";
import { formatLiveStats, type LiveStats } from "../../server/live-stats.ts";
import { EvenniaError } from "../../utils/errors.ts";
import type { CliCommand } from "../command.ts";
import { resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { gamePaths } from "../paths.ts";
import { inspectPidFile } from "../pid-files.ts";
import { readPortalStatus } from "../status-file.ts";

/** The usage text of `loadtest`. */
export const LOADTEST_USAGE = `Usage: npx evennia-ts loadtest [options]

  Drive the running game with virtual players and report throughput, latency
  percentiles, errors and the CPU/RSS of the portal and the server.

Options:
  --game DIR          the game folder (default: the current directory); its ports and pids
                      are read from server/logs/ (status.json, portal.pid, server.pid)
  --host H            address of the game (default 127.0.0.1)
  --telnet-port P     telnet port (default: the game's first)
  --web-port P        web port; websocket clients use ws://H:P/ws (default: the game's)
  --telnet N          telnet clients (default 5)
  --websocket N       websocket clients (default 5)
  --duration S        seconds measured, once every client has logged in (default 10)
  --ramp S            seconds over which the clients connect and log in, before that
                      (default: a quarter of the duration, at most 5)
  --settle S          seconds of full load, once everyone is in, before the measured part
                      (default 0): the JIT compiles the hot code under load and caches fill;
                      what goes wrong then still counts
  --mix SPEC          profiles by weight: "mixed" (default), one name, or name=weight,...
                      profiles: idler, looker, talker, walker, builder, chatter
  --rooms N           spread the clients over N rooms made for the run (dug in a ring, each
                      client teleported to room i mod N as it logs in; needs Builder);
                      default 1: all in the room new characters start in
  --think MS          closed loop: mean think time between answer and next command (default 1000)
  --rate R            open loop instead: R commands a second over all clients, answered or not
  --timeout S         a command unanswered after S seconds counts as unanswered (default 10)
  --seed N            seed of the random choices (default: random; printed)
  --pids LIST         processes to sample, role=pid,... (default: the game's portal and server)
  --json FILE         also write the report as JSON
  --answers FILE      write every measured answer of the game as a CSV row: when it was sent
                      (UTC), profile, command, first byte and answer in ms
  --progress          draw a progress bar on stderr even when it is not a terminal
  --baseline          also run the same load against a minimal echo server, and give ratios
  --baseline-only     run only the echo baseline (no game needed)
  --heap-track S      sample the server's live heap (control socket "stats", after a full
                      collection) every S seconds and compare the first sample after the
                      warm-up with the last
  --warmup S          seconds of the run (ramp included) before heap samples count (default 30)
  -h, --help          this text

The game's limits distort a load test unless set for it (server/conf/settings.ts):
  connectionLimitExemptIps: ["127.0.0.1"]   more than 20 clients, or 30 connections a minute, per IP
  accountCreationsPerIp: 0                  more than 5 new accounts per IP in the window
  commandRatePerSecond: 0 (or keep each client under it: think time >= 100 ms at the default 10)
  permissionAccountDefault: "Builder"       for the builder profile and --rooms (a test game only!)
Every run creates accounts (lt<run><n>), the builder's things and the rooms; use a test game.`;

/** What the command line asked for. */
export interface LoadTestCommandOptions {
  gameDir: string;
  run: Omit<LoadTestOptions, "telnetPort" | "webPort" | "pids" | "login" | "progress" | "onAnswer"> & {
    telnetPort?: number;
    webPort?: number;
    pids?: Record<string, number>;
  };
  jsonFile?: string;
  /** Write every measured answer of the game run here (CSV). */
  answersFile?: string;
  progress: boolean;
  baseline: "no" | "also" | "only";
  /** Sample the server's heap every this many seconds (absent: no heap tracking). */
  heapTrackSeconds?: number;
  /** Heap samples before this many seconds into the run are the warm-up. */
  warmupSeconds: number;
}

function number(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new EvenniaError("EV_ERR_BAD_INPUT", `${what} must be a number, got "${value}"`);
  return n;
}

function positive(n: number, what: string, zeroAllowed = false): number {
  if (zeroAllowed ? n < 0 : n <= 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `${what} must be ${zeroAllowed ? ">= 0" : "> 0"} seconds, got ${n}`);
  return n;
}

function parsePids(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec.split(",")) {
    const [role, pid] = part.split("=").map((s) => s.trim());
    if (!role || !pid || !/^\d+$/.test(pid)) throw new EvenniaError("EV_ERR_BAD_INPUT", `--pids takes role=pid,... (e.g. portal=123,server=124), got "${part}"`);
    out[role] = Number(pid);
  }
  return out;
}

/** Parse the options after `loadtest`; throws EV_ERR_BAD_INPUT naming what is wrong. Null for --help. */
export function parseLoadTestArgs(argv: string[], cwd: string): LoadTestCommandOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        game: { type: "string" },
        host: { type: "string" },
        "telnet-port": { type: "string" },
        "web-port": { type: "string" },
        telnet: { type: "string" },
        websocket: { type: "string" },
        duration: { type: "string" },
        ramp: { type: "string" },
        settle: { type: "string" },
        mix: { type: "string" },
        rooms: { type: "string" },
        think: { type: "string" },
        rate: { type: "string" },
        timeout: { type: "string" },
        seed: { type: "string" },
        pids: { type: "string" },
        json: { type: "string" },
        answers: { type: "string" },
        progress: { type: "boolean" },
        baseline: { type: "boolean" },
        "baseline-only": { type: "boolean" },
        "heap-track": { type: "string" },
        warmup: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", (err as Error).message);
  }
  if (values.help) return null;
  const durationS = number(values.duration, "--duration", 10);
  let mix: ProfileMix;
  try {
    mix = parseProfileMix(values.mix ?? "mixed");
  } catch (err) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `--mix: ${(err as Error).message}`);
  }
  const rooms = number(values.rooms, "--rooms", 1);
  if (!Number.isInteger(rooms) || rooms < 1) throw new EvenniaError("EV_ERR_BAD_INPUT", `--rooms must be a whole number >= 1, got ${values.rooms}`);
  if (rooms > 1 && values["baseline-only"]) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", "--rooms spreads the clients over the game's rooms, and --baseline-only runs no game: leave out one of them");
  }
  const seed = values.seed !== undefined ? number(values.seed, "--seed", 0) : Math.floor(Math.random() * 1e9);
  const tag = (seed % 1679616).toString(36).padStart(4, "0");
  return {
    gameDir: resolveGameDir(values.game, cwd),
    run: {
      host: values.host ?? "127.0.0.1",
      telnetPort: values["telnet-port"] !== undefined ? number(values["telnet-port"], "--telnet-port", 0) : undefined,
      webPort: values["web-port"] !== undefined ? number(values["web-port"], "--web-port", 0) : undefined,
      telnetClients: number(values.telnet, "--telnet", 5),
      websocketClients: number(values.websocket, "--websocket", 5),
      durationMs: durationS * 1000,
      rampMs: number(values.ramp, "--ramp", Math.min(5, durationS / 4)) * 1000,
      settleMs: number(values.settle, "--settle", 0) * 1000,
      mix,
      rooms,
      thinkMs: number(values.think, "--think", 1000),
      rate: values.rate !== undefined ? number(values.rate, "--rate", 0) : undefined,
      answerTimeoutMs: number(values.timeout, "--timeout", 10) * 1000,
      seed,
      namePrefix: `lt${tag}`,
      pids: values.pids !== undefined ? parsePids(values.pids) : undefined,
    },
    jsonFile: values.json !== undefined ? path.resolve(cwd, values.json) : undefined,
    answersFile: values.answers !== undefined ? path.resolve(cwd, values.answers) : undefined,
    progress: values.progress ?? false,
    baseline: values["baseline-only"] ? "only" : values.baseline ? "also" : "no",
    heapTrackSeconds: values["heap-track"] !== undefined ? positive(number(values["heap-track"], "--heap-track", 0), "--heap-track") : undefined,
    warmupSeconds: values.warmup !== undefined ? positive(number(values.warmup, "--warmup", 0), "--warmup", true) : 30,
  };
}

/**
 * What the game's settings will distort, in words (empty when nothing): per-IP
 * connection limits, the account-creation throttle, the per-session command rate,
 * and the builder profile's permission.
 */
export function settingsWarnings(settings: Settings, run: LoadTestCommandOptions["run"]): string[] {
  const out: string[] = [];
  const clients = run.telnetClients + run.websocketClients;
  const exempt = settings.connectionLimitExemptIps.includes(run.host) || (run.host === "localhost" && settings.connectionLimitExemptIps.includes("127.0.0.1"));
  if (!exempt) {
    if (settings.maxConnectionsPerIp > 0 && clients > settings.maxConnectionsPerIp) {
      out.push(`${clients} clients but maxConnectionsPerIp is ${settings.maxConnectionsPerIp}: add "${run.host}" to connectionLimitExemptIps.`);
    }
    if (settings.connectionsPerIpPerMinute > 0 && clients > settings.connectionsPerIpPerMinute) {
      out.push(`${clients} clients but connectionsPerIpPerMinute is ${settings.connectionsPerIpPerMinute}: add "${run.host}" to connectionLimitExemptIps.`);
    }
  }
  if (settings.accountCreationsPerIp > 0 && clients > settings.accountCreationsPerIp) {
    out.push(`${clients} new accounts but accountCreationsPerIp is ${settings.accountCreationsPerIp}: set it to 0 for the load test.`);
  }
  const perClient = run.rate !== undefined ? run.rate / Math.max(1, clients) : run.thinkMs > 0 ? 1000 / (run.thinkMs * 0.5) : Infinity;
  if (settings.commandRatePerSecond > 0 && perClient > settings.commandRatePerSecond) {
    out.push(`each client may send up to ${perClient === Infinity ? "unlimited" : perClient.toFixed(1)} commands a second but commandRatePerSecond is ${settings.commandRatePerSecond}: raise it (0 = unlimited) or think longer.`);
  }
  const builders = (run.mix.builder ?? 0) > 0;
  if (builders && !newAccountsBuild(settings)) {
    out.push(`the builder profile needs the Builder permission but new accounts get "${settings.permissionAccountDefault}": set permissionAccountDefault: "Builder" (test games only) or leave builder out of --mix.`);
  }
  return out;
}

/** True when the game's new accounts get the Builder permission (or a higher one). */
export function newAccountsBuild(settings: Settings): boolean {
  return ["builder", "admin", "developer"].includes(settings.permissionAccountDefault.toLowerCase());
}

/**
 * Refuse a run the game's settings cannot carry out at all: `--rooms` without the
 * Builder permission for new accounts (the rooms could not be dug nor the clients
 * moved, and every client would crowd one room).
 */
export function checkSettingsForRun(settings: Settings, run: LoadTestCommandOptions["run"]): void {
  if ((run.rooms ?? 1) > 1 && !newAccountsBuild(settings)) {
    throw new EvenniaError(
      "EV_ERR_CONFIG",
      `--rooms needs the Builder permission (to dig the rooms and teleport the clients to them), but new accounts get ` +
        `"${settings.permissionAccountDefault}": set permissionAccountDefault: "Builder" in a test game's server/conf/settings.ts, or leave out --rooms.`,
    );
  }
}

/** The game's ports and pids from its runtime files (what the options did not give). */
function gameTarget(options: LoadTestCommandOptions): { telnetPort?: number; webPort?: number; pids: Record<string, number> } {
  const paths = gamePaths(options.gameDir);
  const pids: Record<string, number> = {};
  for (const [role, file] of [["portal", paths.portalPid], ["server", paths.serverPid]] as const) {
    // a pid counts only when it is this game's process (not one that reused a stale pid)
    const state = inspectPidFile(file, paths.gameDir);
    if (state.kind === "alive") pids[role] = state.pid;
  }
  // the ports of the portal running now: a status file an earlier portal left is ignored
  const status = pids.portal === undefined ? null : readPortalStatus(paths.status, pids.portal);
  return {
    telnetPort: options.run.telnetPort ?? status?.telnetPorts[0],
    webPort: options.run.webPort ?? status?.webPort ?? undefined,
    pids: options.run.pids ?? pids,
  };
}

/** Run what `options` asks; resolves to the exit code (1 when nothing was answered). */
export async function runLoadTestCommand(options: LoadTestCommandOptions, io: CliIo, progressSink: { write(text: string): void } | null): Promise<number> {
  const { run } = options;
  let game: LoadReport | null = null;
  let baseline: LoadReport | null = null;
  let heapTrack: HeapTrackSummary | null = null;
  let serverView: LiveStats | null = null;
  let answersWritten = false; // (--answers)
  if (options.baseline !== "only") {
    const target = gameTarget(options);
    if (isGameDir(options.gameDir)) {
      const settings = await loadSettings(options.gameDir);
      checkSettingsForRun(settings, run);
      for (const w of settingsWarnings(settings, run)) io.err(`Warning: ${w}`);
    } else if (target.telnetPort === undefined && target.webPort === undefined) {
      throw new EvenniaError("EV_ERR_NOT_GAME_DIR", `${options.gameDir} is not a game folder: give --game DIR, or --telnet-port/--web-port (or --baseline-only).`);
    }
    if (run.telnetClients > 0 && target.telnetPort === undefined) throw new EvenniaError("EV_ERR_NOT_RUNNING", "no telnet port: is the game running? (or give --telnet-port)");
    if (run.websocketClients > 0 && target.webPort === undefined) throw new EvenniaError("EV_ERR_NOT_RUNNING", "no web port: is the game running? (or give --web-port)");
    const spread = (run.rooms ?? 1) > 1 ? `, ${run.rooms} rooms ${run.namePrefix}-room1..${run.rooms} built by ${run.namePrefix}0` : "";
    io.err(`Load test of the game at ${run.host} (seed ${run.seed}, accounts ${run.namePrefix}1..${run.namePrefix}${run.telnetClients + run.websocketClients}${spread}) ...`);
    const socket = controlSocketPath(options.gameDir);
    const tracker =
      options.heapTrackSeconds !== undefined
        ? new HeapTracker(async () => ((await sendControlRequest(socket, "stats", { gc: true }, { timeoutMs: 10_000 })) as LiveStats).heap, {
            intervalSeconds: options.heapTrackSeconds,
            warmupSeconds: options.warmupSeconds,
          })
        : null;
    const answers = options.answersFile !== undefined ? await openAnswerLog(options.answersFile) : null;
    tracker?.start();
    let result: LoadTestResult;
    try {
      result = await runLoadTest({
        ...run,
        telnetPort: target.telnetPort,
        webPort: target.webPort,
        pids: target.pids,
        login: true,
        progress: progressSink,
        ...(answers ? { onAnswer: (a: AnswerRecord) => answers.write(a) } : {}),
      });
    } finally {
      // a log that could not be written (disk full) costs the log, not the run's report
      if (answers) {
        answersWritten = await answers.close().then(
          () => true,
          (err: Error) => {
            io.err(`Warning: ${err.message}`);
            return false;
          },
        );
      }
    }
    heapTrack = (await tracker?.stop()) ?? null;
    game = buildReport(result, "game");
    // the server's own figures as the run ends (what `evennia-ts status` shows): its latency, loop and collector
    if (isGameDir(options.gameDir)) serverView = await sendControlRequest(socket, "stats", {}, { timeoutMs: 5_000 }).then((s) => s as LiveStats, () => null);
  }
  if (options.baseline !== "no") {
    io.err("Baseline: the same load against a minimal echo server ...");
    const echo = await spawnEchoServer("127.0.0.1");
    try {
      const result = await runLoadTest({ ...run, host: "127.0.0.1", telnetPort: echo.telnetPort, webPort: echo.webPort, pids: { echo: echo.pid }, login: false, progress: progressSink });
      baseline = buildReport(result, "baseline");
    } finally {
      await echo.close();
    }
  }
  const doc = loadTestDocument(game, baseline);
  for (const line of formatDocument(doc)) io.out(line);
  if (serverView) {
    io.out("");
    io.out("The server at the end of the run (as `evennia-ts status` shows it):");
    for (const line of formatLiveStats(serverView)) io.out(`  ${line}`);
  }
  if (heapTrack) {
    io.out("");
    for (const line of formatHeapTrack(heapTrack)) io.out(line);
  }
  if (options.jsonFile) {
    writeFileSync(options.jsonFile, `${JSON.stringify({ ...doc, ...(serverView ? { server: serverView } : {}), ...(heapTrack ? { heapTrack } : {}) }, null, 2)}\n`);
    io.out(`\nReport written to ${options.jsonFile}`);
  }
  if (game && answersWritten) io.out(`Answers written to ${options.answersFile}`);
  const answered = (game ?? baseline)?.commands.answered ?? 0;
  return answered > 0 ? 0 : 1;
}

/** The `loadtest` command. */
export const loadtestCommand: CliCommand = {
  name: "loadtest",
  synopsis: "[options]",
  summary: `load-test the running game over telnet and websocket (profiles: ${Object.keys(PROFILES).join(", ")}; --baseline: ratios to an echo server)`,
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  ownArguments: true,
  run: async ({ io, cwd, argv }) => {
    const options = parseLoadTestArgs(argv ?? [], cwd);
    if (options === null) {
      io.out(LOADTEST_USAGE);
      return 0;
    }
    const progress = options.progress || process.stderr.isTTY ? { write: (text: string) => void process.stderr.write(text) } : null;
    return runLoadTestCommand(options, io, progress);
  },
};
