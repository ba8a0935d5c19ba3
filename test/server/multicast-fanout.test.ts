/**
 * Fan-out (issue 16): a `say` heard by several players crosses the link as ONE
 * multicast naming their sessions, and the portal renders it once per kind of
 * client (colour, no colour, screen reader), not once per session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { WsTestClient } from "../portal/websocket/ws-test-client.ts";

const ESC = 0x1b;
let game: InProcessGame;
const clients: (TelnetTestClient | WsTestClient)[] = [];

async function webLoggedIn(name: string): Promise<WsTestClient> {
  const c = await WsTestClient.connect(game.status.webPort!);
  clients.push(c);
  await c.waitForText("create <username> <password>");
  c.command(`create ${name} secret123`);
  await c.waitForText(`A new account '${name}' was created`);
  c.command(`connect ${name} secret123`);
  await c.waitForText("You become");
  return c;
}

async function loggedIn(name: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.newPlayer(game.telnetPort, name);
  clients.push(c);
  return c;
}

/** Raw bytes received from now until `text` shows up. */
async function bytesUntil(c: TelnetTestClient, text: string): Promise<Buffer> {
  const start = c.raw.length;
  await c.waitFor(text);
  return c.raw.subarray(start);
}

beforeAll(async () => {
  game = await startInProcessGame({ accountCreationsPerIp: 0 });
}, 60_000);

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

describe("a say in a room of several players", () => {
  it("crosses the link once as a multicast and is rendered once per capability group", async () => {
    const anna = await loggedIn("Anna");
    const listeners: { name: string; client: TelnetTestClient; option?: string }[] = [
      { name: "Bea", client: await loggedIn("Bea") },
      { name: "Cid", client: await loggedIn("Cid") },
      { name: "Dot", client: await loggedIn("Dot"), option: "nocolor" },
      { name: "Eve", client: await loggedIn("Eve"), option: "nocolor" },
      { name: "Fay", client: await loggedIn("Fay"), option: "screenreader" },
    ];
    const browsers = [await webLoggedIn("Wren"), await webLoggedIn("Wyn")];
    for (const l of listeners) {
      if (!l.option) continue;
      l.client.send(`option ${l.option} = on`);
      await l.client.waitFor("was changed from");
    }
    // everyone has heard everyone arrive: the room is quiet now
    for (const l of listeners) {
      l.client.send("say ready");
      await anna.waitFor(`${l.name} says, "ready"`);
    }
    for (const [i, b] of browsers.entries()) {
      b.command("say ready");
      await anna.waitFor(`${i === 0 ? "Wren" : "Wyn"} says, "ready"`);
    }
    // and every listener has heard the last of it (broadcasts reach each socket in its own batch)
    for (const l of listeners) await l.client.waitFor('Wyn says, "ready"');
    const server = game.server()!;
    const sentBefore = server.linkStats!.messages;
    const statsBefore = { ...game.portal.multicastStats };

    const heard = listeners.map((l) => bytesUntil(l.client, 'Anna says, "hello there"'));
    const webHeard = browsers.map((b) => b.waitForText('Anna says, "hello there'));
    anna.send("say |rhello|n there");
    await anna.waitFor('You say, "hello there"');
    const bytes = await Promise.all(heard);
    const frames = await Promise.all(webHeard);

    const stats = game.portal.multicastStats;
    expect(stats.multicasts - statsBefore.multicasts).toBe(1);
    expect(stats.deliveries - statsBefore.deliveries).toBe(listeners.length + browsers.length);
    // four kinds of client: ANSI colour (Bea, Cid), no colour (Dot, Eve), screen reader (Fay), browser (Wren, Wyn)
    expect(stats.renders - statsBefore.renders).toBe(4);
    expect(stats.unshared - statsBefore.unshared).toBe(0);
    // Anna's own "You say" and the listeners' multicast: two link messages, not six
    expect(server.linkStats!.messages - sentBefore).toBeLessThanOrEqual(2);

    for (const [i, l] of listeners.entries()) {
      const got = bytes[i]!;
      expect(got.toString("utf8")).toContain("hello");
      expect(got.includes(ESC), `${l.name} (${l.option ?? "colour"})`).toBe(l.option === undefined);
    }
    expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
    // the browsers get HTML with the colour as a class, the same frame for both
    expect(frames[0]![1][0]).toMatch(/<span class="[^"]*">hello<\/span> there/);
    expect(frames[0]).toEqual(frames[1]);
  }, 60_000);
});

