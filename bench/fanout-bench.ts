/**
 * Fan-out benchmark (issue 16): a portal and a server in one process (real link, real
 * telnet sockets, SQLite), measuring
 *
 * - the `look` round trip of one client alone in the game (send → prompt back), and
 * - a crowded room: one player `say`s `--says` lines, one at a time (each heard by all
 *   before the next), to a room of `--players` players; messages per second delivered to the listeners' sockets (through server, link and
 *   portal rendering) and the process's CPU time per delivered message.
 *
 * It compares source trees in the same run: `--roots=<dir>,<dir>` runs each tree in a
 * child process of its own, alternating, `--rounds` times, and prints each figure
 * with its ratio to the first tree's (the machine is shared; compare ratios).
 *
 *   node --import tsx bench/fanout-bench.ts                         # this tree only
 *   node --import tsx bench/fanout-bench.ts --roots=/tmp/base,.     # before, after
 *   node --import tsx bench/fanout-bench.ts --players=50 --says=10  # a quick run
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startProfile } from "./measure.ts";

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), "..");

const { values: args } = parseArgs({
  options: {
    roots: { type: "string" },
    rounds: { type: "string", default: "2" },
    players: { type: "string", default: "200" },
    says: { type: "string", default: "20" },
    looks: { type: "string", default: "200" },
    worker: { type: "string" },
    /** Write a CPU profile of the crowded-room phase to this file (worker only). */
    profile: { type: "string" },
  },
});

/** What one run of one tree measured. */
interface FanoutResult {
  root: string;
  /** Median and mean `look` round trip of a lone client, µs. */
  lookMedianUs: number;
  lookMeanUs: number;
  players: number;
  says: number;
  /** Messages delivered to listeners per second (says × listeners ÷ elapsed). */
  deliveredPerSecond: number;
  /** Process CPU time (server and portal) per delivered message, µs. */
  cpuUsPerDelivery: number;
  /** Link messages server → portal per say, when the tree counts them. */
  linkMessagesPerSay: number | null;
  /** Renders per say in the portal, when the tree counts them. */
  rendersPerSay: number | null;
  loadAverage: number;
}

const MARKER = "zq9";
const GA = Buffer.from([0xff, 0xf9]);

/** A lean telnet client: counts prompts (IAC GA) and say markers without keeping what it reads. */
class LeanClient {
  prompts = 0;
  markers = 0;
  private text = "";
  private keepText = true;
  private tail = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (data: Buffer) => this.onData(data));
    socket.on("error", () => undefined);
  }

  static connect(port: number): Promise<LeanClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => resolve(new LeanClient(s)));
      s.once("error", reject);
    });
  }

  send(line: string): void {
    this.socket.write(line + "\r\n");
  }

  /** Stop keeping received text (only counts from now on). */
  countOnly(): void {
    this.keepText = false;
    this.text = "";
  }

  async until(done: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.text.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForText(text: string): Promise<void> {
    return this.until(() => this.text.includes(text));
  }

  private onData(data: Buffer): void {
    const joined = this.tail.length ? Buffer.concat([this.tail, data]) : data;
    const from = this.tail.length;
    this.prompts += countFrom(joined, GA, from);
    this.markers += countFrom(joined, Buffer.from(MARKER), from);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 3)));
    if (this.keepText) this.text += data.toString("latin1");
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Occurrences of `needle` in `hay` that end after byte `from` (the carried-over tail). */
function countFrom(hay: Buffer, needle: Buffer, from: number): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) if (at + needle.length > from) n++;
  return n;
}

