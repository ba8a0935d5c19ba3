import http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GameSettings } from "../../../evennia-ts/conf/settings.ts";
import { createScratchDatabase, dialectAvailable, TEST_DIALECTS, type ScratchDatabase } from "../../../evennia-ts/testing/database-fixture.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import type { CometSession } from "../../../evennia-ts/portal/comet/comet-session.ts";
import { CometTestClient, cometPost } from "./comet-test-client.ts";

let game: InProcessGame | null = null;
const cleanups: (() => void)[] = [];

async function start(settings: GameSettings = {}): Promise<number> {
  game = await startInProcessGame(settings);
  return game.status.webPort!;
}

async function client(port: number, headers: http.OutgoingHttpHeaders = {}): Promise<CometTestClient> {
  const c = await CometTestClient.open(port, headers);
  cleanups.push(() => c.dispose());
  return c;
}

function cometSessions(): { protocolKey: string; webSession?: string }[] {
  return game!.portal.sessions.all().map((s) => s.snapshot()).filter((s) => s.protocolKey === "comet");
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await game?.stop();
  game = null;
});

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`comet /webclientdata: playing on ${dialect}`, () => {
    let database: ScratchDatabase | null = null;
    beforeEach(async () => {
      database = await createScratchDatabase(dialect);
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      await game?.stop();
      game = null;
      await database?.dispose();
      database = null;
    });

    it("init, log in through input, receive text, keepalive, close", async () => {
      const port = await start({ databaseUrl: database!.url });
      const c = await client(port);
      expect(c.csessid).toMatch(/^[0-9a-f]{32}$/);
      expect(cometSessions()).toHaveLength(1);
      c.startPolling();
      await c.waitForText("create <username> <password>");
      expect((await c.command("create Cora secret123")).body).toEqual({ ok: true });
      await c.waitForText("A new account 'Cora' was created");
      await c.command("connect Cora secret123");
      await c.waitForText("You become");
      // several triples in one request, in order
      await c.request({ mode: "input", data: [["text", ["say one"], {}], ["text", ["say two"], {}]] });
      const one = await c.waitForText('You say, "one');
      await c.waitForText('You say, "two');
      expect(one[1][0]).not.toMatch(/\|[a-zA-Z]/); // rendered as HTML, as on /ws
      expect((await c.request({ mode: "keepalive" })).body).toEqual({ ok: true });
      const closed = await c.request({ mode: "close" });
      expect(closed.status).toBe(200);
      await until(() => cometSessions().length === 0, "the session to close");
      const after = await c.request({ mode: "keepalive" });
      expect(after.status).toBe(404);
      expect(after.body).toEqual({ error: "unknown session" });
    });

    it("survives a server reload: input typed meanwhile is held and replayed", async () => {
      const port = await start({ databaseUrl: database!.url });
      const c = await client(port);
      c.startPolling();
      await c.waitForText("create <username> <password>");
      await c.command("create Rhea secret123");
      await c.command("connect Rhea secret123");
      await c.waitForText("You become");
      const csessid = c.csessid;
      game!.portal.reload();
      await c.waitForText("Server restarting");
      await c.command("say held during the reload");
      await c.waitForText("... done.", 15_000);
      await c.waitForText('You say, "held during the reload', 10_000);
      expect(c.csessid).toBe(csessid);
      expect(cometSessions()).toHaveLength(1);
    });
  });
}