describe("a channel message with its GMCP twin (comm_channel_text)", () => {
  it("is rendered once per group, GMCP included, and only GMCP clients get the sub-negotiation", async () => {
    const IAC = 0xff;
    const SB = 0xfa;
    const GMCP = 201;
    const gmcp = async (name: string) => {
      const c = await loggedIn(name);
      c.sendRaw(Buffer.from([IAC, 0xfd, GMCP])); // DO GMCP: the portal offered WILL GMCP
      // a round trip that only this client hears: the DO is handled, and nothing of its own is still on its way, before the talk starts
      c.send("inventory");
      await c.waitFor("You are not carrying anything.");
      return c;
    };
    const talker = await loggedIn("Kai");
    const withGmcp = [await gmcp("Gil"), await gmcp("Hal")];
    const plain = [await loggedIn("Ivy"), await loggedIn("Jon")];
    const statsBefore = { ...game.portal.multicastStats };
    const heard = [...withGmcp, ...plain].map((c) => bytesUntil(c, "Kai: channel news"));
    talker.send("pub channel news");
    await talker.waitFor("Kai: channel news");
    const bytes = await Promise.all(heard);
    // give the GMCP sub-negotiation (sent after the text) time to arrive
    await new Promise((r) => setTimeout(r, 100));

    const stats = game.portal.multicastStats;
    expect(stats.unshared - statsBefore.unshared).toBe(0);
    expect(stats.multicasts - statsBefore.multicasts).toBe(1);
    // every subscriber online, the earlier tests' too; two telnet groups (with and without GMCP) among them
    expect(stats.deliveries - statsBefore.deliveries).toBeGreaterThanOrEqual(5);
    const gmcpFrame = Buffer.from([IAC, SB, GMCP, ...Buffer.from("Comm.Channel.Text")]);
    for (const c of withGmcp) expect(c.raw.includes(gmcpFrame)).toBe(true);
    for (const c of plain) expect(c.raw.includes(Buffer.from([IAC, SB, GMCP]))).toBe(false);
    // the same bytes for the clients of one group (the text ends what each waited for)
    const line = (b: Buffer) => b.subarray(b.lastIndexOf("\n", b.indexOf("Kai: channel news")) + 1);
    expect(line(bytes[0]!).equals(line(bytes[1]!))).toBe(true);
    expect(line(bytes[2]!).equals(line(bytes[3]!))).toBe(true);
  }, 60_000);

  it("follows a client that turns GMCP on and off between two messages (the render key reads the negotiation again)", async () => {
    const IAC = 0xff;
    const SB = 0xfa;
    const GMCP = 201;
    const talker = await loggedIn("Lou");
    const switcher = await loggedIn("Max");
    const steady = await loggedIn("Ned");
    const gmcpFrames = () => {
      let count = 0;
      for (let at = switcher.raw.indexOf(Buffer.from([IAC, SB, GMCP])); at >= 0; at = switcher.raw.indexOf(Buffer.from([IAC, SB, GMCP]), at + 1)) count++;
      return count;
    };
    const say = async (text: string) => {
      const heard = [bytesUntil(switcher, `Lou: ${text}`), bytesUntil(steady, `Lou: ${text}`)];
      talker.send(`pub ${text}`);
      await Promise.all(heard);
      await new Promise((r) => setTimeout(r, 100));
    };
    await say("before");
    expect(gmcpFrames()).toBe(0);
    switcher.sendRaw(Buffer.from([IAC, 0xfd, GMCP])); // DO GMCP
    switcher.send("inventory");
    await switcher.waitFor("You are not carrying anything.");
    await say("during");
    expect(gmcpFrames()).toBe(1);
    switcher.sendRaw(Buffer.from([IAC, 0xfe, GMCP])); // DONT GMCP
    switcher.send("inventory");
    await switcher.waitFor("You are not carrying anything.");
    const framesBefore = gmcpFrames();
    await say("after");
    expect(gmcpFrames()).toBe(framesBefore);
    expect(steady.raw.includes(Buffer.from([IAC, SB, GMCP]))).toBe(false);
  }, 60_000);
});
