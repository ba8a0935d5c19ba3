/**
 * Writing heap snapshots of the server process for `evennia-ts heapdump` and the
 * retainer report (`evennia-ts/tools/retainers.ts`).
 *
 * Numeric values are exposed in the snapshot (`exposeNumericValues`): without them
 * V8 leaves small integers out, and the report could not find "object #123" by its
 * row id. Writing a snapshot stops the process while it runs (seconds for a large
 * heap) and needs memory of its own; the file holds everything in memory, password
 * hashes included, so it is created readable by its owner only.
 */
import { chmodSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";

/** What {@link writeHeapdump} wrote. */
export interface HeapdumpResult {
  /** Absolute path of the `.heapsnapshot` file. */
  path: string;
  /** Its size. */
  bytes: number;
  /** How long writing it took (the process was blocked that long). */
  ms: number;
}

/** `heap-2025-01-31T12-00-00-000Z-<pid>.heapsnapshot`: sortable, and safe on every file system. */
export function heapdumpFileName(date: Date = new Date(), pid: number = process.pid): string {
  return `heap-${date.toISOString().replace(/[:.]/g, "-")}-${pid}.heapsnapshot`;
}

/** Write a heap snapshot of this process into `dir` (created if missing). */
export function writeHeapdump(dir: string): HeapdumpResult {
  mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, heapdumpFileName());
  const started = performance.now();
  writeHeapSnapshot(file, { exposeNumericValues: true });
  const ms = performance.now() - started;
  if (process.platform !== "win32") chmodSync(file, 0o600);
  return { path: file, bytes: statSync(file).size, ms };
}
