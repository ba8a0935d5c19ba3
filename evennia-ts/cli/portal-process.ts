/**
 * Spawning the portal process and waiting for the first thing it reports: ready,
 * fatal, an early exit, or nothing before the deadline.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { constants } from "node:os";
import { nodeScriptArgs } from "../utils/node-command.ts";
import { portalEntry, portalSupervisorEntry } from "./paths.ts";
import { isPortalMessage, type PortalFatalMessage, type PortalReadyMessage } from "./portal-messages.ts";

/** How to run the portal. */
export interface SpawnPortalOptions {
  /** The game folder (absolute). */
  gameDir: string;
  /** stdio of the child; must include an `"ipc"` entry. */
  stdio: StdioOptions;
  /** Start it in its own process group, to outlive the launcher. */
  detached: boolean;
  /** Entry point to run (default: the real portal's source; a compiled `.js` runs without tsx). */
  entry?: string;
  /** The supervisor to run ({@link spawnSupervisedPortal}; default: its source). */
  supervisorEntry?: string;
  /** More arguments after `--game <dir>`. */
  args?: string[];
  /** Options for node itself (before the entry point), e.g. the CPU profiler's. */
  nodeArgs?: string[];
}

/** Start the portal for `gameDir` (`start` runs it under {@link spawnSupervisedPortal}). */
export function spawnPortal(options: SpawnPortalOptions): ChildProcess {
  const args = nodeScriptArgs(options.entry ?? portalEntry, ["--game", options.gameDir, ...(options.args ?? [])]);
  return spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: options.gameDir,
    stdio: options.stdio,
    detached: options.detached,
    env: process.env,
  });
}

/**
 * Start the portal's supervisor (`portal-supervisor.ts`), which runs the portal given as
 * `entry` and starts it again after a crash; it relays the portal's messages.
 */
export function spawnSupervisedPortal(options: SpawnPortalOptions): ChildProcess {
  return spawnPortal({
    ...options,
    entry: options.supervisorEntry ?? portalSupervisorEntry,
    args: ["--portal-entry", options.entry ?? portalEntry, ...(options.args ?? [])],
  });
}

/** The first thing a freshly spawned portal reports. */
export type PortalOutcome =
  | { kind: "ready"; message: PortalReadyMessage }
  | { kind: "fatal"; message: PortalFatalMessage }
  | { kind: "exit"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "spawn-error"; error: Error }
  | { kind: "timeout" }
  /** `interrupt` was aborted first (the launcher got SIGINT); its reason. */
  | { kind: "interrupted"; reason: string };

/**
 * Wait (at most `timeoutMs`) for the portal's ready or fatal message, or its exit,
 * or until `interrupt` is aborted.
 */
export function waitForPortal(child: ChildProcess, timeoutMs: number, interrupt?: AbortSignal): Promise<PortalOutcome> {
  return new Promise((resolve) => {
    const onAbort = (): void => finish({ kind: "interrupted", reason: String(interrupt?.reason ?? "interrupted") });
    const finish = (outcome: PortalOutcome): void => {
      clearTimeout(timer);
      interrupt?.removeEventListener("abort", onAbort);
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.off("error", onError);
      resolve(outcome);
    };
    const onMessage = (value: unknown): void => {
      if (!isPortalMessage(value)) return;
      if (value.type === "ready") finish({ kind: "ready", message: value });
      else finish({ kind: "fatal", message: value });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => finish({ kind: "exit", code, signal });
    const onError = (error: Error): void => finish({ kind: "spawn-error", error });
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.on("error", onError);
    if (interrupt?.aborted) onAbort();
    else interrupt?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A process exit as an exit code (a signal `n` gives `128 + n`). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}
