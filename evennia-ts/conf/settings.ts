/**
 * Loading settings: defaults, then the game's `server/conf/settings.ts`, then
 * overrides given by the caller (tests, CLI flags).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../utils/errors.ts";
import { defaultSettings, type GameSettings, type Settings } from "./default-settings.ts";
import { importGameModule } from "../utils/game-modules.ts";

export { defaultSettings, type GameSettings, type Settings } from "./default-settings.ts";

/** The settings file of a game folder. */
export function settingsFile(gameDir: string): string {
  return path.join(gameDir, "server", "conf", "settings.ts");
}

/** True when `dir` looks like a game folder (it has `server/conf/settings.ts`). */
export function isGameDir(dir: string): boolean {
  return existsSync(settingsFile(dir));
}

/** Combine defaults, a game's settings and overrides; validates the result. */
export function buildSettings(gameDir: string, ...layers: GameSettings[]): Settings {
  const merged: Settings = { ...defaultSettings, gameDir: path.resolve(gameDir) };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (!(key in defaultSettings)) {
        throw new EvenniaError("EV_ERR_CONFIG", `unknown setting "${key}"`);
      }
      (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  validateSettings(merged);
  return merged;
}

/** Load a game folder's settings (with optional overrides on top). */
export async function loadSettings(gameDir: string, overrides: GameSettings = {}): Promise<Settings> {
  const file = settingsFile(gameDir);
  if (!existsSync(file)) {
    throw new EvenniaError(
      "EV_ERR_NOT_GAME_DIR",
      `${path.resolve(gameDir)} is not a game folder (no server/conf/settings.ts); create one with "evennia-ts init <dir>"`,
    );
  }
  let game: GameSettings = {};
  try {
    const mod = (await importGameModule(file)) as { default?: GameSettings };
    game = mod.default ?? {};
  } catch (err) {
    throw new EvenniaError("EV_ERR_CONFIG", `could not load ${file}: ${(err as Error).message}`, { cause: err });
  }
  return buildSettings(gameDir, game, overrides);
}

function validateSettings(s: Settings): void {
  const ports: [string, number][] = [
    ...s.telnetPorts.map((p) => ["telnetPorts", p] as [string, number]),
    ...s.sslPorts.map((p) => ["sslPorts", p] as [string, number]),
    ["webPort", s.webPort],
    ["serverWebPort", s.serverWebPort],
    ["linkPort", s.linkPort],
  ];
  for (const [name, port] of ports) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new EvenniaError("EV_ERR_CONFIG", `setting ${name}: ${port} is not a valid port`);
    }
  }
  const loopback = s.linkInterface === "127.0.0.1" || s.linkInterface === "::1" || s.linkInterface === "localhost";
  if (!loopback && !s.linkToken) {
    throw new EvenniaError("EV_ERR_CONFIG", "setting linkToken is required when linkInterface is not loopback");
  }
  if (![0, 1, 2, 3].includes(s.multisessionMode)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting multisessionMode: ${String(s.multisessionMode)} is not 0, 1, 2 or 3`);
  }
  for (const name of ["maxNrCharacters", "maxNrSimultaneousPuppets"] as const) {
    const v = s[name];
    if (v !== null && !(Number.isInteger(v) && v >= 0)) throw new EvenniaError("EV_ERR_CONFIG", `setting ${name}: ${String(v)} is neither null nor a whole number >= 0`);
  }
  for (const name of ["guestHome", "guestStartLocation"] as const) {
    if (s[name] !== "" && !/^#\d+$/.test(s[name])) throw new EvenniaError("EV_ERR_CONFIG", `setting ${name}: "${s[name]}" is not a #dbref`);
  }
  if (s.guestEnabled && s.guestList.length === 0) throw new EvenniaError("EV_ERR_CONFIG", "setting guestList is empty while guestEnabled is true");
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(s.databaseUrl)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting databaseUrl: "${s.databaseUrl}" is neither sqlite:<file> nor postgres://...`);
  }
  if (!(Number.isInteger(s.walCheckpointCommits) && s.walCheckpointCommits >= 0)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting walCheckpointCommits: ${String(s.walCheckpointCommits)} is not a whole number >= 0 (0: SQLite checkpoints in its commits)`);
  }
  for (const name of ["webProxyTimeout", "cometPollSeconds", "cometSessionTimeout"] as const) {
    if (!(typeof s[name] === "number" && s[name] > 0)) throw new EvenniaError("EV_ERR_CONFIG", `setting ${name}: ${String(s[name])} is not a number of seconds > 0`);
  }
  if (!(typeof s.websocketPingInterval === "number" && s.websocketPingInterval >= 0)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting websocketPingInterval: ${String(s.websocketPingInterval)} is not a number of seconds >= 0 (0: no heartbeat)`);
  }
  if (!(typeof s.broadcastBatchMs === "number" && s.broadcastBatchMs >= 0 && s.broadcastBatchMs <= 1000)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting broadcastBatchMs: ${String(s.broadcastBatchMs)} is not a number of milliseconds from 0 to 1000`);
  }
  const wo = s.webclientOptions;
  if (!(typeof wo === "object" && wo !== null && !Array.isArray(wo)) || JSON.stringify(wo).length > 8192) {
    throw new EvenniaError("EV_ERR_CONFIG", "setting webclientOptions is not an object of JSON values (at most 8 KB)");
  }
  const cost = s.passwordHashCost;
  if (!(Number.isInteger(cost) && cost >= 1024 && cost <= 1048576 && (cost & (cost - 1)) === 0)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting passwordHashCost: ${String(cost)} is not a power of two from 1024 to 1048576`);
  }
  const sep = s.searchMultimatchSeparator;
  if (typeof sep !== "string" || sep.length === 0 || /[\s\w#]/.test(sep)) {
    throw new EvenniaError("EV_ERR_CONFIG", `setting searchMultimatchSeparator: ${JSON.stringify(sep)} must be non-empty, without spaces, letters, digits or #`);
  }
}
