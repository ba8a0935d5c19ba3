/**
 * The settings of the running server, for the few places that read a setting
 * while the game runs without being handed the settings (the `serversetting()`
 * lock function, the search multi-match separator). The server sets them at
 * start; until then (and in tests that set none) the defaults apply.
 */
import { defaultSettings, type Settings } from "./default-settings.ts";

let active: Settings = defaultSettings;

/** Make `settings` the running server's settings (null: back to the defaults). */
export function setActiveSettings(settings: Settings | null): void {
  active = settings ?? defaultSettings;
}

/** The running server's settings (the defaults when none were set). */
export function activeSettings(): Settings {
  return active;
}
