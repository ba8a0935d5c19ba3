/**
 * The web admin's server status page: uptime, sessions by protocol, commands per
 * second, memory and the identity map's figures per table (`services.status()`),
 * the connected sessions, and the `memory/flush` action, which lets the identity
 * map drop every object nothing needs (`services.flushMemory()`).
 */
import { formatMiB } from "../../utils/bytes.ts";
import { describeLoopHealth, describePortalHealth } from "../../utils/loop-health.ts";
import type { Router } from "express";
import type { WebContext } from "../web-context.ts";
import { redirectWithNotice, renderAdmin } from "./admin-http.ts";

/** `3d 4h 12m 5s`. */
export function formatDuration(ms: number): string {
  let seconds = Math.max(0, Math.floor(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  parts.push(`${seconds}s`);
  return parts.join(" ");
}

/** Mount the status page and the flush action on the admin router. */
export function mountStatusAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/status", async (req, res) => {
    const status = await services.status();
    const now = Date.now();
    await renderAdmin(ctx, req, res, "status", {
      section: "status",
      serverName: status.serverName,
      uptime: formatDuration(now - status.startedAt),
      startedAt: new Date(status.startedAt).toISOString().slice(0, 19).replace("T", " "),
      gameAge: status.firstStartedAt === null ? null : formatDuration(now - status.firstStartedAt),
      sessionsByProtocol: Object.entries(status.sessionsByProtocol).map(([protocol, count]) => ({ protocol, count })),
      sessionTotal: Object.values(status.sessionsByProtocol).reduce((a, b) => a + b, 0),
      accountsOnline: status.accountsOnline,
      commands: { total: status.commands.total, perSecond: status.commands.perSecond.toFixed(2), windowSeconds: status.commands.windowSeconds },
      latency: {
        samples: status.commandLatency.samples,
        ...Object.fromEntries((["p50", "p90", "p99", "max"] as const).map((k) => [k, status.commandLatency[k].toFixed(2)])),
      },
      loop: status.loop ? describeLoopHealth(status.loop) : null,
      portal: status.portal ? describePortalHealth(status.portal) : null,
      memory: { rss: formatMiB(status.memory.rssBytes), heapUsed: formatMiB(status.memory.heapUsedBytes), heapTotal: formatMiB(status.memory.heapTotalBytes) },
      identityMap: Object.entries(status.identityMap).map(([table, figures]) => ({ table, ...figures })),
      sessions: services.sessions().map((s) => ({ ...s, connectedFor: formatDuration(now - s.connectedAt) })),
    });
  });

  router.post("/memory/flush", async (req, res) => {
    const released = await services.flushMemory();
    const message = `Flushed the identity map: ${released} object${released === 1 ? "" : "s"} let go.`;
    ctx.audit(req, message);
    redirectWithNotice(ctx, req, res, "/admin/status", message);
  });
}
