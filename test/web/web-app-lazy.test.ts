/**
 * The server's web app (express, liquidjs, the admin) is built on the first request: a
 * game nobody browses does not load the web stack (about 18 MiB of an idle server's
 * resident memory). Checked in a fresh node process, where nothing else loaded it first.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

const inProcessGame = pathToFileURL(path.join(packageRoot, "evennia-ts", "testing", "in-process-game.ts")).href;

it("starts a game without loading express, and builds the web app on the first request", () => {
  const script = `
    import { createRequire } from "node:module";
    const { startInProcessGame } = await import(${JSON.stringify(inProcessGame)});
    const expressModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/express/")).length;
    const game = await startInProcessGame();
    const web = game.server().web;
    const idle = { express: expressModules(), built: web.builtApp() !== null };
    const response = await fetch(game.serverWebUrl() + "/");
    const page = await response.text();
    const browsed = { express: expressModules(), built: web.builtApp() !== null, status: response.status, html: page.includes("<html") };
    await game.stop();
    process.stdout.write(JSON.stringify({ idle, browsed }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: packageRoot, encoding: "utf8", timeout: 90_000 });
  const result = JSON.parse(out.slice(out.lastIndexOf('{"idle"'))) as { idle: { express: number; built: boolean }; browsed: { express: number; built: boolean; status: number; html: boolean } };
  expect(result.idle).toEqual({ express: 0, built: false });
  expect(result.browsed.status).toBe(200);
  expect(result.browsed.html).toBe(true);
  expect(result.browsed.built).toBe(true);
  expect(result.browsed.express).toBeGreaterThan(0);
}, 120_000);