describe("comet /webclientdata with a real game", () => {
  it("quit: the last text and closed:true reach the poll, then the session is unknown", async () => {
    const port = await start();
    const c = await client(port);
    c.startPolling();
    await c.waitForText("create <username> <password>");
    await c.command("quit");
    await c.waitForClosed();
    expect(c.lastStatus).toBe(200);
    expect(c.messages.some((m) => m[0] === "text")).toBe(true);
    expect((await c.request({ mode: "receive" })).status).toBe(404);
  });

  it("a second poll answers the first one empty; a poll with nothing to say answers empty after cometPollSeconds", async () => {
    const port = await start({ cometPollSeconds: 0.3 });
    const c = await client(port);
    const first = await c.request({ mode: "receive" }); // the connection screen is waiting
    expect(first.body.msgs.length).toBeGreaterThan(0);
    const waiting = c.request({ mode: "receive" });
    const transport = game!.portal.sessions.all()[0]!.transport as CometSession;
    await until(() => transport.isPolling, "the first poll to wait");
    const second = c.request({ mode: "receive" });
    expect((await waiting).body).toEqual({ msgs: [] });
    expect((await second).body).toEqual({ msgs: [] }); // nothing to say: empty after the poll time
  });

  it("a poll outlives the request timeout (the long poll is not cut by webHeadersTimeout)", async () => {
    const port = await start({ cometPollSeconds: 2.5, webHeadersTimeout: 1 });
    const c = await client(port);
    await c.request({ mode: "receive" }); // the connection screen
    const empty = await c.request({ mode: "receive" });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ msgs: [] });
  });

  it("a session with no request for cometSessionTimeout is closed and disconnected from the server", async () => {
    const port = await start({ cometPollSeconds: 0.2, cometSessionTimeout: 0.5 });
    const c = await client(port);
    await until(() => game!.server()?.sessions.all().length === 1, "the server to see the session");
    await until(() => cometSessions().length === 0, "the session to time out");
    await until(() => game!.server()?.sessions.all().length === 0, "the server to see it go");
    expect((await c.request({ mode: "receive" })).status).toBe(404);
  });

  it("a session that keeps polling is not timed out", async () => {
    const port = await start({ cometPollSeconds: 0.2, cometSessionTimeout: 0.5 });
    const c = await client(port);
    for (let i = 0; i < 6; i++) expect((await c.request({ mode: "receive" })).status).toBe(200); // ≥ 1.2 s of polling
    expect(cometSessions()).toHaveLength(1);
  });

  it("portal.stop() answers a waiting poll with the shutdown text and closed:true", async () => {
    const port = await start();
    const c = await client(port);
    await c.request({ mode: "receive" }); // the connection screen
    const waiting = c.request({ mode: "receive" });
    const transport = game!.portal.sessions.all()[0]!.transport as CometSession;
    await until(() => transport.isPolling, "the poll to wait");
    await game!.stop();
    game = null;
    const last = await waiting;
    expect(last.body.closed).toBe(true);
    expect(JSON.stringify(last.body.msgs)).toContain("Server shutting down");
  });

  it("forwards the website session cookie on init (same origin only)", async () => {
    const port = await start();
    await client(port, { cookie: "other=1; evennia_ts.sid=s%3Aabc.def; x=y" });
    await client(port, { cookie: "evennia_ts.sid=s%3Aevil", origin: "http://evil.example" });
    await client(port, { cookie: "evennia_ts.sid=s%3Asame", origin: `http://127.0.0.1:${port}` });
    await client(port);
    const seen = cometSessions().map((s) => s.webSession);
    expect(seen).toEqual(["s%3Aabc.def", undefined, "s%3Asame", undefined]);
    await until(() => game!.server()?.sessions.all().length === 4, "the server to see the sessions");
  });
});

