/**
 * The settings of the running game, for code below the server (typeclasses,
 * commands, lock functions) that reads a setting while the game runs without being
 * handed the settings (the multisession mode, guest names, the `serversetting()`
 * lock function, the search multi-match separator). The server and the test
 * fixtures set them; until then the defaults apply.
 */
import { defaultSettings, type Settings } from "./default-settings.ts";

let active: Settings = defaultSettings;

/** Make `settings` the running game's settings (null restores the defaults). */
export function setActiveSettings(settings: Settings | null): void {
  active = settings ?? defaultSettings;
}

/** The running game's settings (the defaults when no game has set any). */
export function activeSettings(): Settings {
  return active;
}
