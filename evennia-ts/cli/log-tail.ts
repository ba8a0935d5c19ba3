/**
 * Reading the end of a log file, to show the user why a process failed.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";

/** The size of `file` in bytes (0 when it does not exist). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The last `maxLines` lines of `file` written after byte `fromOffset` (at most the
 * last 64 KiB); empty when there are none or the file cannot be read.
 */
export function tailLines(file: string, maxLines: number, fromOffset = 0): string[] {
  const size = fileSize(file);
  const start = Math.max(fromOffset, size - 64 * 1024, 0);
  if (size <= start) return [];
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.subarray(0, read).toString("utf8").split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    return lines.slice(-maxLines);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
