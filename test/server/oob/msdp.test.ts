import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { notifyReportableChanged, reportedVariableNames } from "../../../evennia-ts/server/oob/report-tracker.ts";
import {
  registerReportableVariable,
  resetReportableVariables,
} from "../../../evennia-ts/server/oob/reportable-variables.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { DefaultObject } from "../../../evennia-ts/typeclasses/objects.ts";
import { waitUntil } from "../../portal/telnet/telnet-test-client.ts";
import { OobTelnetClient } from "./oob-test-clients.ts";

let game: InProcessGame;
const clients: OobTelnetClient[] = [];

async function msdpClient(): Promise<OobTelnetClient> {
  const c = await OobTelnetClient.connect(game, "msdp");
  clients.push(c);
  return c;
}

/** Change the puppet of `c` in a unit of work (as a command or a timer would). */
async function onPuppet(c: OobTelnetClient, change: (puppet: DefaultObject) => void): Promise<void> {
  const server = game.server()!;
  await runInUnitOfWork(server.db, () => change(c.session().puppet!));
}

/** Round trip that proves everything sent before it has arrived: SEND SERVER_ID. */
async function sync(c: OobTelnetClient): Promise<void> {
  const n = c.msdpValues("SERVER_ID").length;
  c.msdp("SEND", "SERVER_ID");
  await c.waitForMsdp("SERVER_ID", n);
}

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  resetReportableVariables();
  for (const c of clients.splice(0)) await c.close();
  await game.stop();
});

describe("MSDP LIST", () => {
  it("answers the lists asked for, ignoring unknown ones", async () => {
    const c = await msdpClient();
    c.msdp("LIST", "COMMANDS");
    expect(await c.waitForMsdp("COMMANDS")).toEqual(["LIST", "REPORT", "RESET", "SEND", "UNREPORT"]);
    c.msdp("LIST", "LISTS", "NO_SUCH_LIST", "CONFIGURABLE_VARIABLES");
    expect(await c.waitForMsdp("LISTS")).toEqual([
      "COMMANDS",
      "LISTS",
      "CONFIGURABLE_VARIABLES",
      "REPORTABLE_VARIABLES",
      "REPORTED_VARIABLES",
      "SENDABLE_VARIABLES",
    ]);
    expect(await c.waitForMsdp("CONFIGURABLE_VARIABLES")).toEqual(["CLIENT_NAME", "CLIENT_VERSION", "PLUGIN_ID"]);
    expect(c.msdpValues("NO_SUCH_LIST")).toEqual([]);
    c.msdp("LIST", "REPORTABLE_VARIABLES");
    const reportable = await c.waitForMsdp("REPORTABLE_VARIABLES");
    expect(reportable).toContain("HEALTH");
    expect(reportable).toContain("HEALTH_MAX");
    expect(reportable).not.toContain("SERVER_ID");
    c.msdp("LIST", "SENDABLE_VARIABLES");
    const sendable = await c.waitForMsdp("SENDABLE_VARIABLES");
    expect(sendable).toEqual(expect.arrayContaining(["SERVER_ID", "SERVER_TIME", "CHARACTER_NAME", "ROOM_NAME", "HEALTH"]));
  });

  it("lists REPORTED_VARIABLES of this session", async () => {
    const c = await msdpClient();
    c.msdp("LIST", "REPORTED_VARIABLES");
    // an empty MSDP array
    expect(await c.waitForMsdp("REPORTED_VARIABLES")).toEqual([]);
    c.msdp("REPORT", "MANA", "HEALTH", "NOT_A_VARIABLE", "SERVER_ID");
    c.msdp("LIST", "REPORTED_VARIABLES");
    expect(await c.waitForMsdp("REPORTED_VARIABLES", 1)).toEqual(["HEALTH", "MANA"]);
  });
});

