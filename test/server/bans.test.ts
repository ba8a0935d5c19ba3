/**
 * Bans: the patterns, their storage in the server config on both databases, and
 * their enforcement through the real login flow — at connect (a banned address
 * never sees the connection screen), at login and at account creation — also
 * after the server and portal are restarted on the same database.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CmdUnconnectedConnect, CmdUnconnectedCreate } from "../../evennia-ts/commands/default/unloggedin.ts";
import { banMatches, BanList, ipPatternRegExp, isIpPattern, normalizeAddress, parseBans } from "../../evennia-ts/server/bans.ts";
import { ServerConfig } from "../../evennia-ts/server/server-config.ts";
import { inProcessServerLauncher, startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { callCommand, describeWithWorld } from "../../evennia-ts/testing/index.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

describe("ban patterns", () => {
  it("an IP pattern's * stands for one number of the address", () => {
    const re = ipPatternRegExp("203.0.113.*");
    expect(re.test("203.0.113.7")).toBe(true);
    expect(re.test("203.0.113.255")).toBe(true);
    expect(re.test("203.0.114.7")).toBe(false);
    expect(re.test("203.0.113.7.9")).toBe(false);
    expect(ipPatternRegExp("10.*.*.*").test("10.200.3.4")).toBe(true);
    // an exact address bans that address only (not 1.2.3.40)
    expect(ipPatternRegExp("1.2.3.4").test("1.2.3.40")).toBe(false);
  });

  it("recognises addresses and patterns, and reads session addresses as plain IPv4", () => {
    expect(isIpPattern("203.0.113.*")).toBe(true);
    expect(isIpPattern("thomas")).toBe(false);
    expect(isIpPattern("1.2.3")).toBe(false);
    expect(normalizeAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress("203.0.113.7:4000")).toBe("203.0.113.7");
  });

  it("matches names in any case and addresses by pattern", () => {
    const byName = { name: "thomas", ip: "", date: "", reason: "" };
    const byIp = { name: "", ip: "203.0.113.*", date: "", reason: "" };
    expect(banMatches(byName, { username: "Thomas" })).toBe(true);
    expect(banMatches(byName, { username: "Tom" })).toBe(false);
    expect(banMatches(byIp, { ip: "::ffff:203.0.113.9", username: "anyone" })).toBe(true);
    expect(banMatches(byIp, { ip: "198.51.100.1" })).toBe(false);
  });

  it("a malformed stored list is read as no bans, a malformed entry is left out", () => {
    expect(parseBans(null)).toEqual([]);
    expect(parseBans("{not json")).toEqual([]);
    expect(parseBans('[{"name":"x","ip":"","date":"d","reason":""},{"name":3}]')).toEqual([{ name: "x", ip: "", date: "d", reason: "" }]);
  });
});

describeWithWorld("bans in the database", (w) => {
  it("survive: a new server config on the same database reads them; a rolled-back ban is not kept", async () => {
    const { world } = w;
    const bans = new BanList(new ServerConfig(world.fixture.db));
    await world.unit(async () => {
      await bans.add({ ip: "198.51.100.*" }, "botnet");
      await bans.add({ name: "Thomas" }, "spam");
    });
    await expect(
      world.unit(async () => {
        await bans.add({ name: "ghost" }, "");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const fresh = new BanList(new ServerConfig(world.fixture.db));
    expect((await fresh.list()).map((b) => [b.name, b.ip, b.reason])).toEqual([
      ["", "198.51.100.*", "botnet"],
      ["thomas", "", "spam"],
    ]);
    expect(await fresh.isBanned({ username: "THOMAS" })).toBe(true);
    expect(await fresh.isBanned({ ip: "198.51.100.20" })).toBe(true);
    expect(await fresh.isBanned({ username: "ghost", ip: "127.0.0.1" })).toBe(false);
    await world.unit(() => fresh.remove(1));
    expect((await new BanList(new ServerConfig(world.fixture.db)).list()).map((b) => b.name)).toEqual(["thomas"]);
  });

  it("refuses a malformed IP pattern and an empty name", async () => {
    const { world } = w;
    const bans = new BanList(new ServerConfig(world.fixture.db));
    await expect(world.unit(() => bans.add({ ip: "1.2.3" }, ""))).rejects.toThrow("is not an IP address or pattern");
    await expect(world.unit(() => bans.add({ name: "  " }, ""))).rejects.toThrow("A name ban needs a name.");
  });

  it("the login and create commands refuse a banned name or address", async () => {
    const { world } = w;
    const bans = new BanList(new ServerConfig(world.fixture.db));
    await world.unit(async () => {
      await bans.add({ name: "TestAccount2" }, "");
      await bans.add({ ip: "203.0.113.*" }, "");
    });
    const fresh = world.connectSession();
    await callCommand(world, CmdUnconnectedConnect, "TestAccount2 testpassword", "You have been banned and cannot continue from here.", { caller: fresh });
    expect(fresh.account).toBeNull();
    const banned = world.connectSession({ address: "203.0.113.50" });
    await callCommand(world, CmdUnconnectedConnect, "TestAccount testpassword", "You have been banned", { caller: banned });
    await callCommand(world, CmdUnconnectedCreate, "Newcomer secret123", "You have been banned", { caller: banned });
    expect(await world.unit(async () => (await world.fixture.db.query("SELECT id FROM accounts WHERE username_lower = 'newcomer'")).length)).toBe(0);
    // an address nobody banned logs in as usual
    await callCommand(world, CmdUnconnectedConnect, "TestAccount testpassword", undefined, { caller: fresh });
    expect(fresh.account).toBe(world.account1);
  });
});

describe("bans through the real login flow", () => {
  let game: InProcessGame;
  const clients: TelnetTestClient[] = [];

  async function client(localAddress?: string): Promise<TelnetTestClient> {
    const c = await TelnetTestClient.connect(game.telnetPort, "127.0.0.1", localAddress);
    clients.push(c);
    return c;
  }

  async function screen(localAddress?: string): Promise<TelnetTestClient> {
    const c = await client(localAddress);
    await c.waitFor("create <username> <password>");
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await game?.stop();
  });

  it("refuses a banned name at login and creation, a banned address at connect and at login, also after a restart", async () => {
    game = await startInProcessGame();
    // the first account is the superuser
    const admin = await screen();
    admin.send("create Anna secret123");
    await admin.waitFor("A new account 'Anna' was created");
    admin.send("connect Anna secret123");
    await admin.waitFor(/Limbo/);
    const bob = await screen();
    bob.send("create Bob secret123");
    await bob.waitFor("A new account 'Bob' was created");

    admin.send("ban bob : testing");
    await admin.waitFor("Are you sure you want to Name-ban 'bob' [Y]/N?");
    admin.send("y");
    await admin.waitFor("Name-ban 'bob' was added. Use unban to reinstate.");
    bob.send("connect Bob secret123");
    await bob.waitFor("You have been banned and cannot continue from here.");
    bob.send("look");
    await bob.waitFor("create <username> <password>");
    bob.send("create BOB2 secret123");
    await bob.waitFor("A new account 'BOB2' was created");

    // a session already connected from an address banned later is refused at login
    const early = await screen("127.0.0.3");
    admin.send("ban 127.0.0.3");
    await admin.waitFor("[Y]/N?");
    admin.send("");
    await admin.waitFor("IP-ban '127.0.0.3' was added.");
    early.send("connect BOB2 secret123");
    await early.waitFor("You have been banned and cannot continue from here.");

    // a new connection from a banned address is closed at once, without the connection screen
    const late = await client("127.0.0.3");
    const refused = await late.waitFor("If you feel this ban is in error, please email an admin.");
    await late.waitForClose();
    expect(refused).not.toContain("create <username> <password>");
    // others are not affected
    await screen("127.0.0.4");

    // stop the portal and the server, start new ones on the same database: the bans hold
    await game.portal.stop();
    const { Portal } = await import("../../evennia-ts/portal/portal.ts");
    const portal = new Portal(game.settings, { launcher: inProcessServerLauncher(game.settings, { started: () => undefined, ended: () => undefined }) });
    const status = await portal.start();
    game.portal = portal;
    game.telnetPort = status.telnetPorts[0]!;
    const again = await client("127.0.0.3");
    await again.waitFor("You have been banned and cannot continue from here.");
    await again.waitForClose();
    const bobAgain = await screen();
    bobAgain.send("connect bob secret123");
    await bobAgain.waitFor("You have been banned and cannot continue from here.");
    bobAgain.send("connect Anna secret123");
    await bobAgain.waitFor(/Limbo/);
    bobAgain.send("ban");
    const list = await bobAgain.waitFor(/127\.0\.0\.3[^\n]*\n/);
    expect(list).toMatch(/1\s*\|\s*bob\s*\|[^\n]*\|\s*testing/);
  });
});
