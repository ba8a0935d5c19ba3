/**
 * The proxy with a real in-process game through reloads and crashes. The server's
 * own web app is built on another branch (web-core): here a plain http server stands
 * in for it, and its port is reported over the real link by the real server, with
 * the `{t: "web"}` message that app's server will send.
 */
import http from "node:http";
import type net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerToPortal } from "../../../evennia-ts/protocol/link-messages.ts";
import type { Server } from "../../../evennia-ts/server/server.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";

let game: InProcessGame | null = null;
let app: http.Server | null = null;

afterEach(async () => {
  await game?.stop();
  game = null;
  app?.closeAllConnections();
  await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  app = null;
});

async function startApp(): Promise<number> {
  app = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`website ${req.url} for ${String(req.headers["x-forwarded-for"])}`);
  });
  await new Promise<void>((resolve) => app!.listen(0, "127.0.0.1", resolve));
  return (app.address() as net.AddressInfo).port;
}

/** What the server's web app will do at start: tell the portal its port, over the link. */
function reportWebPort(server: Server, port: number | null): void {
  (server.sessions as unknown as { send: (msg: ServerToPortal) => void }).send({ t: "web", port });
}

function get(port: number, path: string): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers["retry-after"] }));
      })
      .on("error", reject);
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the proxy through server reloads and crashes", () => {
  it("serves the website while the server runs, answers 503 at once during a reload, and resumes with the new server's port", async () => {
    game = await startInProcessGame();
    const web = game.status.webPort!;
    // the server has not reported a web app: "restarting" (not a hang, not a 404)
    expect((await get(web, "/")).status).toBe(503);

    const appPort = await startApp();
    reportWebPort(game.server()!, appPort);
    await until(async () => (await get(web, "/")).status === 200, "the website to be proxied");
    expect((await get(web, "/about?x=1")).body).toBe("website /about?x=1 for 127.0.0.1");

    const before = game.server();
    game.portal.reload();
    // from the moment the reload starts, the old server's app is not used (it is going down)
    const during = await get(web, "/");
    expect(during.status).toBe(503);
    expect(during.retryAfter).toBeDefined();
    await until(() => game!.server() !== before && game!.server() !== null && game!.portal.status().serverState === "running", "the new server");
    // a new server that has not reported its app yet: still "restarting"
    expect((await get(web, "/")).status).toBe(503);
    reportWebPort(game.server()!, appPort);
    await until(async () => (await get(web, "/")).status === 200, "the website to come back");

    // the server says its app stopped serving
    reportWebPort(game.server()!, null);
    await until(async () => (await get(web, "/")).status === 503, "the proxy to stop");
  });

  it("a crashed server's app is not used: 503 until the restarted server reports again", async () => {
    game = await startInProcessGame();
    const web = game.status.webPort!;
    const appPort = await startApp();
    reportWebPort(game.server()!, appPort);
    await until(async () => (await get(web, "/")).status === 200, "the website to be proxied");
    const crashed = game.server()!;
    void crashed.stop("link-lost"); // the server goes away unasked: a crash, as the portal sees it
    await until(async () => (await get(web, "/")).status === 503, "the proxy to answer restarting");
    await until(() => game!.server() !== crashed && game!.portal.status().serverState === "running", "the restarted server");
    expect((await get(web, "/")).status).toBe(503);
    reportWebPort(game.server()!, appPort);
    await until(async () => (await get(web, "/")).status === 200, "the website to come back");
  });
});
