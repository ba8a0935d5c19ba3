import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../evennia-ts/cli/paths.ts";
import { makeTempDir, removeTempDirs } from "./temp-dirs.ts";

afterAll(removeTempDirs);

const shim = path.join(repoRoot, "bin", "evennia-ts.js");

/** Run the real `evennia-ts` shim from a folder outside the package. */
function runShim(args: string[], cwd = makeTempDir()): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.EVENNIA_TS_LOCAL;
  const result = spawnSync(process.execPath, [shim, ...args], { cwd, env, encoding: "utf8", timeout: 90_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("bin/evennia-ts.js", () => {
  // each run starts two Node processes and compiles the launcher: generous bounds for a busy machine
  it("runs the launcher from any folder and passes the exit code through", { timeout: 300_000 }, () => {
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

  it("hands a game's commands to the framework copy the game has in its node_modules", { timeout: 300_000 }, () => {
    const game = makeTempDir("evennia-delegating-");
    writeFileSync(path.join(game, "package.json"), JSON.stringify({ type: "module", dependencies: { "evennia-ts": "*" } }));
    const local = path.join(game, "node_modules", "evennia-ts");
    mkdirSync(path.join(local, "evennia-ts", "cli"), { recursive: true });
    mkdirSync(path.join(local, "node_modules"));
    writeFileSync(path.join(local, "package.json"), JSON.stringify({ name: "evennia-ts", type: "module", exports: { ".": "./evennia-ts/index.ts" } }));
    writeFileSync(path.join(local, "evennia-ts", "index.ts"), "export {};\n");
    writeFileSync(path.join(local, "evennia-ts", "cli", "main.ts"), 'console.log("local framework:", process.argv.slice(2).join(" "));\n');
    symlinkSync(realpathSync(path.join(repoRoot, "node_modules", "tsx")), path.join(local, "node_modules", "tsx"));
    const delegated = runShim(["status"], game);
    expect(delegated.stdout.trim()).toBe("local framework: status");
    const byGameOption = runShim(["status", "--game", game]);
    expect(byGameOption.stdout.trim()).toBe(`local framework: status --game ${game}`);
    // init makes new games with the framework it was run from
    const init = runShim(["init", "--help"], game);
    expect(init.stdout).toContain("Usage: npx evennia-ts init");
  });
});
