/**
 * The portal's own figures — resident memory, heap, event-loop delay and the
 * collector's pauses — sent to the server every few seconds as a `portal-health`
 * link message. The server shows them beside its own (`evennia-ts status`, the
 * `server` command, the end of a load test): an answer crosses the portal twice, so a
 * slow portal is half the story of a slow game, and the portal has no control
 * socket of its own to ask.
 */
import { LoopHealth, type PortalHealth } from "../utils/loop-health.ts";

/** How often the portal reports by default, ms. */
export const PORTAL_HEALTH_INTERVAL_MS = 5_000;

/** Measures the portal's loop and reports its health through `send`. */
export class PortalHealthReporter {
  private readonly loop = new LoopHealth();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param send delivers a report (the portal drops it while no server is connected).
   * @param intervalMs how often to report.
   */
  constructor(
    private readonly send: (health: PortalHealth) => void,
    private readonly intervalMs = PORTAL_HEALTH_INTERVAL_MS,
  ) {}

  /** Start measuring and reporting (no-op when started). */
  start(): void {
    if (this.timer) return;
    this.loop.start();
    this.timer = setInterval(() => this.reportNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop (no-op when stopped). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.loop.stop();
  }

  /** The figures now. */
  health(): PortalHealth {
    const usage = process.memoryUsage();
    return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, loop: this.loop.figures() };
  }

  /** Report at once (a server that just joined should not wait for the next tick). */
  reportNow(): void {
    this.send(this.health());
  }
}
