/**
 * `evennia-ts heapdump [--retainers <#id|typeclass>]`: have the running server write a
 * heap snapshot into `<game>/server/logs/`, and with `--retainers` report, in this
 * process (never the server's), what keeps the object `#id` — or every instance of a
 * typeclass — in memory: the shortest reference paths from the GC roots to it.
 * `evennia-ts heapdump <file> --retainers <#id|typeclass>` reports on a snapshot
 * written earlier, without asking the server for a new one.
 */
import path from "node:path";
import { formatBytes } from "../../commands/default/memory.ts";
import type { HeapdumpResult } from "../../server/memory/heapdump.ts";
import { sendControlRequest } from "../../server/control/control-client.ts";
import { controlSocketPath } from "../../server/control/control-paths.ts";
import { formatRetainerReport, parseRetainerTarget, retainerReport } from "../../tools/retainers.ts";
import { EvenniaError, isEvenniaError } from "../../utils/errors.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";

/** Options of {@link heapdump}. */
export interface HeapdumpOptions {
  /** The game folder (absolute). */
  gameDir: string;
  /** An existing snapshot to report on instead of writing one (absolute); needs `retainers`. */
  file?: string;
  io: CliIo;
  /** `#123` / `123` (a row id) or a typeclass path or class name: report what keeps it alive. */
  retainers?: string;
  /** Reference paths shown per instance (default 3). */
  maxPaths?: number;
  /** How long to wait for the server to write the snapshot (default 10 minutes). */
  timeoutMs?: number;
}

/**
 * Write a heap snapshot of the server of `gameDir` and report retainers if asked — or,
 * given `file`, only report on that snapshot; resolves to the exit code.
 */
export async function heapdump(options: HeapdumpOptions): Promise<number> {
  const { gameDir, io } = options;
  const query = options.retainers === undefined ? null : parseRetainerTarget(options.retainers);
  if (options.file !== undefined) {
    if (query === null) throw new EvenniaError("EV_ERR_BAD_INPUT", "with a snapshot file, say what to look for: --retainers <#id|typeclass>");
    for (const line of formatRetainerReport(retainerReport(options.file, { ...query, maxPaths: options.maxPaths }))) io.out(line);
    return 0;
  }
  requireGameDir(gameDir);
  const socket = controlSocketPath(gameDir);
  io.out("Writing a heap snapshot of the server (the game pauses while it is written) ...");
  let dump: HeapdumpResult;
  try {
    dump = (await sendControlRequest(socket, "heapdump", {}, { timeoutMs: options.timeoutMs ?? 10 * 60_000 })) as HeapdumpResult;
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_NOT_RUNNING")) throw err;
    io.err(`The server is not running (no control socket at ${socket}); start the game with "evennia-ts start".`);
    return 1;
  }
  io.out(`Wrote ${dump.path} (${formatBytes(dump.bytes)} in ${(dump.ms / 1000).toFixed(1)} s).`);
  io.out("It holds everything the server had in memory, password hashes included: keep it private and delete it when done.");
  io.out("Open it in Chrome DevTools (Memory tab), or ask what keeps an object alive with:");
  io.out(`  npx evennia-ts heapdump ${dump.path} --retainers <#id|typeclass>`);
  if (query === null) return 0;
  io.out("");
  const report = retainerReport(dump.path, { ...query, maxPaths: options.maxPaths });
  for (const line of formatRetainerReport(report)) io.out(line);
  return 0;
}

/** The `heapdump` command. */
export const heapdumpCommand: CliCommand = {
  name: "heapdump",
  synopsis: "[<file.heapsnapshot>] [--retainers <#id|typeclass>]",
  summary: "write a heap snapshot of the server (--retainers: show what keeps an object in memory; <file>: of an earlier snapshot)",
  options: ["game", "retainers"],
  minArgs: 0,
  maxArgs: 1,
  run: ({ io, positionals, options, cwd }) =>
    heapdump({
      gameDir: resolveGameDir(options.game, cwd),
      file: positionals[0] === undefined ? undefined : path.resolve(cwd, positionals[0]),
      io,
      retainers: options.retainers,
    }),
};
