/**
 * The system commands: py, accounts, service, about, time, server.
 * char1/account1 are Developers, char2/account2 plain Players.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CmdAccounts } from "../../../evennia-ts/commands/default/accounts-list.ts";
import { CmdPy } from "../../../evennia-ts/commands/default/py.ts";
import { CmdAbout, CmdServerLoad, CmdTime, formatDuration } from "../../../evennia-ts/commands/default/server-info.ts";
import { CmdService } from "../../../evennia-ts/commands/default/service.ts";
import { CommandLatencyRecorder, CommandRateCounter } from "../../../evennia-ts/server/command-stats.ts";
import { recordFirstStart } from "../../../evennia-ts/server/server-clock.ts";
import { ServerConfig } from "../../../evennia-ts/server/server-config.ts";
import { callCommand, describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { getById } from "../../../evennia-ts/typeclasses/search.ts";

/** Type `line` on `session` through the real command handler (locks checked) and return what it got. */
async function typed(world: TestWorld, line: string, session = world.session2): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

describeWithWorld("py, disabled (the default)", (w) => {
  it("says it is disabled and how to enable it, even to a Developer", async () => {
    const out = await callCommand(w.world, CmdPy, "1 + 1", "The py command is disabled.");
    expect(out.text).toContain("pyCommandEnabled: true");
    expect(out.text).not.toContain("2");
    expect(w.world.settings.pyCommandEnabled).toBe(false);
  });
});

describeWithWorld(
  "py, enabled",
  (w) => {
    it("shows the code and the value of an expression", async () => {
      const out = await callCommand(w.world, CmdPy, "1 + 2");
      expect(out.text).toBe(">>> 1 + 2\n3");
      await callCommand(w.world, CmdPy, "me.key", ">>> me.key\nChar");
      await callCommand(w.world, CmdPy, "here.key + ' / ' + self.location.key", ">>> here.key + ' / ' + self.location.key\nRoom / Room");
    });

    it("runs TypeScript statements with await, shows the last expression, and prints", async () => {
      const { world } = w;
      const out = await callCommand(world, CmdPy, `const o = await getById(${world.obj1.id}); const n: number = 2; console.log("found", o.key); o.db.weight = n * 3; o.db.weight`);
      expect(out.text.split("\n").slice(1)).toEqual(["found Obj", "6"]);
      // the change was made in the command's unit of work, and is stored
      const rows = await world.fixture.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_id = ? AND key = 'weight'", [world.obj1.id]);
      expect(rows).toHaveLength(1);
      expect(await getById(world.obj1.id)).toBe(world.obj1);
    });

    it("reports errors instead of failing, and times with /time", async () => {
      const { world } = w;
      await callCommand(world, CmdPy, "nosuchname + 1", ">>> nosuchname + 1\nReferenceError: nosuchname is not defined");
      const syntax = await callCommand(world, CmdPy, "1 +* 2");
      expect(syntax.text.split("\n")[1]).toMatch(/^Error: .*Unexpected/);
      const timed = await callCommand(world, CmdPy, "/time 40 + 2");
      expect(timed.text).toMatch(/^>>> 40 \+ 2\n \(runtime ~ [\d.]+ ms\)\n42$/);
      await callCommand(world, CmdPy, "", "Usage: py <code>");
    });

    it("is refused to a plain Player", async () => {
      expect(await typed(w.world, "py 1 + 1")).toContain("Command 'py 1 + 1' is not available");
    });
  },
  { settings: { pyCommandEnabled: true } },
);

