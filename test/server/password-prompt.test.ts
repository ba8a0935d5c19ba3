/**
 * Login that hides passwords, and telnet manners, over real TCP: `create <name>`
 * and `connect <name>` ask "Password:" between IAC WILL ECHO and IAC WONT ECHO;
 * the portal offers SGA at connect; the demo game's prompt after each command is
 * marked with EOR or GA as the client negotiated.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

const IAC = 255;
const WILL = 251;
const WONT = 252;
const DO = 253;
const DONT = 254;
const ECHO = 1;
const SGA = 3;
const EOR_OPT = 25;

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

async function client(): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game.telnetPort);
  clients.push(c);
  await c.waitFor("create <username>");
  return c;
}

/** Where `needle` (bytes or text) first occurs in `raw` at or after `from`, or -1. */
function at(raw: Buffer, needle: number[] | string, from = 0): number {
  return raw.indexOf(typeof needle === "string" ? Buffer.from(needle) : Buffer.from(needle), from);
}

/** Bytes as latin1 text with ANSI colour codes removed (telnet commands kept). */
function plain(raw: Buffer): string {
  // eslint-disable-next-line no-control-regex
  return raw.toString("latin1").replace(/\x1b\[[0-9;]*m/g, "");
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("password prompts over telnet", () => {
  it("create asks twice with echo off, connect once; one IAC WILL ECHO before, one IAC WONT ECHO after", async () => {
    const c = await client();
    expect(at(c.raw, [IAC, WILL, SGA])).toBeGreaterThanOrEqual(0);

    let mark = c.raw.length;
    c.send("create Anna");
    await c.waitFor("Password: ");
    const willEcho = at(c.raw, [IAC, WILL, ECHO], mark);
    expect(willEcho).toBeGreaterThanOrEqual(0);
    expect(willEcho).toBeLessThan(at(c.raw, "Password: ", mark));
    c.sendRaw(Buffer.from([IAC, DO, ECHO])); // the client agrees, as MUD clients do

    mark = c.raw.length;
    c.send("secret123");
    await c.waitFor("Password again: ");
    // echo stays off between the two questions
    expect(at(c.raw, [IAC, WONT, ECHO], mark)).toBe(-1);

    mark = c.raw.length;
    c.send("secret123");
    await c.waitFor("A new account 'Anna' was created");
    const wontEcho = at(c.raw, [IAC, WONT, ECHO], mark);
    expect(wontEcho).toBeGreaterThanOrEqual(0);
    expect(wontEcho).toBeLessThan(at(c.raw, "A new account", mark));
    c.sendRaw(Buffer.from([IAC, DONT, ECHO]));
    expect(c.text).not.toContain("secret123");

    mark = c.raw.length;
    c.send("connect anna");
    await c.waitFor("Password: ");
    expect(at(c.raw, [IAC, WILL, ECHO], mark)).toBeGreaterThanOrEqual(0);
    c.sendRaw(Buffer.from([IAC, DO, ECHO]));
    mark = c.raw.length;
    c.send("secret123");
    await c.waitFor("You become Anna.");
    const off = at(c.raw, [IAC, WONT, ECHO], mark);
    expect(off).toBeGreaterThanOrEqual(0);
    expect(off).toBeLessThan(at(c.raw, "Welcome to", mark));
    expect(c.text).not.toContain("secret123");
  });

  it("different passwords create nothing, a wrong one logs nobody in, and echo comes back each time", async () => {
    const c = await client();
    c.send("create Bob");
    await c.waitFor("Password: ");
    c.sendRaw(Buffer.from([IAC, DO, ECHO]));
    c.send("secret123");
    await c.waitFor("Password again: ");
    let mark = c.raw.length;
    c.send("secret456");
    await c.waitFor("The passwords do not match. Nothing was created.");
    expect(at(c.raw, [IAC, WONT, ECHO], mark)).toBeGreaterThanOrEqual(0);
    c.sendRaw(Buffer.from([IAC, DONT, ECHO]));

    c.send("create Bob secret123"); // the one-line form
    await c.waitFor("A new account 'Bob' was created");
    c.send("connect Bob");
    await c.waitFor("Password: ");
    c.sendRaw(Buffer.from([IAC, DO, ECHO]));
    mark = c.raw.length;
    c.send("nope-nope");
    await c.waitFor("Username and/or password is incorrect.");
    expect(at(c.raw, [IAC, WONT, ECHO], mark)).toBeGreaterThanOrEqual(0);
    c.sendRaw(Buffer.from([IAC, DONT, ECHO]));
    // the next line is a command again
    c.send("look");
    await c.waitFor("Welcome to");
    expect(game.server()!.allSessions().some((s) => s.loggedIn)).toBe(false);
  });

  it("a password asked for before a reload is not run as a command after it", async () => {
    const c = await client();
    c.send("create Dora secret123");
    await c.waitFor("was created");
    c.send("connect Dora");
    await c.waitFor("Password: ");
    c.sendRaw(Buffer.from([IAC, DO, ECHO]));
    game.portal.reload();
    await c.waitFor("... done.");
    c.send("hunter2hunter2");
    await c.waitFor("what you typed was not used. Please try again.");
    expect(c.text).not.toContain("hunter2");
    expect(at(c.raw, [IAC, WONT, ECHO])).toBeGreaterThan(at(c.raw, "... done."));
    c.sendRaw(Buffer.from([IAC, DONT, ECHO]));
    c.send("connect Dora");
    await c.waitFor("Password: ");
    c.send("secret123");
    await c.waitFor("You become Dora.");
  });

  it("the demo game's prompt follows each command, marked with GA, or EOR once the client agrees", async () => {
    const c = await client();
    c.send("create Cleo secret123");
    await c.waitFor("was created");
    c.send("connect Cleo secret123");
    await c.waitFor("Limbo");
    let mark = c.raw.length;
    c.send("look");
    await c.waitFor("Cleo @ Limbo > ");
    // a plain client that never answered SGA or EOR gets IAC GA right after the prompt
    await until(() => plain(c.raw.subarray(mark)).includes("Cleo @ Limbo > \xff\xf9"), "the prompt and IAC GA");

    expect(at(c.raw, [IAC, WILL, EOR_OPT])).toBeGreaterThanOrEqual(0);
    c.sendRaw(Buffer.from([IAC, DO, EOR_OPT]));
    await new Promise((r) => setTimeout(r, 50));
    mark = c.raw.length;
    c.send("say hi");
    await c.waitFor("Cleo @ Limbo > ");
    await until(() => plain(c.raw.subarray(mark)).includes("Cleo @ Limbo > \xff\xef"), "the prompt and IAC EOR");
    expect(plain(c.raw.subarray(mark))).not.toContain("\xff\xf9");
  });
});
