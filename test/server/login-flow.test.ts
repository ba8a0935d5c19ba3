import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inProcessServerLauncher, startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

async function client(): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game.telnetPort);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  return c;
}

async function loggedIn(name: string, password = "secret123"): Promise<TelnetTestClient> {
  const c = await client();
  c.send(`create ${name} ${password}`);
  await c.waitFor(`A new account '${name}' was created`);
  c.send(`connect ${name} ${password}`);
  await c.waitFor(/Limbo/);
  return c;
}

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

describe("login, look, say, quit", () => {
  it("two players create accounts, meet in Limbo, talk and quit", async () => {
    const anna = await loggedIn("Anna");
    const bob = await loggedIn("Bob");
    await anna.waitFor("Bob has entered the game.");
    bob.send("look");
    const look = await bob.waitFor(/Characters:.*\r\n/);
    expect(look).toContain("Limbo");
    expect(look).toContain("Anna");
    expect(look).not.toMatch(/Characters:.*Bob/);
    anna.send("say hello there");
    await anna.waitFor('You say, "hello there');
    await bob.waitFor('Anna says, "hello there');
    bob.send("'quick one");
    await anna.waitFor('Bob says, "quick one');
    anna.send("quit");
    await anna.waitFor("Quitting. Hope to see you again, soon.");
    await anna.waitForClose();
    await bob.waitFor("Anna has left the game.");
    bob.send("look");
    const after = await bob.waitFor(/Limbo[\s\S]*?\r\n(?=\S|$)/);
    expect(bob.unread() + after).not.toContain("Anna");
  });

  it("the account and character survive stopping the portal and server and starting new ones on the same database (in this test process)", async () => {
    const anna = await loggedIn("Anna");
    anna.send("quit");
    await anna.waitForClose();
    await game.portal.stop();
    // start again on the same folder and database
    const { Portal } = await import("../../evennia-ts/portal/portal.ts");
    const settings = game.settings;
    let started = 0;
    const portal = new Portal(settings, {
      launcher: inProcessServerLauncher(settings, { started: () => started++, ended: () => undefined }),
    });
    const status = await portal.start();
    game.portal = portal;
    game.telnetPort = status.telnetPorts[0]!;
    const again = await client();
    again.send("connect anna secret123");
    await again.waitFor(/You become Anna/);
    await again.waitFor("Limbo");
    // a new server (with a new store, nothing in memory) read them from the database
    expect(started).toBe(1);
  });
});

describe("bad logins", () => {
  it("rejects a wrong password and an unknown name with the same message", async () => {
    await loggedIn("Anna");
    const c = await client();
    c.send("connect Anna wrongpass");
    await c.waitFor("Username and/or password is incorrect.");
    c.send("connect Nobody whatever");
    await c.waitFor("Username and/or password is incorrect.");
    c.send("look");
    await c.waitFor("create <username> <password>");
  });

  it("refuses a duplicate name in any case", async () => {
    await loggedIn("Anna");
    const c = await client();
    c.send("create anna otherpass");
    await c.waitFor("Sorry, there is already an account with the name 'anna'.");
  });

  it("explains usage and password rules", async () => {
    const c = await client();
    c.send("connect onlyname");
    await c.waitFor("Password: ");
    c.send("");
    await c.waitFor("Login aborted.");
    c.send("connect");
    await c.waitFor("Usage (without <>): connect <name> [<password>]");
    c.send("create Zed 123");
    await c.waitFor("A password must be at least 6 characters long.");
    c.send("xyzzy");
    await c.waitFor(`Command 'xyzzy' is not available. Type "help" for help.`);
  });

  it("throttles repeated failures from one address", async () => {
    await game.stop();
    game = await startInProcessGame({ loginAttemptsPerIp: 3, loginAttemptsPerAccount: 100 });
    const c = await client();
    for (let i = 0; i < 3; i++) {
      c.send(`connect Ghost${i} nope`);
      await c.waitFor("Username and/or password is incorrect.");
    }
    c.send("connect Ghost9 nope");
    await c.waitFor("Too many failed login attempts");
  });

  it("names with spaces work in quotes", async () => {
    const c = await client();
    c.send('create "Anna Smith" secret123');
    await c.waitFor("A new account 'Anna Smith' was created");
    c.send('connect "anna smith" secret123');
    await c.waitFor("You become");
  });
});

describe("hostile bytes", () => {
  it("survives bytes that are not UTF-8 and keeps serving", async () => {
    const c = await client();
    c.sendRaw(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xff, 0xfe, 0x80, 0x0d, 0x0a]));
    await c.waitFor(/is not available/);
    const other = await loggedIn("Anna");
    other.send("say still here");
    await other.waitFor('You say, "still here');
  });
});

describe("in-process reload", () => {
  it("keeps both players connected and puppeting, and runs input typed during the reload", async () => {
    const anna = await loggedIn("Anna");
    const bob = await loggedIn("Bob");
    await anna.waitFor("Bob has entered the game.");
    game.portal.reload();
    await anna.waitFor("Server restarting...");
    // typed while the server is away: held by the portal, run afterwards
    anna.send("say during reload");
    await anna.waitFor("... done.");
    await anna.waitFor('You say, "during reload');
    await bob.waitFor('Anna says, "during reload');
    bob.send("look");
    await bob.waitFor(/Characters:.*Anna/);
    expect(anna.closed).toBe(false);
    expect(bob.closed).toBe(false);
  });

  it("a reset logs everyone out but keeps them connected", async () => {
    const anna = await loggedIn("Anna");
    game.portal.reset();
    await anna.waitFor("Server resetting");
    await anna.waitFor("create <username> <password>");
    anna.send("look");
    await anna.waitFor("create <username> <password>");
    anna.send("connect Anna secret123");
    await anna.waitFor("You become");
    expect(anna.closed).toBe(false);
  });
});

describe("portal crash", () => {
  it("tells every player, logged in or not, and closes their connections (portal/main.ts then exits for the supervisor)", async () => {
    const anna = await loggedIn("Anna");
    const guest = await client();
    game.portal.crash();
    for (const c of [anna, guest]) {
      await c.waitFor("The game hit an internal error and restarts. Please reconnect in a moment.");
      await c.waitForClose();
    }
  });
});
