/**
 * Sessions against attackers, second round: logins raced from many connections at
 * once, or typed under an account's alias, do not get around the login throttle; a
 * command that never ends tells its player why nothing happens and does not hold a
 * reload up; two sessions of one account racing `chardelete`, `ic`, a dropped
 * connection or two logins leave no character puppeted by a deleted or gone session;
 * a stored cmdset whose creation throws does not take the room's commands away.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SessionCommandQueue, stillRunningNotice } from "../../evennia-ts/commands/session-command-queue.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { registerCmdSet } from "../../evennia-ts/commands/cmdset-registry.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";
import { checkLogin } from "../../evennia-ts/commands/default/unloggedin.ts";
import type { CommandServices } from "../../evennia-ts/commands/command.ts";
import { LOGIN_THROTTLE_TEXTS, LoginThrottle, type LoginThrottleOptions } from "../../evennia-ts/server/login-throttle.ts";
import { AccountCreationThrottle } from "../../evennia-ts/server/account-creation-throttle.ts";
import { throttleServices } from "../../evennia-ts/server/throttle-services.ts";
import { worldCommandHandler, worldServices } from "../../evennia-ts/testing/call-command.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";

/** The world's services with one login throttle that lives across calls. */
function servicesWithThrottle(world: TestWorld, options: Partial<LoginThrottleOptions>): { services: CommandServices; throttle: LoginThrottle } {
  const throttle = new LoginThrottle({ perIp: 0, perAccountPerIp: 0, accountDelayAfter: 0, delayMaxSeconds: 0, windowSeconds: 600, ...options });
  const creation = new AccountCreationThrottle({ perIp: 0, windowSeconds: 600 });
  return { services: { ...worldServices(world), ...throttleServices(throttle, creation) }, throttle };
}

/** The text of a login check: the refusal, or "ok". */
function outcome(checked: Awaited<ReturnType<typeof checkLogin>>): string {
  return "refusal" in checked ? checked.refusal : "ok";
}

describeWithWorld("the login throttle against raced and aliased attempts", (w) => {
  it("connects raced from many sessions of one address at once get no more password checks than the address is allowed", async () => {
    const { services } = servicesWithThrottle(w.world, { perIp: 3 });
    const sessions = Array.from({ length: 10 }, () => w.world.connectSession({ address: "10.0.0.9" }));
    const results = await Promise.all(sessions.map((s, i) => w.world.unit(() => checkLogin(services, s, "TestAccount", `guess${i}`))).map((p) => p.then(outcome)));
    const checked = results.filter((r) => r.includes("Username and/or password is incorrect"));
    const throttled = results.filter((r) => r.includes(LOGIN_THROTTLE_TEXTS.address));
    expect(checked).toHaveLength(3);
    expect(throttled).toHaveLength(7);
    // the owner, from elsewhere, is not affected
    const owner = w.world.connectSession({ address: "10.0.0.10" });
    expect(outcome(await w.world.unit(() => checkLogin(services, owner, "TestAccount", "testpassword")))).toBe("ok");
  });

  it("an attempt that ends without a verdict (a banned name) does not hold the address's slot", async () => {
    const { services } = servicesWithThrottle(w.world, { perIp: 1 });
    const banned = { ...services, bans: { ...services.bans, isBanned: async ({ username }: { username?: string }) => username === "Banned" } };
    const session = w.world.connectSession({ address: "10.0.0.11" });
    const other = w.world.connectSession({ address: "10.0.0.11" });
    expect(outcome(await w.world.unit(() => checkLogin(banned as CommandServices, session, "Banned", "x")))).toContain("banned");
    expect(outcome(await w.world.unit(() => checkLogin(banned as CommandServices, other, "TestAccount", "testpassword")))).toBe("ok");
  });

  it("failures typed under an account's alias count for the account, and its throttle holds for the alias", async () => {
    await w.world.unit(() => w.world.account1.aliases.add("boss"));
    const { services } = servicesWithThrottle(w.world, { perAccountPerIp: 2 });
    const session = w.world.connectSession({ address: "10.0.0.12" });
    const attempt = (name: string, password: string) => w.world.unit(() => checkLogin(services, session, name, password)).then(outcome);
    expect(await attempt("boss", "guess1")).toContain("incorrect");
    expect(await attempt("TestAccount", "guess2")).toContain("incorrect");
    // two failures for TestAccount (one by its alias): its name and its alias are refused now
    expect(await attempt("TestAccount", "testpassword")).toContain(LOGIN_THROTTLE_TEXTS.account);
    expect(await attempt("boss", "testpassword")).toContain(LOGIN_THROTTLE_TEXTS.account);
    // another account from the same address still may
    expect(await attempt("TestAccount2", "testpassword")).toBe("ok");
  });
});

