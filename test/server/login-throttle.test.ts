/**
 * Fair login throttling, end to end on real sockets from several loopback addresses
 * (127.0.0.2, .3 ...): failures count per address and per account per address; many
 * failures across addresses only slow an account down, they never refuse its right
 * password; an admin sees and clears throttles with `throttles`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { GameSettings } from "../../evennia-ts/conf/settings.ts";
import { LoginThrottle } from "../../evennia-ts/server/login-throttle.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame | null = null;
const clients: TelnetTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await game?.stop();
  game = null;
});

const WRONG = "Username and/or password is incorrect.";

async function start(settings: GameSettings): Promise<InProcessGame> {
  game = await startInProcessGame({ connectionLimitExemptIps: ["127.0.0.1"], ...settings });
  return game;
}

async function client(localAddress: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game!.telnetPort, "127.0.0.1", localAddress);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  return c;
}

async function failLogin(c: TelnetTestClient, name: string): Promise<void> {
  c.send(`connect ${name} wrongpass`);
  await c.waitFor(WRONG);
}

describe("login throttling", () => {
  it("refuses an address after loginAttemptsPerIp failures, whatever the account", async () => {
    await start({ loginAttemptsPerIp: 3, loginAttemptsPerAccount: 10 });
    const c = await client("127.0.0.5");
    for (const name of ["Ann", "Ben", "Cal"]) await failLogin(c, name);
    c.send("connect Dan whatever");
    await c.waitFor("Too many failed login attempts from your address.");
    const other = await client("127.0.0.6");
    await failLogin(other, "Dan");
  });

  it("refuses one account from one address only; across addresses it delays but lets the right password in; admins see and clear", async () => {
    await start({ loginAttemptsPerIp: 20, loginAttemptsPerAccount: 3, loginAccountDelayAfter: 4, loginDelayMax: 2 });
    const admin = await client("127.0.0.1");
    admin.send("create Admin secret123"); // the first account: the superuser
    await admin.waitFor("was created");
    admin.send("create Anna secret123");
    await admin.waitFor("was created");
    admin.send("connect Admin secret123");
    await admin.waitFor(/Limbo/);

    const attacker = await client("127.0.0.2");
    for (let i = 0; i < 3; i++) await failLogin(attacker, "Anna");
    // that address may not try Anna any more, not even with the right password ...
    attacker.send("connect Anna secret123");
    await attacker.waitFor("Too many failed login attempts for this account from your address.");
    // ... but may try another account
    await failLogin(attacker, "Admin");

    // a fourth failure from elsewhere: Anna is now slowed down everywhere (1 s), never locked
    const second = await client("127.0.0.3");
    await failLogin(second, "Anna");

    admin.send("throttles");
    await admin.waitFor("Throttles\r\n");
    await new Promise((r) => setTimeout(r, 200)); // the whole table arrives in one write
    const listing = admin.unread();
    expect(listing).toMatch(/account@address\s+anna@127\.0\.0\.2\s+3\s+refused/);
    expect(listing).toMatch(/account\s+anna\s+4\s+delayed 1 s/);

    const owner = await client("127.0.0.4");
    const started = Date.now();
    owner.send("connect Anna secret123");
    await owner.waitFor(/Limbo/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    // the admin clears the address; it may try Anna again
    admin.send("throttles/clear 127.0.0.2");
    await admin.waitFor(/Cleared \d+ throttle entr(y|ies) for 127\.0\.0\.2/);
    attacker.send("connect Anna wrongpass");
    await attacker.waitFor(WRONG);
  });

  it("is refused to players without Admin permission", async () => {
    await start({});
    const c = await client("127.0.0.1");
    c.send("create Admin secret123");
    await c.waitFor("was created");
    c.send("create Bob secret123");
    await c.waitFor("was created");
    c.send("connect Bob secret123");
    await c.waitFor(/Limbo/);
    c.send("throttles");
    await c.waitFor("Command 'throttles' is not available");
  });
});

describe("LoginThrottle", () => {
  const options = { perIp: 100, perAccountPerIp: 5, accountDelayAfter: 10, delayMaxSeconds: 30, windowSeconds: 300 };

  it("grows the delay by doubling with each failure across addresses, capped, and never refuses for it", () => {
    const t = new LoginThrottle(options);
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      t.failed(`10.0.0.${i}`, "Anna", 1000);
      delays.push(t.check("10.9.9.9", "anna", 1000).delayMs);
    }
    expect(delays.slice(8, 16)).toEqual([0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(t.check("10.9.9.9", "Anna", 1000).refused).toBeNull();
    // failures age out of the window
    expect(t.check("10.9.9.9", "Anna", 1000 + 301_000).delayMs).toBe(0);
  });

  it("keeps memory bounded under a flood of addresses and of failures", () => {
    const t = new LoginThrottle({ ...options, maxEntries: 1000 });
    for (let i = 0; i < 5000; i++) t.failed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, `user${i}`, 1000);
    for (let i = 0; i < 5000; i++) t.failed("10.0.0.1", "anna", 1000);
    const entries = t.list(1000);
    expect(entries.filter((e) => e.kind === "address").length).toBeLessThanOrEqual(1000);
    expect(entries.find((e) => e.kind === "account" && e.key === "anna")!.failures).toBeLessThanOrEqual(200);
  });
});
