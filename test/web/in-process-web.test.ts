/**
 * The in-process game exposes its server's web app (`serverWebUrl()`), for the
 * website, admin and API tests; a reload starts a new server whose web app listens
 * anew (the old one is closed), a website login survives it, and templates and
 * static files changed on disk show after it (not before: they are read once).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { addProbeWebFiles } from "./probe-game.ts";
import { csrfTokenIn, WebTestClient } from "./web-test-client.ts";

let game: InProcessGame;

/** Poll `check` until it holds (a condition, not a timing: the test's timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  game = await startInProcessGame({}, addProbeWebFiles);
}, 60_000);

afterAll(async () => {
  await game?.stop();
});

it("serves the server's web app at serverWebUrl(), again after a reload, with the login kept and changed files shown", async () => {
  await until(() => game.serverWebUrl() !== null);
  const url = game.serverWebUrl()!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const css = await fetch(`${url}/static/website/site.css`);
  expect(css.status).toBe(200);
  const services = (await game.server()!.web!.app()).context.services;
  await services.createAccount("Root", "root-password");
  const client = new WebTestClient(url);
  const token = csrfTokenIn((await client.get("/probe/form")).body);
  expect((await client.postForm("/probe/login", { _csrf: token, username: "Root", password: "root-password" })).status).toBe(200);

  // change a template and a static file on disk: the running app keeps what it read
  const logo = `${url}/static/game/logo.svg`;
  const logoBefore = await (await fetch(logo)).text();
  const formFile = path.join(game.folder.dir, "web", "templates", "probe", "form.liquid");
  writeFileSync(formFile, readFileSync(formFile, "utf8").replace("Probe form", "Probe form, edited"));
  writeFileSync(path.join(game.folder.dir, "web", "static", "game", "logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- edited --></svg>\n");
  expect((await client.get("/probe/form")).body).toContain("<title>Probe form</title>");
  expect(await (await fetch(logo)).text()).toBe(logoBefore);

  const first = game.server();
  game.portal.reload();
  await until(() => game.server() !== null && game.server() !== first && game.serverWebUrl() !== null);
  const after = game.serverWebUrl()!;
  // the first server's web app is closed
  if (after !== url) await expect(fetch(`${url}/probe/whoami`)).rejects.toThrow();
  client.baseUrl = after;
  expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: "Root" });
  expect((await client.get("/probe/form")).body).toContain("<title>Probe form, edited</title>");
  expect(await (await fetch(`${after}/static/game/logo.svg`)).text()).toContain("edited");
}, 60_000);
