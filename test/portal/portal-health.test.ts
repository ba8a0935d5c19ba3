/**
 * The portal's own figures (portal/portal-health-reporter.ts): measured in the portal,
 * sent to the server as `portal-health` link messages at sync and every few seconds, and
 * shown with the server's live figures (`evennia-ts status`, the `server` command).
 */
import { afterEach, expect, it } from "vitest";
import { PortalHealthReporter } from "../../evennia-ts/portal/portal-health-reporter.ts";
import { formatLiveStats } from "../../evennia-ts/server/live-stats.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import type { PortalHealth } from "../../evennia-ts/utils/loop-health.ts";
import { isPortalHealth } from "../../evennia-ts/utils/loop-health.ts";
import { until } from "../web/portal-web-client.ts";

let game: InProcessGame | null = null;
let reporter: PortalHealthReporter | null = null;
afterEach(async () => {
  reporter?.stop();
  reporter = null;
  await game?.stop();
  game = null;
});

it("reports every interval while started, with figures that pass the link's check, and not after it stops", async () => {
  const reports: PortalHealth[] = [];
  reporter = new PortalHealthReporter((h) => reports.push(h), 20);
  reporter.start();
  reporter.start(); // a second start adds no second timer
  await new Promise((resolve) => setTimeout(resolve, 130));
  expect(reports.length).toBeGreaterThanOrEqual(3);
  expect(reports.length).toBeLessThanOrEqual(8);
  for (const h of reports) expect(isPortalHealth(h)).toBe(true);
  expect(reports[0]!.rss).toBeGreaterThan(0);
  expect(reports[0]!.heapUsed).toBeLessThanOrEqual(reports[0]!.heapTotal);
  reporter.stop();
  const seen = reports.length;
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(reports).toHaveLength(seen);
});

it("reaches the server as soon as it syncs, again after a reload, and shows in its live figures", async () => {
  game = await startInProcessGame();
  const first = game.server()!;
  await until(() => first.portalReport() !== null, "the portal's first report", 5_000);
  const report = first.portalReport()!;
  expect(report.ageSeconds).toBeLessThanOrEqual(1);
  expect(report.rss).toBeGreaterThan(0);
  const lines = formatLiveStats(first.liveStats());
  expect(lines.find((l) => l.startsWith("Portal process: "))).toMatch(/^Portal process: RSS [\d.]+ MiB, heap [\d.]+ MiB of [\d.]+ MiB; .*GC pauses since start: .*\(reported \d+ s ago\)$/);
  // a reload's new server does not wait for the next tick
  game.portal.reload();
  await until(() => game!.server() !== null && game!.server() !== first, "the new server", 15_000);
  const second = game.server()!;
  await until(() => second.portalReport() !== null, "the portal's report to the new server", 5_000);
  expect(second.liveStats().portal?.loop.gc).toBeDefined();
});
