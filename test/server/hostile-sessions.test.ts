/**
 * The server under hostile sessions, end to end (a real portal and server in this
 * process, telnet clients on loopback): commands that throw never stop a session's
 * later commands; the per-session queue is bounded, and dropped when its session
 * disconnects; a reload does not wait behind a gone session's queue; account creation
 * is throttled per address; failures during a database outage log one line each.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GameSettings } from "../../evennia-ts/conf/settings.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";

/** Test commands in the game's unlogged-in cmdset. */
const TEST_CMDSETS = `
import { UnloggedinCmdSet as BaseUnloggedin, AccountCmdSet, CharacterCmdSet, Command, registerCmdSet } from "evennia-ts";

const armed = () => (globalThis as { __evTestBoom?: boolean }).__evTestBoom === true;

class CmdCtorBoom extends Command {
  override key = "ctorboom";
  constructor() {
    super();
    if (armed()) throw new Error("constructor boom");
  }
}
class CmdPreBoom extends Command {
  override key = "preboom";
  override async atPreCmd(): Promise<boolean> {
    throw new Error("atPreCmd boom");
  }
}
class CmdParseBoom extends Command {
  override key = "parseboom";
  override parse(): void {
    throw new Error("parse boom");
  }
}
class CmdFuncBoom extends Command {
  override key = "funcboom";
  override async func(): Promise<void> {
    throw new Error("func boom");
  }
}
class CmdSlow extends Command {
  override key = "slow";
  override async func(): Promise<void> {
    const ms = Number(this.args.trim()) || 500;
    await new Promise((r) => setTimeout(r, ms));
    this.msg("slow " + ms + " done");
  }
}
class CmdEcho extends Command {
  override key = "echo";
  override async func(): Promise<void> {
    this.msg("echo:" + this.args.trim());
  }
}

class UnloggedinCmdSet extends BaseUnloggedin {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
    // commands added by class share one instance, made when a set first adds the class:
    // added only while armed, its constructor runs (and throws) for the set built then
    if (armed()) this.add(CmdCtorBoom);
    this.add(CmdPreBoom).add(CmdParseBoom).add(CmdFuncBoom).add(CmdSlow).add(CmdEcho);
  }
}

registerCmdSet("commands.default_cmdsets.CharacterCmdSet", CharacterCmdSet);
registerCmdSet("commands.default_cmdsets.AccountCmdSet", AccountCmdSet);
registerCmdSet("commands.default_cmdsets.UnloggedinCmdSet", UnloggedinCmdSet);
`;

let game: InProcessGame | null = null;
const clients: TelnetTestClient[] = [];
let previousSink: LogSink | null = null;
const logged: string[] = [];

afterEach(async () => {
  (globalThis as { __evTestBoom?: boolean }).__evTestBoom = false;
  for (const c of clients.splice(0)) c.close();
  await game?.stop();
  game = null;
  if (previousSink) setLogSink(previousSink);
  previousSink = null;
  logged.length = 0;
});

async function start(settings: GameSettings = {}): Promise<InProcessGame> {
  game = await startInProcessGame({ commandBurst: 200, commandRatePerSecond: 100, ...settings }, (dir) =>
    writeFileSync(path.join(dir, "commands", "default-cmdsets.ts"), TEST_CMDSETS),
  );
  return game;
}

async function client(localAddress?: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game!.telnetPort, "127.0.0.1", localAddress);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  return c;
}

function captureLog(): void {
  previousSink = setLogSink((level, line) => logged.push(`${level} ${line}`));
}

