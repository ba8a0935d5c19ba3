/**
 * `evennia-ts memory [--flush]`: the running server's heap and identity-map figures
 * (live, pinned and cached objects per typeclass), asked over its control socket;
 * `--flush` drops every cached (unpinned) object first and shows before and after.
 */
import { formatFlushReport, formatMemoryReport, type FlushReport, type MemoryReport } from "../../commands/default/memory.ts";
import { sendControlRequest } from "../../server/control/control-client.ts";
import { controlSocketPath } from "../../server/control/control-paths.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";

/** Options of {@link showMemory}. */
export interface MemoryOptions {
  /** The game folder (absolute). */
  gameDir: string;
  io: CliIo;
  /** Flush the identity map first. */
  flush?: boolean;
  /** How long to wait for the server's answer. */
  timeoutMs?: number;
}

/**
 * Print the memory figures of the server of `gameDir` (flushing first if asked);
 * resolves to the exit code (1 when the server is not running).
 */
export async function showMemory(options: MemoryOptions): Promise<number> {
  const { gameDir, io } = options;
  requireGameDir(gameDir);
  const socket = controlSocketPath(gameDir);
  let result: unknown;
  try {
    result = await sendControlRequest(socket, options.flush ? "flush" : "memory", {}, { timeoutMs: options.timeoutMs ?? 30_000 });
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_NOT_RUNNING")) throw err;
    io.err(`The server is not running (no control socket at ${socket}); start the game with "evennia-ts start".`);
    return 1;
  }
  const lines = options.flush ? formatFlushReport(result as FlushReport) : formatMemoryReport(result as MemoryReport);
  for (const line of lines) io.out(line);
  return 0;
}

/** The `memory` command. */
export const memoryCommand: CliCommand = {
  name: "memory",
  synopsis: "[--flush]",
  summary: "show the server's heap and identity-map figures (--flush: drop cached objects first)",
  options: ["game", "flush"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) =>
    showMemory({ gameDir: resolveGameDir(options.game, cwd), io, flush: options.flush }),
};
