/**
 * The server's web app (express, liquidjs, the admin) is built on the first request: a
 * game nobody browses does not load the web stack (about 18 MiB of an idle server's
 * resident memory), nor the feed parser without feeds. Checked in a fresh node process,
 * where nothing else loaded them first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { startInProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { setLogSink } from "../../evennia-ts/utils/logger.ts";

const inProcessGame = pathToFileURL(path.join(packageRoot, "evennia-ts", "testing", "in-process-game.ts")).href;

it("starts a game without loading express, express-session or the feed parser, and builds the web app on the first request", () => {
  const script = `
    import { createRequire } from "node:module";
    const { startInProcessGame } = await import(${JSON.stringify(inProcessGame)});
    const expressModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/express/")).length;
    const game = await startInProcessGame();
    const web = game.server().web;
    const loadedOf = (name) => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/" + name + "/")).length;
    const idle = { express: expressModules(), session: loadedOf("express-session"), feeds: loadedOf("@rowanmanning/feed-parser"), built: web.builtApp() !== null };
    const response = await fetch(game.serverWebUrl() + "/");
    const page = await response.text();
    const browsed = { express: expressModules(), built: web.builtApp() !== null, status: response.status, html: page.includes("<html") };
    await game.stop();
    process.stdout.write(JSON.stringify({ idle, browsed }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: packageRoot, encoding: "utf8", timeout: 90_000 });
  const result = JSON.parse(out.slice(out.lastIndexOf('{"idle"'))) as { idle: Record<string, unknown>; browsed: { express: number; built: boolean; status: number; html: boolean } };
  expect(result.idle).toEqual({ express: 0, session: 0, feeds: 0, built: false });
  expect(result.browsed.status).toBe(200);
  expect(result.browsed.html).toBe(true);
  expect(result.browsed.built).toBe(true);
  expect(result.browsed.express).toBeGreaterThan(0);
}, 120_000);

/** A game's web routes that throw while the file `broken-routes` is in the game folder, counting their calls in `routes-calls`. */
const FLAKY_ROUTES = `
import { appendFileSync, existsSync } from "node:fs";
const inGame = (name) => new URL("../" + name, import.meta.url);
export default {
  routes(router) {
    appendFileSync(inGame("routes-calls"), "x");
    if (existsSync(inGame("broken-routes"))) throw new Error("the routes are broken");
    router.get("/hello-game", (req, res) => res.type("text").send("hello from the game"));
  },
};
`;

it("answers 500 while the web app cannot be built, without rebuilding on every request, and builds it again later", async () => {
  const game = await startInProcessGame({}, (dir) => {
    mkdirSync(path.join(dir, "web"), { recursive: true });
    writeFileSync(path.join(dir, "web", "urls.ts"), FLAKY_ROUTES);
    writeFileSync(path.join(dir, "broken-routes"), "");
  });
  const previous = setLogSink(() => undefined);
  try {
    const url = (p: string): string => `${game.serverWebUrl()}${p}`;
    const calls = (): number => (existsSync(path.join(game.folder.dir, "routes-calls")) ? readFileSync(path.join(game.folder.dir, "routes-calls"), "utf8").length : 0);
    const first = await fetch(url("/hello-game"));
    expect(first.status).toBe(500);
    expect(await first.text()).toContain("could not start");
    const again = await fetch(url("/hello-game"));
    expect(again.status).toBe(500);
    expect(calls()).toBe(1); // the second request did not build it again
    rmSync(path.join(game.folder.dir, "broken-routes"));
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const fixed = await fetch(url("/hello-game"));
    expect(fixed.status).toBe(200);
    expect(await fixed.text()).toBe("hello from the game");
    expect(calls()).toBe(2);
  } finally {
    setLogSink(previous);
    await game.stop();
  }
}, 60_000);
