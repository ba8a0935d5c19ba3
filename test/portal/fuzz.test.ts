/**
 * Fuzz: many connections throw random bytes, random telnet commands, oversized
 * and truncated sub-negotiations, bogus compression and huge lines at the telnet
 * port for a bounded time. Afterwards the portal must still serve new players, a
 * player connected before the storm must be unaffected, no session may leak, and
 * nothing may have been logged as an error (an error here is an unexpected throw).
 *
 * Reproducible: the PRNG is seeded (FUZZ_SEED overrides the seed, FUZZ_MS the time).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { TelnetCommand as C, TelnetOption as O } from "../../evennia-ts/portal/telnet/telnet-codes.ts";
import { prng } from "../seeded-random.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_f00d);
const FUZZ_MS = Math.min(15_000, Number(process.env.FUZZ_MS ?? 6_000));
const WORKERS = 16;
const SCREEN = "create <username> <password>";


type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 256)));

const OPTIONS = [...Object.values(O), 0, 5, 200, 255, int(prng(1), 256)];
const VERBS = [C.WILL, C.WONT, C.DO, C.DONT];
const COMMANDS = [C.NOP, C.DM, C.BRK, C.IP, C.AO, C.AYT, C.EC, C.EL, C.GA, C.EOR, C.SE];
const WORDS = ["look", "say hi", "create", "connect a b", "help", "who", "quit", "", "\t", "%s%n", "|r|[500", "ā漢😀"];

/** One chunk of hostile input. */
const GENERATORS: ((r: Rand) => Buffer)[] = [
  // random bytes, short and long
  (r) => bytes(r, 1 + int(r, 64)),
  (r) => bytes(r, 1 + int(r, 4096)),
  // a random negotiation or command
  (r) => Buffer.from([C.IAC, pick(r, VERBS), pick(r, OPTIONS)]),
  (r) => Buffer.from([C.IAC, pick(r, COMMANDS)]),
  // a sub-negotiation for a known option with a random payload: complete, truncated or unterminated
  (r) => {
    const payload = bytes(r, int(r, 200));
    const end = pick(r, [[C.IAC, C.SE], [C.IAC], [], [C.SE]]);
    return Buffer.concat([Buffer.from([C.IAC, C.SB, pick(r, OPTIONS)]), payload, Buffer.from(end)]);
  },
  // well-formed-looking GMCP and MSDP with nonsense inside
  (r) =>
    Buffer.concat([
      Buffer.from([C.IAC, C.SB, O.GMCP]),
      Buffer.from(pick(r, ["Core.Hello ", "Core.Supports.Set ", "Char.Login ", "", "Core.Ping"]) + pick(r, ['{"a":', "[1,2", "null", '"x"', "{}", "💥"])),
      Buffer.from([C.IAC, C.SE]),
    ]),
  (r) => Buffer.from([C.IAC, C.SB, O.MSDP, 1, ...Buffer.from(pick(r, ["REPORT", "LIST", "SEND", "RESET", "X"])), 2, ...bytes(r, int(r, 20)), 3, 4, C.IAC, C.SE]),
  // NAWS and TTYPE and CHARSET with odd sizes
  (r) => Buffer.from([C.IAC, C.SB, O.NAWS, ...bytes(r, int(r, 8)), C.IAC, C.SE]),
  (r) => Buffer.from([C.IAC, C.SB, O.TTYPE, 0, ...Buffer.from(pick(r, ["MTTS 2147483647", "XTERM", "MUDLET", "", "MTTS -1"])), C.IAC, C.SE]),
  (r) => Buffer.from([C.IAC, C.SB, O.CHARSET, int(r, 8), ...Buffer.from(pick(r, [";UTF-8", " ISO-8859-1", "", ";;;"])), C.IAC, C.SE]),
  // a huge sub-negotiation (over the 64 KiB bound)
  (r) => Buffer.concat([Buffer.from([C.IAC, C.SB, pick(r, [O.GMCP, O.MSDP, O.TTYPE, 99])]), Buffer.alloc(70_000 + int(r, 40_000), 0x41), Buffer.from([C.IAC, C.SE])]),
  // agree to every option the portal offers (turns on MCCP2 output compression, GMCP, MSDP ...)
  () => Buffer.from(Object.values(O).flatMap((o) => [C.IAC, C.DO, o, C.IAC, C.WILL, o])),
  // MCCP3 agreed and started, followed by a stream that is not zlib
  (r) =>
    Buffer.concat([Buffer.from([C.IAC, C.DO, O.MCCP3, C.IAC, C.SB, O.MCCP3, C.IAC, C.SE]), bytes(r, 1 + int(r, 300))]),
  // invalid UTF-8 lines
  (r) => Buffer.concat([Buffer.from(Array.from({ length: 1 + int(r, 40) }, () => 0x80 + int(r, 0x7f))), Buffer.from("\r\n")]),
  // very long lines
  (r) => Buffer.concat([Buffer.alloc(8_000 + int(r, 30_000), 0x61 + int(r, 26)), Buffer.from(pick(r, ["\r\n", "\n", "\r", ""]))]),
  // commands, some of them half-written
  (r) => Buffer.from(pick(r, WORDS) + pick(r, ["\r\n", "\n", "\r\0", ""])),
  // IAC IAC escapes in text
  (r) => Buffer.from([0x61, C.IAC, C.IAC, 0x62, C.IAC, C.IAC, 0x0d, 0x0a].slice(0, 1 + int(r, 8))),
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fuzzing connection's life: connect, send a few hostile chunks, leave one way or another. */
async function fuzzOnce(port: number, r: Rand, deadline: number): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  socket.on("data", () => undefined); // read (and discard) what the portal sends
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once("connect", () => resolve());
    socket.once("close", () => resolve());
  });
  const chunks = 1 + int(r, 25);
  for (let i = 0; i < chunks && !socket.destroyed && Date.now() < deadline; i++) {
    socket.write(pick(r, GENERATORS)(r));
    if (r() < 0.5) await sleep(int(r, 15));
  }
  const leave = r();
  if (leave < 0.4) socket.destroy();
  else if (leave < 0.8) socket.end();
  else {
    // linger a little, reading, then hang up
    await sleep(int(r, 200));
    socket.destroy();
  }
  await Promise.race([closed, sleep(3000).then(() => socket.destroy())]);
}

