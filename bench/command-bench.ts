/**
 * Command throughput: `look` and `say` per second through the full command handler
 * (gathering the cmdsets of a room with 50 things and 20 exits, merging, parsing,
 * running in a unit of work), with the merged-cmdset cache on and off — Evennia's
 * merge cost is a known complaint (evennia#3807).
 *
 *   node --import tsx bench/command-bench.ts [--quick]
 *
 * Runs on an in-memory SQLite database, in this process. `npm run bench` runs it after
 * the data-layer benchmarks.
 */
import { fileURLToPath } from "node:url";
import { CmdSetHandler } from "../evennia-ts/commands/cmdset-handler.ts";
import type { CommandSession } from "../evennia-ts/commands/command.ts";
import { testServices } from "../evennia-ts/testing/command-services.ts";
import "../evennia-ts/commands/default/cmdsets.ts";
import "../evennia-ts/commands/exit-cmdset.ts";
import { CommandHandler } from "../evennia-ts/commands/handler.ts";
import { Database } from "../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../evennia-ts/db/unit-of-work.ts";
import "../evennia-ts/typeclasses/index.ts";
import { createAccount, createObject, DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, type DefaultAccount } from "../evennia-ts/typeclasses/index.ts";
import { Store } from "../evennia-ts/typeclasses/store.ts";
import { setStore } from "../evennia-ts/typeclasses/store-context.ts";
import { fmt, now } from "./measure.ts";

/** One measured command. */
export interface CommandRate {
  command: string;
  cache: "on" | "off";
  perSecond: number;
  /** Mean microseconds per command. */
  microseconds: number;
  /** Mean microseconds of CPU (user + system) this process spent per command: less swayed by a busy machine than the rate. */
  cpuMicroseconds: number;
  runs: number;
}

/** What the command benchmark reports. */
export interface CommandBenchResult {
  things: number;
  exits: number;
  rates: CommandRate[];
  /** Microseconds to gather and merge the cmdsets once, cache off / on. */
  mergeMicroseconds: { off: number; on: number };
}

class BenchSession implements CommandSession {
  readonly sessid = 1;
  readonly address = "127.0.0.1";
  readonly protocolKey = "bench";
  readonly clientOptions: Record<string, unknown> = {};
  readonly connectedAt = Date.now();
  readonly commandCount = 0;
  readonly lastCommandAt = Date.now();
  account: DefaultAccount | null = null;
  puppet: DefaultObject | null = null;
  readonly cmdset: CmdSetHandler = new CmdSetHandler(this, null);
  received = 0;
  msg(): void {
    this.received++;
  }
  updateClientOptions(options: Record<string, unknown>): void {
    Object.assign(this.clientOptions, options);
  }
}

const services = testServices({ serverName: "bench" });

const PATHS = {
  cmdsetUnloggedin: "evennia.commands.default.UnloggedinCmdSet",
  cmdsetSession: "evennia.commands.default.SessionCmdSet",
  cmdsetAccount: "evennia.commands.default.AccountCmdSet",
  cmdsetCharacter: "evennia.commands.default.CharacterCmdSet",
};

