import { statSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { runCli } from "../../evennia-ts/cli/run.ts";
import { Portal } from "../../evennia-ts/portal/portal.ts";
import { loadSettings } from "../../evennia-ts/conf/settings.ts";
import { inProcessServerLauncher } from "../../evennia-ts/testing/in-process-game.ts";
import { createTestGameFolder, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";

let folder: TestGameFolder | undefined;
let portal: Portal | undefined;
afterEach(async () => {
  await portal?.stop();
  portal = undefined;
  folder?.remove();
});

describe("evennia-ts cert", () => {
  it("writes a self-signed certificate that telnet over TLS then serves, and refuses to overwrite it", async () => {
    // settings first: a settings module is imported once per process
    folder = createTestGameFolder({ sslPorts: [0] });
    const io = new CapturingIo();
    expect(await runCli(["cert", "--game", folder.dir], io)).toBe(0);
    const keyMode = statSync(path.join(folder.dir, "server", "ssl.key")).mode & 0o777;
    expect(keyMode).toBe(0o600);
    const again = new CapturingIo();
    expect(await runCli(["cert", "--game", folder.dir], again)).toBe(1);
    expect(again.stderr.join("\n")).toContain("exists already");

    const settings = await loadSettings(folder.dir);
    portal = new Portal(settings, { launcher: inProcessServerLauncher(settings) });
    const status = await portal.start();
    const port = status.sslPorts[0]!;
    expect(status.sslPorts).toHaveLength(1);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
      let got = "";
      socket.on("data", (d: Buffer) => {
        got += d.toString("latin1");
        if (got.includes("create <username> <password>")) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on("error", reject);
      setTimeout(() => reject(new Error(`no connection screen over TLS; got ${JSON.stringify(got)}`)), 5000).unref();
    });
    expect(text).toContain("connect <username> <password>");
  });
});
