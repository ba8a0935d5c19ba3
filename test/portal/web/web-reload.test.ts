/**
 * The proxy with a real in-process game and the server's real web app through
 * reloads and crashes: the website while the server runs, the "restarting" 503 at
 * once from the moment a reload starts or the server goes away, the new server's
 * app (on its new port) once it reports it over the link, and 503 again when the
 * server says its app stopped serving. (`test/web/e2e-proxy-reload.test.ts` browses
 * through a reload with a logged-in browser.)
 */
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerToPortal } from "../../../evennia-ts/protocol/link-messages.ts";
import type { Server } from "../../../evennia-ts/server/server.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";

let game: InProcessGame | null = null;

afterEach(async () => {
  await game?.stop();
  game = null;
});

/** What the server's web app says when it stops serving: over the link, `{t: "web", port: null}`. */
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

/** The website's home page, as the real app renders it. */
const WEBSITE = '<a class="site-name" href="/">TestGame</a>';

describe("the proxy through server reloads and crashes", () => {
  it("serves the website while the server runs, answers 503 at once during a reload, and resumes with the new server's app", async () => {
    game = await startInProcessGame();
    const web = game.status.webPort!;
    await until(async () => (await get(web, "/")).status === 200, "the website to be proxied");
    expect((await get(web, "/")).body).toContain(WEBSITE);
    const firstApp = game.serverWebUrl();

    const before = game.server();
    game.portal.reload();
    // from the moment the reload starts, the old server's app is not used (it is going down)
    const during = await get(web, "/");
    expect(during.status).toBe(503);
    expect(during.retryAfter).toBeDefined();
    await until(() => game!.server() !== before && game!.server() !== null && game!.portal.status().serverState === "running", "the new server");
    await until(async () => (await get(web, "/")).status === 200, "the website to come back");
    expect((await get(web, "/")).body).toContain(WEBSITE);
    expect(game.serverWebUrl()).not.toBe(firstApp);

    // the server says its app stopped serving
    reportWebPort(game.server()!, null);
    await until(async () => (await get(web, "/")).status === 503, "the proxy to stop");
  });

  it("a crashed server's app is not used: 503 until the restarted server's app is there", async () => {
    game = await startInProcessGame();
    const web = game.status.webPort!;
    await until(async () => (await get(web, "/")).status === 200, "the website to be proxied");
    const crashed = game.server()!;
    void crashed.stop("link-lost"); // the server goes away unasked: a crash, as the portal sees it
    await until(async () => (await get(web, "/")).status === 503, "the proxy to answer restarting");
    await until(() => game!.server() !== crashed && game!.portal.status().serverState === "running", "the restarted server");
    await until(async () => (await get(web, "/")).status === 200, "the website to come back");
    expect((await get(web, "/")).body).toContain(WEBSITE);
  });
});
