/**
 * How the portal drives a standby server through a reload (`PortalOptions.standbyLauncher`),
 * with servers in this process and a standby whose check the test decides: admitted only
 * after a passed check and once the old server has exited; discarded on a failed check,
 * when the portal stops, or when the old server crashed meanwhile.
 */
import { afterEach, expect, it } from "vitest";
import { loadSettings } from "../../evennia-ts/conf/settings.ts";
import { Portal, PORTAL_TEXTS } from "../../evennia-ts/portal/portal.ts";
import type { GameCodeCheck, ServerHandle, StandbyLauncher } from "../../evennia-ts/portal/server-launcher.ts";
import type { Server } from "../../evennia-ts/server/server.ts";
import { createTestGameFolder, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";
import { inProcessServerLauncher } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { until } from "../web/portal-web-client.ts";

/** A standby the test controls: its check ends when the test says. */
interface FakeStandby {
  pass(): void;
  fail(summary: string): void;
  admitted: boolean;
  discarded: boolean;
  /** Servers that were running when it was admitted (the old one must be gone by then). */
  runningAtAdmission: number;
  /** What happens on admission: it starts (default), its process is already gone, or starting it throws. */
  onAdmit: "start" | "dead" | "throw";
}

let portal: Portal | null = null;
let folder: TestGameFolder | null = null;
const clients: TelnetTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await portal?.stop();
  portal = null;
  folder?.remove();
  folder = null;
});

async function startWithStandby(): Promise<{ standbys: FakeStandby[]; running: Set<Server>; player: TelnetTestClient }> {
  folder = createTestGameFolder({ serverRestartBackoff: 0.2 });
  const settings = await loadSettings(folder.dir);
  const running = new Set<Server>();
  const launcher = inProcessServerLauncher(settings, { started: (s) => running.add(s), ended: (s) => running.delete(s) });
  const standbys: FakeStandby[] = [];
  const standbyLauncher: StandbyLauncher = (linkPort, token, linkPath) => {
    let settle!: (check: GameCodeCheck) => void;
    const checked = new Promise<GameCodeCheck>((resolve) => (settle = resolve));
    let handle: ServerHandle | null = null;
    const standby: FakeStandby = {
      pass: () => settle({ ok: true }),
      fail: (summary) => settle({ ok: false, summary, details: `${summary}: broken` }),
      admitted: false,
      discarded: false,
      runningAtAdmission: -1,
      onAdmit: "start",
    };
    standbys.push(standby);
    return {
      checked,
      admit: () => {
        standby.admitted = true;
        standby.runningAtAdmission = running.size;
        if (standby.onAdmit === "throw") throw new Error("spawn EAGAIN");
        // a standby that died after it reported ready: its exit is all there is
        if (standby.onAdmit === "dead") return { pid: 4242, exited: Promise.resolve({ code: null, signal: "SIGKILL" }), kill: () => {} };
        handle = launcher(linkPort, token, linkPath);
        return handle;
      },
      discard: () => {
        standby.discarded = true;
        handle?.kill();
      },
    };
  };
  portal = new Portal(settings, { launcher, standbyLauncher, shutdownTimeoutMs: 10_000 });
  const status = await portal.start();
  const player = await TelnetTestClient.connect(status.telnetPorts[0]!);
  clients.push(player);
  await player.waitFor("create <username>");
  return { standbys, running, player };
}

it("admits the standby after its check passed and the old server exited", async () => {
  const { standbys, running, player } = await startWithStandby();
  const old = [...running][0];
  portal!.reload();
  await until(() => standbys.length === 1, "the standby is started", 15_000);
  // while the standby checks, the old server serves on
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(standbys[0]!.admitted).toBe(false);
  expect(running.has(old!)).toBe(true);
  standbys[0]!.pass();
  await player.waitFor(PORTAL_TEXTS.reloaded);
  expect(standbys[0]).toMatchObject({ admitted: true, discarded: false, runningAtAdmission: 0 });
  expect(running.has(old!)).toBe(false);
  expect(running.size).toBe(1);
});

it("discards the standby and keeps the server when the check fails", async () => {
  const { standbys, running, player } = await startWithStandby();
  const old = [...running][0];
  portal!.reload();
  await until(() => standbys.length === 1, "the standby is started", 15_000);
  standbys[0]!.fail("typeclasses/broken.ts");
  await player.waitFor(`${PORTAL_TEXTS.restartRefused} typeclasses/broken.ts.`);
  expect(standbys[0]).toMatchObject({ admitted: false, discarded: true });
  expect([...running]).toEqual([old]);
  expect(portal!.status().refusedRestart?.details).toBe("typeclasses/broken.ts: broken");
  // the next reload is not blocked by the refused one
  portal!.reload();
  await until(() => standbys.length === 2, "a second standby is started", 15_000);
  standbys[1]!.pass();
  await player.waitFor(PORTAL_TEXTS.reloaded);
  expect(standbys[1]!.admitted).toBe(true);
});

it("discards a standby still checking when the portal stops", async () => {
  const { standbys } = await startWithStandby();
  portal!.reload();
  await until(() => standbys.length === 1, "the standby is started", 15_000);
  await portal!.stop();
  expect(standbys[0]).toMatchObject({ admitted: false, discarded: true });
  standbys[0]!.pass(); // too late: nothing happens
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(standbys[0]!.admitted).toBe(false);
});

it("discards the standby when the old server crashed while it checked, and restarts as after any crash", async () => {
  const { standbys, running, player } = await startWithStandby();
  portal!.reload();
  await until(() => standbys.length === 1, "the standby is started", 15_000);
  await [...running][0]!.stop("link-lost"); // the old server goes down unasked: a crash
  await until(() => portal!.status().serverState !== "running", "the portal restarts after the crash", 15_000);
  standbys[0]!.pass();
  await player.waitFor(PORTAL_TEXTS.reloaded);
  expect(standbys[0]).toMatchObject({ admitted: false, discarded: true });
  await until(() => running.size === 1, "the crash restart has its server", 15_000);
});

for (const onAdmit of ["dead", "throw"] as const) {
  it(`restarts as after a crash when the standby ${onAdmit === "dead" ? "died after its check passed" : "cannot be admitted"}; the players stay connected and get the game back`, async () => {
    const { standbys, running, player } = await startWithStandby();
    const old = [...running][0];
    portal!.reload();
    await until(() => standbys.length === 1, "the standby is started", 15_000);
    standbys[0]!.onAdmit = onAdmit;
    standbys[0]!.pass();
    // a server that went down is a crash to the players; one that could not be started is
    // logged and retried, and the reload ends as usual once a server runs
    await player.waitFor(onAdmit === "dead" ? PORTAL_TEXTS.crashed : PORTAL_TEXTS.reloaded);
    expect(standbys[0]!.admitted).toBe(true);
    expect(running.has(old!)).toBe(false);
    // the crash restart starts a server the usual way (not another standby) and syncs the sessions
    await until(() => running.size === 1 && portal!.status().serverState === "running", "a new server runs", 15_000);
    expect(standbys).toHaveLength(1);
    player.send("look");
    await player.waitFor("create <username>");
    // and the next reload works
    portal!.reload();
    await until(() => standbys.length === 2, "a second standby is started", 15_000);
    standbys[1]!.pass();
    await player.waitFor(PORTAL_TEXTS.reloaded);
    expect(running.size).toBe(1);
  });
}