describe("comet: hostile and malformed requests", () => {
  it("a malformed triple is a 400 and the session plays on; bad bodies get 400/413/415/405", async () => {
    const port = await start();
    const c = await client(port);
    c.startPolling();
    await c.waitForText("create <username> <password>");
    const bad = await c.request({ mode: "input", data: ["text", "look"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/args must be an array/);
    expect((await c.request({ mode: "input", data: [["text", ["look"], {}], [42]] })).body.error).toMatch(/^data\[1\]/);
    expect((await c.request({ mode: "input", data: ["text", [7], {}] })).status).toBe(400);
    expect((await c.request({ mode: "input" })).status).toBe(400);
    expect((await c.request({ mode: "dance" })).status).toBe(400);
    expect((await cometPost(port, "{not json")).status).toBe(400);
    expect((await cometPost(port, "[1,2]")).status).toBe(400);
    expect((await cometPost(port, { mode: "init" }, { headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await cometPost(port, { mode: "init" }, { headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    expect((await cometPost(port, "", { method: "GET", headers: { "content-length": 0 } })).status).toBe(405);
    const huge = await cometPost(port, { mode: "input", csessid: c.csessid, data: ["text", ["x".repeat(200_000)], {}] });
    expect(huge.status).toBe(413);
    // the same without a declared length (chunked): reading stops at the limit
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/webclientdata", method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write(`{"mode":"input","csessid":"${c.csessid}","data":["text",["`);
      for (let i = 0; i < 20; i++) req.write("x".repeat(10_000));
      req.end('"],{}]}');
    });
    expect(chunked).toBe(413);
    // nothing of the refused requests ran (the first "look" of the mixed batch included); the session works
    await c.command("look");
    await c.waitForText("create <username> <password>");
    expect(c.messages.filter((m) => String((m[2] as { raw_text?: string }).raw_text).includes("create <username>"))).toHaveLength(2);
    expect(cometSessions()).toHaveLength(1);
  });

  it("a too long line is cut with a notice, as on the websocket", async () => {
    const port = await start({ maxLineLength: 100 });
    const c = await client(port);
    c.startPolling();
    await c.command("x".repeat(150));
    await c.waitForText("Your input was too long and was cut to 100 characters.");
  });

  it("input rate limits apply as on the websocket", async () => {
    const port = await start({ commandRatePerSecond: 1, commandBurst: 2 });
    const c = await client(port);
    c.startPolling();
    await c.waitForText("create <username> <password>");
    await c.request({ mode: "input", data: Array.from({ length: 10 }, () => ["text", ["look"], {}]) });
    await c.waitForText("You are sending commands too fast");
  });

  it("init passes per-IP admission: past maxConnectionsPerIp it is refused 429, and a closed session frees its place", async () => {
    const port = await start({ maxConnectionsPerIp: 3 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); // one TCP connection: one place
    cleanups.push(() => agent.destroy());
    const a = await cometPost(port, { mode: "init" }, { agent });
    const b = await cometPost(port, { mode: "init" }, { agent });
    expect([a.status, b.status]).toEqual([200, 200]);
    const refused = await cometPost(port, { mode: "init" }, { agent });
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBeDefined();
    expect(refused.body.error).toMatch(/Too many connections from your address/);
    expect((await cometPost(port, { mode: "close", csessid: a.body.csessid }, { agent })).status).toBe(200);
    expect((await cometPost(port, { mode: "init" }, { agent })).status).toBe(200);
  });

  it("1000 unknown csessids are answered 404 and leave nothing behind", async () => {
    const port = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    cleanups.push(() => agent.destroy());
    const modes = ["input", "receive", "keepalive", "close"];
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const csessid = (batch * 20 + i) % 3 === 0 ? `bogus-${i}` : (batch * 1e6 + i).toString(16).padStart(32, "0");
          return cometPost(port, { mode: modes[i % 4], csessid, data: ["text", ["look"], {}] }, { agent });
        }),
      );
      for (const answer of answers) expect(answer.status).toBe(404);
    }
    expect(cometSessions()).toHaveLength(0);
    expect(game!.portal.sessions.count).toBe(0);
  });

  it("output that waits for a browser that never polls is bounded: past maxOutputBuffer the session closes", async () => {
    const port = await start({ maxOutputBuffer: 50_000 });
    const c = await client(port);
    const session = game!.portal.sessions.all().find((s) => s.transport.protocolKey === "comet")!;
    for (let i = 0; i < 20; i++) session.sendText("y".repeat(5000));
    expect(session.isDisconnected).toBe(true);
    const last = await c.request({ mode: "receive" });
    expect(last.body).toEqual({ msgs: [], closed: true });
    expect((await c.request({ mode: "receive" })).status).toBe(404);
  });
});