describeWithWorld("system commands", (w) => {
  it("are refused to a plain Player, through the command handler (about and time are not)", async () => {
    const { world } = w;
    for (const line of ["accounts", "service", "server"]) expect(await typed(world, line)).toContain(`Command '${line}' is not available`);
    expect(await typed(world, "about")).toContain("evennia-ts version");
    expect(await typed(world, "time")).toContain("Current uptime");
  });

  // ---- accounts --------------------------------------------------------------

  it("accounts shows the typeclass distribution and the latest accounts", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdAccounts, "", "Account typeclass distribution: (2 accounts in all)");
    expect(out.text).toMatch(/typeclass\s*\|\s*count\s*\|\s*%/);
    expect(out.text).toMatch(new RegExp(`${world.account1.typeclassPath.replace(/\./g, "\\.")}\\s*\\|\\s*2\\s*\\|\\s*100\\.00`));
    expect(out.text).toContain("Last 2 Accounts created:");
    expect(out.text).toMatch(new RegExp(`${world.account1.dbref}\\s*\\|\\s*TestAccount\\s*\\|`));
    const one = await callCommand(world, CmdAccounts, "1", "Account typeclass distribution:");
    expect(one.text).toContain("Last 1 Accounts created:");
    expect(one.text).toContain("TestAccount2");
    expect(one.text).not.toMatch(/TestAccount\s*\|/);
    await callCommand(world, CmdAccounts, "many", "Usage: accounts [nr]");
  });

  it("accounts/delete asks, disconnects the account and deletes it from the database", async () => {
    const { world } = w;
    const kept = await callCommand(world, CmdAccounts, "/delete TestAccount2", undefined, { inputs: [""] });
    expect(kept.text).toContain("Canceled deletion.");
    expect(world.account2.isDeleted).toBe(false);
    const out = await callCommand(world, CmdAccounts, "/delete TestAccount2 : spam", undefined, { inputs: ["yes"] });
    expect(out.text).toContain("Informing and disconnecting account ...");
    expect(out.text).toContain("Account TestAccount2 was successfully deleted.");
    expect(world.portalMessages).toContainEqual({
      t: "disconnect",
      sessid: world.session2.sessid,
      reason: "Your account 'TestAccount2' is being *permanently* deleted. Reason given:\n  'spam'",
    });
    expect(world.account2.isDeleted).toBe(true);
    const rows = await world.fixture.db.query("SELECT id FROM accounts WHERE id = ?", [world.account2.id]);
    expect(rows).toEqual([]);
    // the character stays, played by nobody
    expect(world.char2.isDeleted).toBe(false);
    expect(world.char2.account).toBeNull();
  });

  it("accounts/delete is for Developers, needs a name, and spares the caller's own account", async () => {
    const { world } = w;
    await callCommand(world, CmdAccounts, "/delete", "Usage: accounts/delete <name or #id> [: reason]");
    await callCommand(world, CmdAccounts, "/delete Nobody", "Could not find 'Nobody'.");
    await callCommand(world, CmdAccounts, "/delete TestAccount", "You cannot delete your own account");
    await world.unit(() => world.account2.permissions.add("Admin"));
    await callCommand(world, CmdAccounts, "/delete TestAccount", "You are not allowed to delete accounts.", { caller: world.char2 });
    expect(world.account1.isDeleted).toBe(false);
  });

  // ---- service ---------------------------------------------------------------

  it("service lists the services, stops and starts one that may be, and never an essential one", async () => {
    const { world } = w;
    const list = await callCommand(world, CmdService, "");
    expect(list.text).toMatch(/Service \(use\s.*\|\s*status\s*\|\s*what it does/);
    expect(list.text).toContain("services/start|stop)");
    expect(list.text).toMatch(/Database \(essential\)\s*\|\s*Running/);
    expect(list.text).toMatch(/HeapWatcher\s*\|\s*Not Running/);
    await callCommand(world, CmdService, "/start HeapWatcher", "Service 'HeapWatcher' started.");
    expect((await callCommand(world, CmdService, "/list")).text).toMatch(/HeapWatcher\s*\|\s*Running/);
    await callCommand(world, CmdService, "/start HeapWatcher", "That service is already running.");
    await callCommand(world, CmdService, "/stop HeapWatcher", "Stopped service 'HeapWatcher'.");
    await callCommand(world, CmdService, "/stop HeapWatcher", "That service is not currently running.");
    await callCommand(world, CmdService, "/stop Database", "You cannot stop 'Database': it is an essential service");
  });

  it("service explains unknown names and missing arguments", async () => {
    const { world } = w;
    await callCommand(world, CmdService, "/stop heapwatcher", "Invalid service name 'heapwatcher'. This command is case-sensitive");
    await callCommand(world, CmdService, "/stop", "Usage: service/stop <servicename>");
    await callCommand(world, CmdService, "HeapWatcher", "Usage: service/<list|start|stop> [servicename]");
  });

  // ---- about, time -----------------------------------------------------------

  it("about shows the version from package.json, Node.js and the platform", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    const out = await callCommand(w.world, CmdAbout, "", "evennia-ts MU* development system");
    expect(out.text).toContain(`evennia-ts version: ${manifest.version}`);
    expect(out.text).toContain(`Node.js: ${process.version}`);
    expect(out.text).toContain(`OS: ${process.platform}`);
  });

  it("time shows uptime, the first start kept in the database, and the time now", async () => {
    const { world } = w;
    const firstStart = Date.UTC(2026, 0, 2, 3, 4, 5);
    await recordFirstStart(world.fixture.db, new ServerConfig(world.fixture.db), firstStart);
    // recorded once: a later start does not move it
    await recordFirstStart(world.fixture.db, new ServerConfig(world.fixture.db), Date.now());
    const out = await callCommand(world, CmdTime, "", "+");
    expect(out.text).toMatch(/Server time/);
    expect(out.text).toMatch(/Current uptime\s*\|\s*\d+ seconds?/);
    expect(out.text).toMatch(/First start\s*\|\s*2026-01-02 03:04:05 UTC/);
    expect(out.text).toMatch(/Total runtime\s*\|\s*\d+ (days|years)/);
    expect(out.text).toMatch(new RegExp(`Current time\\s*\\|\\s*${new Date().toISOString().slice(0, 10)}`));
    expect(out.text).toContain("(The game clock is not running.)"); // the world fixture does not start it; see timer-commands.test.ts
  });

  it("time says when the first start is not known", async () => {
    const out = await callCommand(w.world, CmdTime, "");
    expect(out.text).toMatch(/First start\s*\|\s*unknown/);
    expect(out.text).toMatch(/Total runtime\s*\|\s*unknown/);
  });

  // ---- server ----------------------------------------------------------------

  it("server shows load, memory, commands, sessions and the object cache", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdServerLoad, "", "Server CPU and Memory load:");
    expect(out.text).toMatch(new RegExp(`Process ID\\s*\\|\\s*${process.pid}`));
    expect(out.text).toMatch(/Memory usage \(RSS\)\s*\|\s*[\d.]+ MiB/);
    expect(out.text).toMatch(/Heap used\s*\|/);
    expect(out.text).toMatch(/Commands\s*\|\s*[\d.]+ per second \(last 60 s\), 1 since start/);
    expect(out.text).toMatch(/Sessions\s*\|\s*2 connected \(\S+ 2\), 2 logged in/);
    // the latency of a command is recorded when it ends: none yet while the first runs
    expect(out.text).toMatch(/Command latency\s*\|\s*no commands yet/);
    expect(out.text).toMatch(/Entity idmapper cache: \d+ items/);
    expect(out.text).toMatch(new RegExp(`${world.char1.typeclassPath.replace(/\./g, "\\.")}\\s*\\|\\s*2\\s*\\|`));
    const again = await callCommand(world, CmdServerLoad, "");
    expect(again.text).toMatch(/, 2 since start/);
    expect(again.text).toMatch(/Command latency\s*\|\s*p50\/p90\/p99\/max [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms \(last 1\)/);
  });

  it("server/mem shows one line; server/flushmem empties the cache and shows before and after", async () => {
    const { world } = w;
    await callCommand(world, CmdServerLoad, "/mem", "Memory usage: RSS:");
    const out = await callCommand(world, CmdServerLoad, "/flushmem", "The object cache let go of");
    expect(out.text).toMatch(/Objects in memory: \d+ before, \d+ after/);
    // puppets are pinned: they stay
    expect(await getById(world.char1.id)).toBe(world.char1);
    await callCommand(world, CmdServerLoad, "now", "Usage: server[/mem|/flushmem]");
  });
});

