/**
 * Cmdsets registered by path, so settings can name them
 * (`cmdsetCharacter: "commands.default_cmdsets.CharacterCmdSet"`) and a game can
 * replace the defaults by registering its own under the same path.
 */
import { getLogger } from "../utils/logger.ts";
import type { CmdSet } from "./cmdset.ts";

const log = getLogger("cmdsets");

/** A cmdset class. */
export type CmdSetClass = new () => CmdSet;

const byPath = new Map<string, CmdSetClass>();
const warned = new Set<string>();

/** Register a cmdset class under a path. */
export function registerCmdSet(path: string, cls: CmdSetClass): void {
  byPath.set(path, cls);
}

/** True when a cmdset class is registered under `path`. */
export function isCmdSetRegistered(path: string): boolean {
  return byPath.has(path);
}

/** Instantiate the cmdset registered under `path`, else the one under `fallback` (logging once). */
export function cmdSetFor(path: string, fallback: string): CmdSet | null {
  const cls = byPath.get(path) ?? byPath.get(fallback);
  if (!byPath.has(path) && !warned.has(path)) {
    warned.add(path);
    log.warn(`no cmdset registered as "${path}"; using ${byPath.has(fallback) ? fallback : "none"}`);
  }
  return cls ? new cls() : null;
}
