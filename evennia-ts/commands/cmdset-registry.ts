/**
 * Cmdsets registered by path, so settings and stored cmdsets can name them
 * (`cmdsetCharacter: "commands.default_cmdsets.CharacterCmdSet"`) and a game can
 * replace the defaults by registering its own under the same path. A persistent
 * cmdset is stored as its path and made again from the registry after a reload.
 */
import { getLogger } from "../utils/logger.ts";
import type { CmdSet, CmdSetOwner } from "./cmdset.ts";

const log = getLogger("cmdsets");

/** A cmdset class. */
export type CmdSetClass = new (cmdsetObj?: CmdSetOwner | null) => CmdSet;

const byPath = new Map<string, CmdSetClass>();
const pathOf = new Map<CmdSetClass, string>();
const warned = new Set<string>();

/** Register a cmdset class under a path. */
export function registerCmdSet(path: string, cls: CmdSetClass): void {
  byPath.set(path, cls);
  pathOf.set(cls, path);
}

/** The class registered under `path`, if any. */
export function cmdSetClassAt(path: string): CmdSetClass | undefined {
  return byPath.get(path);
}

/** The path `cls` was registered under (the latest, if several), if any. */
export function registeredPathOf(cls: CmdSetClass): string | undefined {
  return pathOf.get(cls);
}

/**
 * Make the cmdset registered under `path` for `owner`, or the one under
 * `fallback`; null (logged once per path) when neither is registered.
 */
export function createCmdSet(path: string, owner: CmdSetOwner | null = null, fallback?: string): CmdSet | null {
  let cls = byPath.get(path);
  let madePath = path;
  if (!cls) {
    if (!warned.has(path)) {
      warned.add(path);
      const using = fallback && byPath.has(fallback) ? fallback : "none";
      log.warn(`no cmdset registered as "${path}"; using ${using}`);
    }
    if (!fallback) return null;
    cls = byPath.get(fallback);
    madePath = fallback;
    if (!cls) return null;
  }
  const set = new cls(owner);
  set.cmdsetObj = owner;
  set.path = madePath;
  return set;
}

/** True when a cmdset class is registered under `path`. */
export function isCmdSetRegistered(path: string): boolean {
  return byPath.has(path);
}

/** Instantiate the cmdset registered under `path`, else the one under `fallback` (logging once). */
export function cmdSetFor(path: string, fallback: string): CmdSet | null {
  return createCmdSet(path, null, fallback);
}
