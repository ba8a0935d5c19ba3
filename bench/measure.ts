/**
 * Measuring helpers for the benchmarks: forced garbage collection that also lets
 * finalization callbacks run, heap readings, timers and number formatting.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** True when the process was started with `--expose-gc`. */
export function gcAvailable(): boolean {
  return typeof globalThis.gc === "function";
}

/**
 * Collect garbage until the heap is quiet: several full GCs separated by real turns of
 * the event loop, so that `FinalizationRegistry` callbacks (which run in their own task
 * after a GC) get to remove the identity map's dead entries, and WeakRefs read during
 * the previous job are released.
 */
export async function settle(rounds = 5): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new Error("benchmarks need --expose-gc (use `npm run bench`)");
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    await sleep(25);
    gc();
    const now = process.memoryUsage().heapUsed;
    // stop early once two consecutive collections agree within 64 KiB
    if (i >= 2 && Math.abs(last - now) < 64 * 1024) break;
    last = now;
  }
}

/** `process.memoryUsage().heapUsed`, in bytes. */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

/** Milliseconds since an arbitrary origin (monotonic). */
export function now(): number {
  return performance.now();
}

/** Time an async function; returns its result and the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = now();
  const result = await fn();
  return { result, ms: now() - start };
}

/** `count` pseudo-random integers in [1, max], reproducible (xorshift32, fixed seed). */
export function randomIds(count: number, max: number, seed = 0x9e3779b9): Int32Array {
  const out = new Int32Array(count);
  let x = seed | 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) % max) + 1;
  }
  return out;
}

/** Bytes → "12.3 MB" (decimal megabytes, as the targets are stated). */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A number with thousands separators and at most `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Progress line on stderr (stdout stays for the table). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Start the V8 profiler in this process; `stop(file)` writes the .cpuprofile. */
export async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
