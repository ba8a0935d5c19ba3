/**
 * Client options set by commands reach what the player's telnet client receives,
 * through the whole chain (command → server session → link → portal → telnet):
 * `encoding` before login changes the bytes both ways, `option nocolor = on` takes
 * the colour codes out, and `option/save` applies at the next login.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";

const ESC = Buffer.from("\x1b[");

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

/** The raw bytes that arrive after sending `line`, up to the text `until`. */
async function bytesFor(c: TelnetTestClient, line: string | Buffer, until: string): Promise<Buffer> {
  const mark = c.raw.length;
  if (typeof line === "string") c.send(line);
  else c.sendRaw(line);
  await c.waitFor(until);
  return c.raw.subarray(mark);
}

describe("client options over telnet", () => {
  it("encoding latin-1 before login: the game reads and writes Latin-1", async () => {
    const c = await client();
    await bytesFor(c, "encoding latin-1", "was changed from");
    // "create Zoë secret123" in Latin-1: ë is the single byte 0xEB
    const created = await bytesFor(c, Buffer.concat([Buffer.from("create Zo", "latin1"), Buffer.from([0xeb]), Buffer.from(" secret123\r\n", "latin1")]), "was created");
    expect(created.includes(Buffer.from([0x5a, 0x6f, 0xeb, 0x27]))).toBe(true); // Zoë'
    expect(created.includes(Buffer.from([0xc3, 0xab]))).toBe(false);
    expect(game.server()!.allSessions()[0]!.clientOptions.encoding).toBe("latin-1");
  });

  it("option nocolor = on stops the colour codes; option/save brings it back at the next login", async () => {
    const c = await client();
    c.send("create Nora secret123");
    await c.waitFor("was created");
    c.send("connect Nora secret123");
    await c.waitFor("You become Nora.");
    expect((await bytesFor(c, "say |rbefore", "before")).includes(ESC)).toBe(true);
    await bytesFor(c, "option/save nocolor = on", "Saved option NOCOLOR.");
    expect((await bytesFor(c, "say |rafter", "after")).includes(ESC)).toBe(false);
    c.send("quit");
    await c.waitForClose();

    const again = await client();
    again.send("connect Nora secret123");
    await again.waitFor("You become Nora.");
    expect((await bytesFor(again, "say |ragain", "again")).includes(ESC)).toBe(false);
    await bytesFor(again, "option nocolor = off", "was changed from 'true' to 'false'");
    expect((await bytesFor(again, "say |rcolour", "colour")).includes(ESC)).toBe(true);
  });

  it("screenreader before login plain-texts the output", async () => {
    const c = await client();
    expect((await bytesFor(c, "help", "quit")).includes(ESC)).toBe(true);
    await bytesFor(c, "screenreader", "Screenreader mode turned on.");
    expect((await bytesFor(c, "help", "quit")).includes(ESC)).toBe(false);
  });
});
