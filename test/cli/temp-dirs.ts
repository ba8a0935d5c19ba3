/**
 * Temporary folders for launcher tests: plain ones, and minimal game folders.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const created: string[] = [];

/** A new empty folder under the OS temp dir (removed by {@link removeTempDirs}). */
export function makeTempDir(prefix = "evennia-cli-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A minimal game folder (a settings file and `server/logs/`) in a new temp folder. */
export function makeFakeGameDir(settingsSource = "export default {};\n"): string {
  const dir = makeTempDir("evennia-game-");
  mkdirSync(path.join(dir, "server", "conf"), { recursive: true });
  mkdirSync(path.join(dir, "server", "logs"), { recursive: true });
  writeFileSync(path.join(dir, "server", "conf", "settings.ts"), settingsSource);
  return dir;
}

/** Remove every folder made by this module. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