describe("CommandLatencyRecorder", () => {
  it("gives percentiles over the most recent commands only, and nothing before the first", () => {
    const latency = new CommandLatencyRecorder(100);
    expect(latency.summary()).toEqual({ samples: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    for (let i = 1; i <= 100; i++) latency.record(i);
    expect(latency.summary()).toEqual({ samples: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    // 100 more, ten times slower: the ring now holds only these
    for (let i = 1; i <= 100; i++) latency.record(i * 10);
    expect(latency.summary()).toEqual({ samples: 100, p50: 500, p90: 900, p99: 990, max: 1000 });
  });

  it("ignores values that are not latencies and refuses a capacity that is not one", () => {
    const latency = new CommandLatencyRecorder(4);
    latency.record(-1);
    latency.record(Number.NaN);
    latency.record(Infinity);
    latency.record(2);
    expect(latency.summary()).toEqual({ samples: 1, p50: 2, p90: 2, p99: 2, max: 2 });
    expect(() => new CommandLatencyRecorder(0)).toThrow(/capacity must be a positive integer/);
    expect(() => new CommandLatencyRecorder(1.5)).toThrow(/capacity must be a positive integer/);
  });
});

describe("CommandRateCounter", () => {
  it("averages over the last minute, and forgets older seconds", () => {
    let now = 1_000_000;
    const rate = new CommandRateCounter(60, () => now);
    for (let i = 0; i < 30; i++) rate.record();
    now += 10_000;
    expect(rate.perSecond()).toBeCloseTo(3);
    now += 30_000;
    for (let i = 0; i < 10; i++) rate.record();
    expect(rate.perSecond()).toBeCloseTo(1);
    now += 59_500;
    expect(rate.perSecond()).toBeCloseTo(10 / 60);
    now += 120_000;
    expect(rate.perSecond()).toBe(0);
    expect(rate.total).toBe(40);
  });

  it("formats durations in the largest units", () => {
    expect(formatDuration(0)).toBe("0 seconds");
    expect(formatDuration(3661)).toBe("1 hour, 1 minute, 1 second");
    expect(formatDuration(2 * 86400 + 5, 2)).toBe("2 days, 5 seconds");
  });
});

describe("system commands on a running server", () => {
  let game: InProcessGame | null = null;
  const clients: TelnetTestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await game?.stop();
    game = null;
  });

  it("service lists the server's own services and stops and starts the control channel; server and time read the server's figures", async () => {
    game = await startInProcessGame({ identityMapFlushHeapMb: 4096 });
    const anna = await TelnetTestClient.connect(game.telnetPort);
    clients.push(anna);
    await anna.waitFor("create <username> <password>");
    anna.send("create Anna secret123");
    await anna.waitFor("A new account 'Anna' was created");
    anna.send("connect Anna secret123");
    await anna.waitFor(/Limbo/);

    anna.send("service");
    const list = await anna.waitFor(/ControlChannel[^\n]*\n[\s\S]*?\+-+/);
    expect(list).toMatch(/PortalLink \(essential\)\s*\|\s*Running/);
    expect(list).toMatch(/CommandHandler \(essential\)\s*\|\s*Running/);
    expect(list).toMatch(/LoginThrottle \(settings only\)\s*\|\s*Running/);
    expect(list).toMatch(/HeapWatcher\s*\|\s*Running/);
    expect(list).toMatch(/ControlChannel\s*\|\s*Running/);
    anna.send("service/stop PortalLink");
    await anna.waitFor("You cannot stop 'PortalLink': it is an essential service");
    anna.send("service/stop ControlChannel");
    await anna.waitFor("Stopped service 'ControlChannel'.");
    anna.send("service/start ControlChannel");
    await anna.waitFor("Service 'ControlChannel' started.");
    anna.send("service/stop HeapWatcher");
    await anna.waitFor("Stopped service 'HeapWatcher'.");

    anna.send("server");
    const load = await anna.waitFor(/Entity idmapper cache:[^\n]*\n[\s\S]*?\+-+[^\n]*\n[\s\S]*?\+-+/);
    // the typed lines so far (create, connect, 4 service, 1 server ...) were counted by the server
    const total = Number(/per second \(last 60 s\), (\d+) since start/.exec(load)?.[1]);
    expect(total).toBeGreaterThanOrEqual(7);
    expect(load).toMatch(/Sessions\s*\|\s*1 connected \(telnet 1\), 1 logged in/);
    // the commands before this one were timed, on the server
    expect(load).toMatch(/Command latency\s*\|\s*p50\/p90\/p99\/max [\d./]+ ms \(last \d+\)/);
    // and the portal's own figures, as it reported them over the link
    expect(load).toMatch(/\| Portal process +\|/);
    expect(load).toMatch(/\| RSS [\d.]+ MiB, heap [\d.]+ MiB of [\d.]+ MiB;[\s\S]*\(reported \d+ s ago\)/);
    // SQLite's WAL checkpoints run on their own thread (the game's file database)
    expect(load).toMatch(/\| Database +\| \d+ WAL checkpoints on their own thread/);

    anna.send("time");
    const time = await anna.waitFor(/Current time[^\n]*\n/);
    expect(time).toMatch(/First start\s*\|\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });
});