async function worker(root: string): Promise<FanoutResult> {
  const players = Number(args.players);
  const says = Number(args.says);
  const looks = Number(args.looks);
  const { startInProcessGame } = (await import(path.join(root, "evennia-ts/testing/in-process-game.ts"))) as typeof import("../evennia-ts/testing/in-process-game.ts");
  const game = await startInProcessGame({
    accountCreationsPerIp: 0,
    commandRatePerSecond: 0,
    connectionsPerIpPerMinute: 0,
    maxConnectionsPerIp: 0,
    loginAttemptsPerIp: 0,
    commandQueueLimit: 10_000,
    maxOutputBuffer: 64 * 1024 * 1024,
  });
  const clients: LeanClient[] = [];
  const login = async (name: string): Promise<LeanClient> => {
    const c = await LeanClient.connect(game.telnetPort);
    clients.push(c);
    await c.waitForText("create <username>");
    c.send(`create ${name} secret123`);
    await c.waitForText("was created");
    c.send(`connect ${name} secret123`);
    await c.waitForText("You become ");
    return c;
  };
  try {
    // 1. one client alone: look round trips
    const anna = await login("Anna");
    await new Promise((r) => setTimeout(r, 300));
    anna.countOnly();
    const times: number[] = [];
    for (let i = 0; i < looks + 20; i++) {
      const before = anna.prompts;
      const start = process.hrtime.bigint();
      anna.send("look");
      await anna.until(() => anna.prompts > before);
      if (i >= 20) times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    times.sort((a, b) => a - b);

    // 2. the crowded room
    const listeners: LeanClient[] = [];
    for (let i = 1; i < players; i += 10) {
      const batch = [];
      for (let j = i; j < Math.min(players, i + 10); j++) batch.push(login(`Player${j}`));
      listeners.push(...(await Promise.all(batch)));
    }
    for (const c of listeners) c.countOnly();
    await new Promise((r) => setTimeout(r, 1000)); // arrivals settle
    // one untimed say: the first command in the room builds every occupant's default cmdset once
    anna.send(`say warm-up ${MARKER}`);
    await Promise.all(listeners.map((c) => c.until(() => c.markers >= 1, 120_000)));
    for (const c of listeners) c.markers = 0;
    const server = game.server() as unknown as { linkStats?: { messages: number } | null };
    const portal = game.portal as unknown as { multicastStats?: { renders: number } };
    const linkBefore = server.linkStats?.messages ?? null;
    const rendersBefore = portal.multicastStats?.renders ?? null;
    const profiler = args.profile ? await startProfile() : null;
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    // one say at a time, each heard by everyone before the next (a flood would measure
    // how many says share one turn, not what one say costs)
    for (let i = 0; i < says; i++) {
      anna.send(`say ${MARKER} ${i}`);
      await Promise.all(listeners.map((c) => c.until(() => c.markers >= i + 1, 120_000)));
    }
    const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    if (profiler) await profiler.stop(args.profile!);
    const delivered = says * listeners.length;
    const linkAfter = server.linkStats?.messages ?? null;
    const rendersAfter = portal.multicastStats?.renders ?? null;
    return {
      root,
      lookMedianUs: times[Math.floor(times.length / 2)]!,
      lookMeanUs: times.reduce((a, b) => a + b, 0) / times.length,
      players,
      says,
      deliveredPerSecond: delivered / elapsedS,
      cpuUsPerDelivery: (cpu.user + cpu.system) / delivered,
      linkMessagesPerSay: linkBefore === null || linkAfter === null ? null : (linkAfter - linkBefore) / says,
      rendersPerSay: rendersBefore === null || rendersAfter === null ? null : (rendersAfter - rendersBefore) / says,
      loadAverage: Number((await import("node:os")).loadavg()[0]!.toFixed(1)),
    };
  } finally {
    for (const c of clients) c.socket.destroy();
    await game.stop();
  }
}

function runChild(root: string): Promise<FanoutResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", thisFile, `--worker=${root}`, `--players=${args.players}`, `--says=${args.says}`, `--looks=${args.looks}`], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, EVENNIA_LOG_LEVEL: "error" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as FanoutResult);
      else reject(new Error(`worker for ${root} exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

function fmt(n: number | null, digits = 0): string {
  return n === null ? "—" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  if (args.worker) {
    const result = await worker(path.resolve(args.worker));
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const roots = (args.roots ?? repoRoot).split(",").map((r) => path.resolve(r));
  const results = new Map<string, FanoutResult[]>(roots.map((r) => [r, []]));
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const root of round % 2 === 0 ? roots : [...roots].reverse()) {
      process.stderr.write(`round ${round + 1}: ${root} ...\n`);
      results.get(root)!.push(await runChild(root));
    }
  }
  // best of the rounds per figure (a busy machine only makes runs slower)
  const best = roots.map((root) => {
    const rs = results.get(root)!;
    return {
      root,
      lookMedianUs: Math.min(...rs.map((r) => r.lookMedianUs)),
      deliveredPerSecond: Math.max(...rs.map((r) => r.deliveredPerSecond)),
      cpuUsPerDelivery: Math.min(...rs.map((r) => r.cpuUsPerDelivery)),
      linkMessagesPerSay: rs[0]!.linkMessagesPerSay,
      rendersPerSay: rs[0]!.rendersPerSay,
      load: rs.map((r) => r.loadAverage).join("/"),
    };
  });
  const base = best[0]!;
  console.log(`\nfan-out: ${args.players} players, ${args.says} says; look round trip of a lone client (${args.looks} looks); best of ${args.rounds} rounds`);
  console.log("| tree | look round trip, median µs | delivered msgs/s | CPU µs per delivered msg | link msgs per say | renders per say | load avg |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const b of best) {
    const ratio = (x: number, y: number): string => (b === base ? "" : ` (${(x / y).toFixed(2)}×)`);
    console.log(
      `| ${b.root} | ${fmt(b.lookMedianUs)}${ratio(b.lookMedianUs, base.lookMedianUs)} | ${fmt(b.deliveredPerSecond)}${ratio(b.deliveredPerSecond, base.deliveredPerSecond)} | ` +
        `${fmt(b.cpuUsPerDelivery, 1)}${ratio(b.cpuUsPerDelivery, base.cpuUsPerDelivery)} | ${fmt(b.linkMessagesPerSay, 1)} | ${fmt(b.rendersPerSay, 1)} | ${b.load} |`,
    );
  }
}

await main();
