/**
 * A log sink that appends every line to a file with a synchronous write, so the
 * last lines before a crash are on disk — and a process whose parent died (its
 * stdout gone) still logs. Optionally echoes to stdout as well (a terminal).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import type { LogSink } from "./logger.ts";

/** A sink writing to `file` (created, appended to); `echo` also copies lines to stdout. */
export function fileLogSink(file: string, echo: boolean): { sink: LogSink; close(): void } {
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number | null = openSync(file, "a");
  if (echo) {
    // the terminal (through the portal) may go away; the file is what matters
    process.stdout.on("error", () => undefined);
  }
  return {
    sink: (_level, line) => {
      if (fd !== null) {
        try {
          writeSync(fd, line + "\n");
        } catch {
          // disk full or file gone: nothing better to do than carry on
        }
      }
      if (echo) {
        try {
          process.stdout.write(line + "\n");
        } catch {
          // stdout closed
        }
      }
    },
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