describe("MSDP REPORT", () => {
  it("sends the value at once, then every change without being asked, until UNREPORT", async () => {
    const c = await msdpClient();
    // clients report right after negotiation, before login
    c.msdp("REPORT", "HEALTH");
    expect(await c.waitForMsdp("HEALTH")).toBe("");
    await c.login("Anna");
    await onPuppet(c, (p) => (p.db.hp = 42));
    expect(await c.waitForMsdp("HEALTH", 1)).toBe("42");
    await onPuppet(c, (p) => (p.db.hp = 41));
    expect(await c.waitForMsdp("HEALTH", 2)).toBe("41");
    // other attributes are not reported
    await onPuppet(c, (p) => (p.db.mana = 5));
    await sync(c);
    expect(c.msdpValues("MANA")).toEqual([]);
    c.msdp("UNREPORT", "HEALTH");
    await sync(c);
    expect(reportedVariableNames(c.session())).toEqual([]);
    await onPuppet(c, (p) => (p.db.hp = 7));
    await sync(c);
    expect(c.msdpValues("HEALTH")).toEqual(["", "42", "41"]);
  });

  it("keeps reporting after a server reload", async () => {
    const c = await msdpClient();
    await c.login("Anna");
    c.msdp("REPORT", "HEALTH");
    await c.waitForMsdp("HEALTH");
    const before = game.server();
    game.portal.reload();
    await waitUntil(() => game.server() !== before && game.server() !== null && game.portal.status().serverState === "running", "the reloaded server");
    await waitUntil(() => reportedVariableNames(c.session()).includes("HEALTH"), "HEALTH reported again after the reload");
    const n = c.msdpValues("HEALTH").length;
    await onPuppet(c, (p) => (p.db.hp = 33));
    expect(await c.waitForMsdp("HEALTH", n)).toBe("33");
  });

  it("reports changes made by another player's action, only to the sessions puppeting the object", async () => {
    const anna = await msdpClient();
    await anna.login("Anna");
    const bob = await msdpClient();
    await bob.login("Bob");
    anna.msdp("REPORT", "HEALTH");
    await anna.waitForMsdp("HEALTH");
    bob.msdp("REPORT", "HEALTH");
    await bob.waitForMsdp("HEALTH");
    // Bob's command (here: a unit of work) hurts Anna
    await onPuppet(anna, (p) => (p.db.hp = 3));
    expect(await anna.waitForMsdp("HEALTH", 1)).toBe("3");
    await sync(bob);
    expect(bob.msdpValues("HEALTH")).toEqual([""]);
  });

  it("sends nothing for a change that is rolled back", async () => {
    const c = await msdpClient();
    await c.login("Anna");
    c.msdp("REPORT", "HEALTH");
    await c.waitForMsdp("HEALTH");
    await expect(
      onPuppet(c, (p) => {
        p.db.hp = 99;
        throw new Error("the command failed");
      }),
    ).rejects.toThrow("the command failed");
    await sync(c);
    expect(c.msdpValues("HEALTH")).toEqual([""]);
  });

  it("RESET REPORTED_VARIABLES stops every report", async () => {
    const c = await msdpClient();
    await c.login("Anna");
    c.msdp("REPORT", "HEALTH", "HEALTH_MAX");
    await c.waitForMsdp("HEALTH_MAX");
    c.msdp("RESET", "REPORTED_VARIABLES");
    c.msdp("LIST", "REPORTED_VARIABLES");
    expect(await c.waitForMsdp("REPORTED_VARIABLES")).toEqual([]);
    await onPuppet(c, (p) => {
      p.db.hp = 1;
      p.db.hp_max = 2;
    });
    await sync(c);
    expect(c.msdpValues("HEALTH")).toEqual([""]);
  });

  it("a new connection to the same character does not inherit the reports of a closed one", async () => {
    const first = await msdpClient();
    await first.login("Anna");
    first.msdp("REPORT", "HEALTH");
    await first.waitForMsdp("HEALTH");
    const firstSession = first.session();
    await first.close();
    await waitUntil(() => !game.server()!.allSessions().includes(firstSession), "session gone on the server");
    expect(firstSession.puppet).toBeNull();
    const second = await msdpClient();
    second.line("connect Anna secret123");
    await second.raw.waitFor("You become");
    await onPuppet(second, (p) => (p.db.hp = 12));
    await sync(second);
    expect(second.msdpValues("HEALTH")).toEqual([]);
    second.msdp("REPORT", "HEALTH");
    expect(await second.waitForMsdp("HEALTH")).toBe("12");
  });

  it("reports a game-registered variable, attribute-backed or announced by game code", async () => {
    registerReportableVariable("gold", { attribute: { key: "gold", category: "wallet" } });
    registerReportableVariable("AREA_NAME", {
      get: (s) => s.puppet?.location?.db.area ?? "nowhere",
      reportable: true,
    });
    const c = await msdpClient();
    await c.login("Anna");
    c.msdp("REPORT", "GOLD", "AREA_NAME");
    expect(await c.waitForMsdp("GOLD")).toBe("");
    expect(await c.waitForMsdp("AREA_NAME")).toBe("nowhere");
    await onPuppet(c, (p) => p.attributes.add("gold", 250, { category: "wallet" }));
    expect(await c.waitForMsdp("GOLD", 1)).toBe("250");
    // same key without the category: not the variable
    await onPuppet(c, (p) => (p.db.gold = 1));
    await onPuppet(c, (p) => {
      p.location!.db.area = "The Void";
    });
    notifyReportableChanged(c.session().puppet!, "AREA_NAME");
    expect(await c.waitForMsdp("AREA_NAME", 1)).toBe("The Void");
    expect(c.msdpValues("GOLD")).toEqual(["", "250"]);
  });
});

describe("MSDP SEND and configurable variables", () => {
  it("SEND answers current values; unknown names are ignored", async () => {
    const c = await msdpClient();
    await c.login("Anna");
    await onPuppet(c, (p) => (p.db.hp = 30));
    c.msdp("SEND", "CHARACTER_NAME", "ROOM_NAME", "HEALTH", "BOGUS");
    expect(await c.waitForMsdp("CHARACTER_NAME")).toBe("Anna");
    expect(await c.waitForMsdp("ROOM_NAME")).toBe("Limbo");
    expect(await c.waitForMsdp("HEALTH")).toBe("30");
    c.msdp("SEND", "SERVER_ID", "SERVER_TIME");
    expect(await c.waitForMsdp("SERVER_ID")).toBe(game.settings.serverName);
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(Number(await c.waitForMsdp("SERVER_TIME")) - now)).toBeLessThan(60);
    expect(c.msdpValues("BOGUS")).toEqual([]);
  });

  it("stores CLIENT_NAME / CLIENT_VERSION and forgets them on RESET CONFIGURABLE_VARIABLES", async () => {
    const c = await msdpClient();
    c.msdp("CLIENT_NAME", "TinTin++");
    c.msdp("CLIENT_VERSION", "2.02");
    await waitUntil(() => c.session().clientOptions.client_version === "2.02", "client version");
    expect(c.session().clientOptions.client_name).toBe("TinTin++");
    c.msdp("RESET", "CONFIGURABLE_VARIABLES");
    await waitUntil(() => c.session().clientOptions.client_version === undefined, "reset");
    expect(c.session().clientOptions.client_name).toBeUndefined();
  });
});
