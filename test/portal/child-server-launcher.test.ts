import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultSettings } from "../../evennia-ts/conf/default-settings.ts";
import { childServerLauncher } from "../../evennia-ts/portal/child-server-launcher.ts";
import { createTestGameFolder } from "../../evennia-ts/testing/game-folder.ts";

const folder = createTestGameFolder();
mkdirSync(path.join(folder.dir, "server", "logs"), { recursive: true });
afterAll(() => folder.remove());

/** The command line of a live process (Linux). */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

describe.runIf(process.platform === "linux")("childServerLauncher node options (setting serverNodeArgs)", () => {
  it("defaults to node's own options", () => {
    expect(defaultSettings.serverNodeArgs).toEqual([]);
  });

  it("starts the server process with the node options given, before the entry point", async () => {
    const launch = childServerLauncher({
      gameDir: folder.dir,
      linkHost: "127.0.0.1",
      logFile: path.join(folder.dir, "server", "logs", "server.log"),
      echo: false,
      nodeArgs: ["--max-semi-space-size=3"],
    });
    // nothing listens on this link port: the server starts, then fails to connect; the command line is what counts
    const handle = launch(1, "token");
    try {
      const args = commandLine(handle.pid!);
      const flag = args.indexOf("--max-semi-space-size=3");
      expect(flag).toBeGreaterThan(0);
      expect(flag).toBeLessThan(args.findIndex((a) => a.endsWith("main.ts")));
    } finally {
      handle.kill();
      await handle.exited;
    }
  });

  it("passes none when none are given", async () => {
    const launch = childServerLauncher({ gameDir: folder.dir, linkHost: "127.0.0.1", logFile: path.join(folder.dir, "server", "logs", "server.log"), echo: false });
    const handle = launch(1, "token");
    try {
      expect(commandLine(handle.pid!).some((a) => a.startsWith("--max-semi-space-size"))).toBe(false);
    } finally {
      handle.kill();
      await handle.exited;
    }
  });
});
