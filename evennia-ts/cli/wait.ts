/**
 * Polling with a deadline: every wait of the launcher is bounded.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Check this often, in milliseconds (default 100). */
  intervalMs?: number;
}

/**
 * Call `check` until it returns something other than `undefined`/`false`, and return
 * that; return `undefined` when `timeoutMs` passes first.
 */
export async function waitUntil<T>(check: () => T | undefined | false, options: WaitOptions): Promise<T | undefined> {
  const interval = options.intervalMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}
