/**
 * The framework's version, as its `package.json` says (what `info` and the
 * like report).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { frameworkRoot } from "./framework-root.ts";

let cached: string | null = null;

/** The evennia-ts version (`"0.1.0"`), or `"unknown"` when its package.json cannot be read. */
export function frameworkVersion(): string {
  if (cached !== null) return cached;
  try {
    const file = path.join(frameworkRoot, "package.json");
    const version: unknown = (JSON.parse(readFileSync(file, "utf8")) as { version?: unknown }).version;
    cached = typeof version === "string" && version ? version : "unknown";
  } catch {
    cached = "unknown";
  }
  return cached;
}

const startedAt = Date.now() - Math.round(process.uptime() * 1000);

/** When this process started (ms since epoch): the server's start time, as the server runs in its own process. */
export function processStartedAt(): number {
  return startedAt;
}
