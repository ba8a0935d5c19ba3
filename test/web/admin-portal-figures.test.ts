/**
 * The web admin's status page shows the portal's own figures (its `portal-health`
 * reports to the server) beside the server's, with a real portal in front.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { pageText, PASSWORD, WebClient } from "./admin-fixture.ts";
import { until } from "./portal-web-client.ts";

let game: InProcessGame;

beforeAll(async () => {
  game = await startInProcessGame();
  const services = (await game.server()!.web!.app()).context.services;
  await services.createAccount("root", PASSWORD);
});
afterAll(async () => {
  await game?.stop();
});

it("shows the portal's memory, loop delay and collector pauses, and how old the report is", async () => {
  await until(() => game.server()!.portalReport() !== null, "the portal's first report", 5_000);
  const root = new WebClient(() => game.serverWebUrl()!, { username: "root", password: PASSWORD });
  const page = await root.get("/admin/status");
  expect(page.status).toBe(200);
  expect(page.text).toContain('<dd id="portal-process">');
  expect(pageText(page.text)).toMatch(/Portal process RSS [\d.]+ MiB, heap [\d.]+ MiB of [\d.]+ MiB; .*GC pauses since start: \d+ minor.*\(reported \d+ s ago\)/);
});