describe("a command that never ends", () => {
  it("holds its session's queue, and a line typed behind it after a while tells the player so, once", async () => {
    const told: string[] = [];
    const session = { msg: (text: string) => void told.push(text) };
    const ran: string[] = [];
    const queue = new SessionCommandQueue<typeof session>(
      5,
      (_s, line) => {
        ran.push(line);
        return line === "hang" ? new Promise<void>(() => undefined) : Promise.resolve();
      },
      { stillRunningNoticeMs: 2000 },
    );
    const t0 = Date.now();
    void queue.enqueue(session, "hang", t0);
    void queue.enqueue(session, "look", t0 + 100); // too soon: no notice
    expect(told).toEqual([]);
    void queue.enqueue(session, "look", t0 + 3000);
    void queue.enqueue(session, "look", t0 + 4000);
    // (the queue's clock read the start a moment after t0)
    expect(told).toHaveLength(1);
    expect([stillRunningNotice(3000), stillRunningNotice(2999)]).toContain(told[0]);
    expect(ran).toEqual(["hang"]);
  });

  const HANG_CMDSETS = `
import { UnloggedinCmdSet as BaseUnloggedin, AccountCmdSet, CharacterCmdSet, Command, registerCmdSet } from "evennia-ts";

class CmdHang extends Command {
  override key = "hang";
  override help = "Never ends.";
  override async parse(): Promise<void> {
    await new Promise(() => undefined);
  }
}
class CmdEcho extends Command {
  override key = "echo";
  override help = "Says its arguments back.";
  override async func(): Promise<void> {
    this.msg("echo:" + this.args.trim());
  }
}
class UnloggedinCmdSet extends BaseUnloggedin {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
    this.add(CmdHang).add(CmdEcho);
  }
}
registerCmdSet("commands.default_cmdsets.CharacterCmdSet", CharacterCmdSet);
registerCmdSet("commands.default_cmdsets.AccountCmdSet", AccountCmdSet);
registerCmdSet("commands.default_cmdsets.UnloggedinCmdSet", UnloggedinCmdSet);
`;
  let game: InProcessGame | null = null;
  const clients: TelnetTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await game?.stop();
    game = null;
  });

  it("does not hold a reload up: the server stops waiting for it after commandStopGraceMs, and the session goes on", async () => {
    game = await startInProcessGame({}, (dir) => writeFileSync(path.join(dir, "commands", "default-cmdsets.ts"), HANG_CMDSETS));
    const c = await TelnetTestClient.connect(game.telnetPort, "127.0.0.1");
    clients.push(c);
    await c.waitFor("create <username> <password>");
    c.send("hang");
    c.send("echo queued");
    await new Promise((r) => setTimeout(r, 100));
    game.server()!.commandStopGraceMs = 200;
    const logged: string[] = [];
    const previous = setLogSink((level, line) => logged.push(`${level} ${line}`));
    const started = Date.now();
    try {
      game.portal.reload();
      await c.waitFor("... done.", 8000);
    } finally {
      setLogSink(previous);
    }
    expect(Date.now() - started).toBeLessThan(5000);
    // the log names what was left running
    expect(logged.some((l) => l.startsWith("warn") && l.includes("still running") && l.includes('command "hang"'))).toBe(true);
    c.send("echo after");
    await c.waitFor("echo:after");
  }, 20_000);
});

describeWithWorld(
  "two sessions of one account racing chardelete, ic and a closed connection",
  (w) => {
    it("a yes racing the other session's ic of that character leaves nobody puppeting the deleted character", async () => {
      const handler = worldCommandHandler(w.world);
      const { account2, session2 } = w.world;
      const session3 = w.world.connectSession();
      await w.world.unit(() => w.world.sessions.login(session3, account2));
      await handler.execute(session2, "charcreate Neo");
      await handler.execute(session2, "ic Neo");
      await handler.execute(session2, "ooc");
      const neo = account2.characters.find((c) => c.key === "Neo")!;
      expect(account2.lastPuppet).toBe(neo);
      // the hook awaits: the deletion would run while ic is still in it
      (neo as unknown as { atPrePuppet: () => Promise<void> }).atPrePuppet = async () => {
        await new Promise((r) => setTimeout(r, 30));
      };
      await handler.execute(session2, "chardelete Neo");
      await Promise.all([handler.execute(session3, "ic"), handler.execute(session2, "yes")]);
      expect(neo.isDeleted).toBe(true);
      expect(session3.puppet).toBeNull();
      expect(session2.puppet).toBeNull();
      expect(w.world.text(session2)).toContain("Character 'Neo' was permanently deleted.");
      // and the session goes on: ic of the gone character is refused, not an error
      w.world.clearOutput();
      await handler.execute(session3, "ic Neo");
      expect(session3.puppet).toBeNull();
      expect(w.world.text(session3)).toContain("That is not a valid character choice.");
    });

    it("a connection closed while its ic awaits the character's hooks does not leave the character puppeted by the gone session", async () => {
      const handler = worldCommandHandler(w.world);
      const { account2, session2 } = w.world;
      const session3 = w.world.connectSession();
      await w.world.unit(() => w.world.sessions.login(session3, account2));
      await handler.execute(session2, "charcreate Ada");
      const ada = account2.characters.find((c) => c.key === "Ada")!;
      (ada as unknown as { atPrePuppet: () => Promise<void> }).atPrePuppet = async () => {
        await new Promise((r) => setTimeout(r, 30));
      };
      const ic = handler.execute(session3, "ic Ada");
      await new Promise((r) => setTimeout(r, 5));
      await Promise.all([ic, w.world.unit(() => w.world.sessions.closed(session3.sessid, "connection lost"))]);
      expect(w.world.sessions.get(session3.sessid)).toBeUndefined();
      expect([...ada.sessions].map((s) => s.sessid)).toEqual([]);
      expect(ada.account === null).toBe(true);
      expect(ada.hasSessions).toBe(false);
    });
  },
  { settings: { multisessionMode: 3, maxNrCharacters: 3 } },
);