let game: InProcessGame;
const errors: string[] = [];
const warnings = new Map<string, number>();
let previousSink: LogSink;

beforeAll(async () => {
  game = await startInProcessGame({ maxConnectionsPerIp: 10_000, connectionsPerIpPerMinute: 1_000_000 });
  previousSink = setLogSink((level, line) => {
    if (level === "error") errors.push(line);
    if (level === "warn") {
      const kind = line.replace(/^\S+ \[WARN\] \[[^\]]*\] /, "").replace(/\d+/g, "N").slice(0, 60);
      warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
    }
  });
});

afterAll(async () => {
  setLogSink(previousSink);
  await game.stop();
});

describe("telnet fuzz", () => {
  it(`survives ${FUZZ_MS} ms of hostile bytes from ${WORKERS} connections at a time (seed ${SEED})`, async () => {
    const anna = await TelnetTestClient.connect(game.telnetPort);
    try {
      await anna.waitFor(SCREEN);
      anna.send("create Anna secret123");
      await anna.waitFor("A new account 'Anna' was created");
      anna.send("connect Anna secret123");
      await anna.waitFor(/Limbo/);

      const deadline = Date.now() + FUZZ_MS;
      let connections = 0;
      const workers = Array.from({ length: WORKERS }, async (_, w) => {
        const r = prng(SEED + w);
        while (Date.now() < deadline) {
          connections++;
          await fuzzOnce(game.telnetPort, r, deadline);
        }
      });
      // the player keeps playing during the storm
      let said = 0;
      while (Date.now() < deadline) {
        anna.send(`say during ${said}`);
        await anna.waitFor(`You say, "during ${said}"`, 10_000);
        said++;
        await sleep(250);
      }
      await Promise.all(workers);
      if (process.env.FUZZ_VERBOSE) console.log({ connections, said, warnings });
      expect(connections).toBeGreaterThan(WORKERS);
      expect(said).toBeGreaterThan(0);

      // the portal still greets new players
      const newcomer = await TelnetTestClient.connect(game.telnetPort);
      try {
        await newcomer.waitFor(SCREEN);
        // the player from before the storm is still logged in and playing
        anna.send("say after the storm");
        await anna.waitFor('You say, "after the storm"');
        expect(anna.closed).toBe(false);
        // no fuzzing session leaked: only the player and the newcomer remain
        const until = Date.now() + 5000;
        while (game.portal.sessions.count !== 2 && Date.now() < until) await sleep(50);
        expect(game.portal.sessions.count).toBe(2);
        expect(game.portal.sessions.limits.admission.openFrom("127.0.0.1")).toBe(2);
      } finally {
        newcomer.close();
      }
      expect(errors, `errors logged during the fuzz (seed ${SEED}):\n${errors.join("\n")}`).toEqual([]);
    } finally {
      anna.close();
    }
  });

  // found by this fuzz (seed 2): the portal forwarded a message the link refuses, and the link closed
  it("a GMCP package name over the link's cmdname limit is dropped, not forwarded (the link stays up)", async () => {
    const serverBefore = game.server();
    const gmcp = await TelnetTestClient.connect(game.telnetPort);
    try {
      await gmcp.waitFor(SCREEN);
      gmcp.sendRaw(Buffer.from([C.IAC, C.DO, O.GMCP]));
      await new Promise((r) => setTimeout(r, 100));
      gmcp.sendRaw(Buffer.concat([Buffer.from([C.IAC, C.SB, O.GMCP]), Buffer.from("A".repeat(300) + " {}"), Buffer.from([C.IAC, C.SE])]));
      gmcp.send("look");
      await gmcp.waitFor(SCREEN);
      expect(game.server()).toBe(serverBefore);
      expect(errors).toEqual([]);
    } finally {
      gmcp.close();
    }
  });
});
