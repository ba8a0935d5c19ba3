/**
 * End to end: the portal's proxy in front of the REAL server web app across a
 * `reload`. Before it, GET / through the portal is the website; while the server
 * restarts, every request gets either the website or, at once, the 503
 * "restarting" page with Retry-After — never a hang, a cut connection or another
 * status; after it the website works again on the new server's app, and the
 * browser's website login is kept.
 */
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { loggedInAs, PortalWebClient, until } from "./portal-web-client.ts";

let game: InProcessGame;

beforeAll(async () => {
  game = await startInProcessGame();
}, 30_000);

afterAll(async () => {
  browserAgent.destroy();
  await game?.stop();
});

/** One request's outcome: its status and what the page was, or the error it ended with. */
interface Outcome {
  status: number;
  retryAfter?: string;
  body: string;
  error?: string;
}

/** Kept-alive connections, as a browser keeps them (the portal admits only so many new connections a minute from one address). */
const browserAgent = new http.Agent({ keepAlive: true, maxSockets: 3 });

/** GET `path` on `port` with `cookie`; a failed request is an outcome too, not a throw. */
function attempt(port: number, path: string, cookie: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: browserAgent, headers: { cookie, accept: "text/html" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body }));
      res.on("error", (err) => resolve({ status: 0, body, error: err.message }));
    });
    req.on("error", (err) => resolve({ status: 0, body: "", error: err.message }));
  });
}

it("the website through the portal: before, during and after a reload (503 at once or the website, never a hang), the login kept", async () => {
  const port = game.status.webPort!;
  const browser = new PortalWebClient(port);
  await until(async () => (await browser.get("/")).status === 200, "the website through the portal");
  const home = await browser.get("/");
  expect(home.body).toContain('<a class="site-name" href="/">TestGame</a>');
  expect(home.headers["content-security-policy"]).toBeDefined();
  const registered = await browser.submit("/auth/register", { username: "Odile", password: "secret-pass-1", password2: "secret-pass-1" });
  expect(registered.status).toBe(303);
  expect(loggedInAs((await browser.get("/")).body)).toBe("Odile");
  const cookie = browser.cookieHeader();

  const first = game.server();
  const firstAppUrl = game.serverWebUrl();
  game.portal.reload();
  // browse all through the restart: requests one after another, and a few at a time
  const outcomes: Outcome[] = [];
  let reloaded = false;
  let rounds = 0;
  while (!reloaded && rounds < 2000) {
    rounds++;
    outcomes.push(...(await Promise.all([attempt(port, "/", cookie), attempt(port, "/characters/", cookie), attempt(port, "/static/website/site.css", cookie)])));
    reloaded = game.server() !== first && game.server() !== null && game.portal.status().serverState === "running" && game.serverWebUrl() !== null && game.serverWebUrl() !== firstAppUrl;
  }
  expect(reloaded).toBe(true);
  for (const outcome of outcomes) {
    expect(outcome.error, JSON.stringify(outcome).slice(0, 300)).toBeUndefined();
    if (outcome.status === 503) {
      expect(outcome.retryAfter).toMatch(/^\d+$/);
      expect(outcome.body).toContain("restarting");
    } else {
      expect(outcome.status, outcome.body.slice(0, 300)).toBe(200);
    }
  }
  // the restart was seen: some requests were answered "restarting"
  expect(outcomes.some((o) => o.status === 503)).toBe(true);

  // after the reload: the new server's app, the login kept
  await until(async () => (await browser.get("/")).status === 200, "the website after the reload");
  const after = await browser.get("/characters/");
  expect(after.status).toBe(200);
  expect(loggedInAs(after.body)).toBe("Odile");
  // and forms still work (the CSRF secret lives in the kept session)
  expect((await browser.submit("/auth/password-change", { old_password: "secret-pass-1", new_password: "secret-pass-2", new_password2: "secret-pass-2" })).status).toBeLessThan(400);
}, 20_000);