/** A cmdset whose creation throws (a game's bug). */
class BrokenCmdSet extends CmdSet {
  override atCmdsetCreation(): void {
    throw new Error("broken cmdset creation");
  }
}
/** Each database's run registers the broken set under a path of its own (errors are logged once per path). */
let brokenRuns = 0;

describeWithWorld("two accounts puppeting one character at once", (w) => {
  it("with a puppet lock both pass and a slow atPrePuppet: one account gets the character, the other is told it is taken", async () => {
    const { account1, account2, session1, session2, room1 } = w.world;
    const shared = await w.world.unit(async () => {
      const c = await account1.createCharacter({ key: "Shared", location: room1, home: room1 });
      c.locks.add("puppet:all()");
      return c;
    });
    (shared as unknown as { atPrePuppet: () => Promise<void> }).atPrePuppet = async () => {
      await new Promise((r) => setTimeout(r, 30));
    };
    const results = await Promise.all([w.world.unit(() => account1.puppetObject(session1, shared)), w.world.unit(() => account2.puppetObject(session2, shared))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? account1 : account2;
    expect(shared.account).toBe(winner);
    expect([...shared.sessions]).toEqual([results[0] ? session1 : session2]);
    expect(w.world.text(results[0] ? session2 : session1)).toContain("Shared is already puppeted by another Account.");
  });
});

describeWithWorld("a cmdset whose creation throws", (w) => {
  let previousSink: LogSink | null = null;
  const logged: string[] = [];
  afterEach(() => {
    if (previousSink) setLogSink(previousSink);
    previousSink = null;
    logged.length = 0;
  });

  it("stored on an object in the room, is left out (logged once): the players there keep their commands", async () => {
    previousSink = setLogSink((level, line) => logged.push(`${level} ${line}`));
    const handler = worldCommandHandler(w.world);
    const { obj1, session1 } = w.world;
    const brokenPath = `test.round2.BrokenCmdSet${++brokenRuns}`;
    registerCmdSet(brokenPath, BrokenCmdSet);
    await w.world.unit(() => obj1.attributes.add("cmdset_storage", ["", brokenPath], { category: "system" }));
    w.world.clearOutput();
    await handler.execute(session1, "look");
    await handler.execute(session1, "look");
    const text = w.world.text(session1);
    expect(text).not.toContain("An error occurred");
    expect(text).toContain("Room");
    await handler.execute(session1, "ooc");
    expect(session1.puppet).toBeNull();
    const errors = logged.filter((l) => l.startsWith("error") && l.includes(brokenPath));
    expect(errors).toHaveLength(1);
    // it stays stored when another persistent set is added there (for when its code is fixed)
    class FineCmdSet extends CmdSet {}
    registerCmdSet("test.round2.FineCmdSet", FineCmdSet);
    await w.world.unit(() => void obj1.cmdset.add("test.round2.FineCmdSet", { persistent: true }));
    expect(obj1.attributes.get("cmdset_storage", { category: "system" })).toEqual(["", "test.round2.FineCmdSet", brokenPath]);
  });
});

describeWithWorld(
  "two logins of one account at the same moment (multisession mode 0)",
  (w) => {
    it("the later one wins: exactly one session stays, logged in and puppeting, and the character is played by no gone session", async () => {
      const { account2 } = w.world;
      await w.world.unit(() => w.world.sessions.disconnect(w.world.session2, "bye"));
      const a = w.world.connectSession();
      const b = w.world.connectSession();
      await Promise.all([w.world.unit(() => w.world.sessions.login(a, account2)), w.world.unit(() => w.world.sessions.login(b, account2))]);
      const connected = [a, b].filter((s) => w.world.sessions.get(s.sessid) === s);
      expect(connected.map((s) => s.sessid)).toEqual([b.sessid]);
      expect(b.account === account2).toBe(true);
      expect(a.account === null).toBe(true);
      const char2 = w.world.char2;
      expect([...char2.sessions].map((s) => s.sessid)).toEqual([b.sessid]);
    });
  },
  { settings: { multisessionMode: 0 } },
);