async function accountNames(g: InProcessGame): Promise<string[]> {
  const rows = (await g.server()!.db.query("SELECT username FROM accounts ORDER BY id")) as { username: string }[];
  return rows.map((r) => r.username);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("commands that throw", () => {
  it("never stop the session's later commands, wherever they throw (constructor, atPreCmd, parse, func)", async () => {
    captureLog();
    await start();
    const c = await client();
    c.send("echo ready"); // the cmdset is built (and its commands probed) before the constructor is armed
    await c.waitFor("echo:ready");
    (globalThis as { __evTestBoom?: boolean }).__evTestBoom = true;
    for (const cmd of ["preboom", "parseboom", "funcboom"]) {
      c.send(cmd);
      await c.waitFor(/An error occurred; nothing was changed \(error id [0-9a-f]+\)/);
      c.send(`echo after ${cmd}`);
      await c.waitFor(`echo:after ${cmd}`);
    }
    // a constructor runs when a cmdset first adds its class (sets share that instance,
    // commands run as copies): a new session's set adds it now and meets it, its line fails with an error id, and once the class is fixed its
    // next line runs — the queue is not wedged
    const d = await client();
    d.send("echo first");
    await d.waitFor(/An error occurred; nothing was changed \(error id [0-9a-f]+\)/);
    (globalThis as { __evTestBoom?: boolean }).__evTestBoom = false;
    d.send("echo second");
    await d.waitFor("echo:second");
    for (const what of ["constructor boom", "atPreCmd boom", "parse boom", "func boom"]) {
      expect(logged.some((l) => l.startsWith("error") && l.includes(what))).toBe(true);
    }
  });
});

describe("the per-session command queue", () => {
  it("holds at most commandQueueLimit commands behind the running one; more are answered and dropped", async () => {
    await start({ commandQueueLimit: 5 });
    const c = await client();
    c.send("slow 600");
    await sleep(100);
    for (let i = 1; i <= 12; i++) c.send(`echo ${i}`);
    await c.waitFor("slow 600 done");
    await c.waitFor("echo:5");
    await sleep(300);
    const text = c.text;
    for (let i = 1; i <= 5; i++) expect(text).toContain(`echo:${i}\r\n`);
    for (let i = 6; i <= 12; i++) expect(text).not.toContain(`echo:${i}\r\n`);
    expect(text).toContain('Too many commands waiting (at most 5): "echo 6" was dropped');
    // one notice, not one per dropped command
    expect(text.split("Too many commands waiting").length - 1).toBe(1);
    // and the session goes on normally
    c.send("echo later");
    await c.waitFor("echo:later");
  });

  it("drops what a session had queued when it disconnects: no junk accounts after the attacker left", async () => {
    const g = await start({ accountCreationsPerIp: 0 });
    const c = await client();
    c.send("slow 500");
    await sleep(100);
    for (let i = 0; i < 10; i++) c.send(`create junk${i} secret123`);
    await sleep(100);
    c.close();
    await sleep(1200);
    expect(await accountNames(g)).toEqual([]);
  });

  it("lets a reload finish without waiting behind the queue of a session that is gone", async () => {
    await start({ commandQueueLimit: 20 });
    const watcher = await client();
    const attacker = await client();
    for (let i = 0; i < 12; i++) attacker.send("slow 1000");
    await sleep(200);
    attacker.close();
    await sleep(200);
    const started = Date.now();
    game!.portal.reload();
    await watcher.waitFor("... done.", 20_000);
    // the running command (1 s) is waited for; the 11 s queued behind it are not
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

describe("account creation per address", () => {
  it("allows accountCreationsPerIp accounts per window from one address, then refuses with the reason; other addresses are not affected", async () => {
    const g = await start({ accountCreationsPerIp: 2, accountCreationWindow: 600 });
    const c = await client("127.0.0.2");
    c.send("create Anna secret123");
    await c.waitFor("A new account 'Anna' was created");
    c.send("create Anna secret123"); // a taken name does not count
    await c.waitFor(/already|taken|exists/i);
    c.send("create Bob secret123");
    await c.waitFor("A new account 'Bob' was created");
    c.send("create Carl secret123");
    await c.waitFor("Too many accounts were created from your address recently (at most 2 in 10 minutes)");
    const other = await client("127.0.0.3");
    other.send("create Dora secret123");
    await other.waitFor("A new account 'Dora' was created");
    expect(await accountNames(g)).toEqual(["Anna", "Bob", "Dora"]);
  });
});

describe("a database outage", () => {
  it("logs one line with the error id per failed command, no stack trace, and summarises repeats", async () => {
    const g = await start({ accountCreationsPerIp: 0 });
    const c = await client();
    captureLog();
    await g.server()!.db.close();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      c.send(`create Nobody${i} secret123`);
      const said = await c.waitFor(/The database is unavailable right now; nothing was changed \(error id ([0-9a-f]+)\)/);
      ids.push(/error id ([0-9a-f]+)/.exec(said)![1]!);
    }
    const failures = logged.filter((l) => l.includes("failed [error id"));
    expect(failures).toHaveLength(3);
    for (const [i, line] of failures.entries()) {
      expect(line).toContain(`[error id ${ids[i]}]`);
      expect(line).toContain("EV_ERR_DB_UNAVAILABLE");
      expect(line).not.toContain("\n");
    }
    await game!.stop();
    game = null;
    expect(logged.some((l) => /\.\.\. and 5 more like it \(EV_ERR_DB_UNAVAILABLE\)/.test(l))).toBe(true);
  });
});