/** Run the command benchmark. */
export async function runCommandBench(options: { quick?: boolean } = {}): Promise<CommandBenchResult> {
  const seconds = options.quick ? 0.5 : 2;
  const db = await Database.open({ url: "sqlite::memory:" });
  const store = new Store(db, { lruSize: 1000 });
  await store.init();
  setStore(store);
  const session = new BenchSession();
  try {
    const things = 50;
    const exits = 20;
    await runInUnitOfWork(db, async () => {
      const room = await createObject(DefaultRoom, { key: "Bazaar" });
      const away = await createObject(DefaultRoom, { key: "Elsewhere" });
      for (let i = 0; i < things; i++) await createObject(DefaultObject, { key: `trinket ${i}`, location: room });
      for (let i = 0; i < exits; i++) {
        // each exit is a command of the room's exit cmdset (evennia-ts/commands/exit-cmdset.ts)
        await createObject(DefaultExit, { key: `passage${i}`, aliases: [`p${i}`], location: room, destination: away });
      }
      session.account = await createAccount(undefined, { username: "bencher", password: "secret123", permissions: ["Player"] });
      session.puppet = await createObject(DefaultCharacter, { key: "Bencher", location: room, account: session.account });
    });
    // alternate cache off and on over a few rounds and keep each one's best (a busy machine only slows runs down)
    const best = new Map<string, CommandRate>();
    const mergeMicroseconds = { off: Infinity, on: Infinity };
    const handlers = {
      off: new CommandHandler(db, services, PATHS, { mergeCacheSize: 0 }),
      on: new CommandHandler(db, services, PATHS, { mergeCacheSize: 1000 }),
    };
    const rounds = options.quick ? 2 : 3;
    for (let round = 0; round < rounds; round++) {
      for (const cache of ["off", "on"] as const) {
        const handler = handlers[cache];
        const merges = options.quick ? 200 : 1000;
        await handler.currentCmdSet(session);
        let t0 = now();
        for (let i = 0; i < merges; i++) await handler.currentCmdSet(session);
        mergeMicroseconds[cache] = Math.min(mergeMicroseconds[cache], ((now() - t0) * 1000) / merges);
        for (const command of ["look", "say hello"]) {
          for (let i = 0; i < 50; i++) await handler.execute(session, command); // warm up
          let runs = 0;
          const cpu0 = process.cpuUsage();
          t0 = now();
          const until = t0 + seconds * 1000;
          while (now() < until) {
            for (let i = 0; i < 20; i++) await handler.execute(session, command);
            runs += 20;
          }
          const ms = now() - t0;
          const cpu = process.cpuUsage(cpu0);
          const rate: CommandRate = {
            command: command.split(" ")[0]!,
            cache,
            perSecond: (runs * 1000) / ms,
            microseconds: (ms * 1000) / runs,
            cpuMicroseconds: (cpu.user + cpu.system) / runs,
            runs,
          };
          const key = `${rate.command}/${cache}`;
          const seen = best.get(key);
          if (!seen) best.set(key, rate);
          else {
            // the best rate and, separately, the least CPU a command took in any round
            if (seen.perSecond < rate.perSecond) best.set(key, { ...rate, cpuMicroseconds: Math.min(rate.cpuMicroseconds, seen.cpuMicroseconds) });
            else seen.cpuMicroseconds = Math.min(rate.cpuMicroseconds, seen.cpuMicroseconds);
          }
        }
      }
    }
    const rates = [...best.values()].sort((a, b) => a.command.localeCompare(b.command) || a.cache.localeCompare(b.cache));
    if (session.received === 0) throw new Error("the commands produced no output");
    return { things, exits, rates, mergeMicroseconds };
  } finally {
    setStore(null);
    await db.close();
  }
}

/** The result as a small table. */
export function formatCommandBench(r: CommandBenchResult): string {
  const lines = [`Commands through the full handler (room with ${r.things} things and ${r.exits} exits, SQLite in memory):`];
  lines.push(`  ${"command".padEnd(8)}${"cache".padEnd(7)}${"per second".padStart(12)}${"µs each".padStart(10)}${"CPU µs".padStart(9)}`);
  for (const rate of r.rates) {
    lines.push(`  ${rate.command.padEnd(8)}${rate.cache.padEnd(7)}${fmt(rate.perSecond).padStart(12)}${fmt(rate.microseconds, 1).padStart(10)}${fmt(rate.cpuMicroseconds, 1).padStart(9)}`);
  }
  lines.push(`  gather + merge cmdsets: ${fmt(r.mergeMicroseconds.off, 1)} µs with the cache off, ${fmt(r.mergeMicroseconds.on, 1)} µs with it on`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCommandBench({ quick: process.argv.includes("--quick") }).then(
    (r) => console.log(formatCommandBench(r)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
