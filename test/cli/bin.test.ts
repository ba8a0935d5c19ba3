import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../evennia-ts/cli/paths.ts";
import { makeTempDir, removeTempDirs } from "./temp-dirs.ts";

afterAll(removeTempDirs);

const shim = path.join(repoRoot, "bin", "evennia-ts.js");

/** Run the real `evennia-ts` shim from a folder outside the package. */
function runShim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [shim, ...args], { cwd: makeTempDir(), encoding: "utf8", timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("bin/evennia-ts.js", () => {
  it("runs the launcher from any folder and passes the exit code through", () => {
    const unknown = runShim(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const help = runShim(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: npx evennia-ts <command>");
    const notGame = runShim(["status"]);
    expect(notGame.status).toBe(1);
    expect(notGame.stderr).toContain("is not a game folder");
  });
});
