import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BanList } from "../../../evennia-ts/server/bans.ts";
import { enableGmcpLogin } from "../../../evennia-ts/server/oob/char-login.ts";
import { clientSupportsGmcp } from "../../../evennia-ts/server/oob/core-supports.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { waitUntil } from "../../portal/telnet/telnet-test-client.ts";
import { OobTelnetClient } from "./oob-test-clients.ts";

let game: InProcessGame;
const clients: OobTelnetClient[] = [];

async function gmcpClient(): Promise<OobTelnetClient> {
  const c = await OobTelnetClient.connect(game, "gmcp");
  clients.push(c);
  return c;
}

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  enableGmcpLogin(false);
  for (const c of clients.splice(0)) await c.close();
  await game.stop();
});

describe("GMCP Core", () => {
  it("Core.Hello stores the client's name and version on the server session", async () => {
    const c = await gmcpClient();
    c.gmcp('Core.Hello {"client": "Mudlet", "version": "4.17.2"}');
    await waitUntil(() => c.session().clientOptions.client_version === "4.17.2", "client version");
    expect(c.session().clientOptions.client_name).toBe("Mudlet");
  });

  it("Core.Supports.Set / Add / Remove track the client's packages", async () => {
    const c = await gmcpClient();
    c.gmcp('Core.Supports.Set ["Char 1", "Char.Skills 1", "Room 2"]');
    await waitUntil(() => c.session().clientOptions.gmcp_supports !== undefined, "supports set");
    expect(c.session().clientOptions.gmcp_supports).toEqual({ char: 1, "char.skills": 1, room: 2 });
    c.gmcp('Core.Supports.Add ["IRE.Rift 1", "Room 3"]');
    c.gmcp('Core.Supports.Remove ["Char.Skills"]');
    await waitUntil(() => !("char.skills" in (c.session().clientOptions.gmcp_supports as object)), "supports removed");
    expect(c.session().clientOptions.gmcp_supports).toEqual({ char: 1, room: 3, "ire.rift": 1 });
    const session = c.session();
    expect(clientSupportsGmcp(session, "Char.Vitals")).toBe(true);
    expect(clientSupportsGmcp(session, "Core.Ping")).toBe(true);
    expect(clientSupportsGmcp(session, "Comm.Channel.Text")).toBe(false);
    c.gmcp('Core.Supports.Set ["Comm.Channel 1"]');
    await waitUntil(() => clientSupportsGmcp(c.session(), "Comm.Channel.Text"), "replaced by Set");
    expect(clientSupportsGmcp(c.session(), "Char.Vitals")).toBe(false);
  });

  it("Core.Ping is answered with Core.Ping", async () => {
    const c = await gmcpClient();
    c.gmcp("Core.Ping 120");
    expect(await c.waitForGmcp("Core.Ping")).toBe("Core.Ping");
    await waitUntil(() => c.session().clientOptions.gmcp_ping_avg === 120, "average kept");
    c.gmcp("Core.Ping");
    expect(await c.waitForGmcp("Core.Ping", 1)).toBe("Core.Ping");
  });

  it("Core.Supports.Get (client_options with no options) sends the client options back", async () => {
    const c = await gmcpClient();
    c.gmcp('Core.Hello {"client": "TestClient", "version": "1"}');
    c.gmcp("Core.Supports.Get");
    const reply = await c.waitForGmcp("Core.Supports.Get ");
    const options = JSON.parse(reply.slice("Core.Supports.Get ".length)) as Record<string, unknown>;
    expect(options).toMatchObject({ gmcp: true, client_name: "TestClient", screenwidth: expect.any(Number) });
  });

  it("client_options sets options by GMCP, names lower-cased", async () => {
    const c = await gmcpClient();
    c.gmcp('Client.Options {"ScreenReader": true, "screenwidth": 132}');
    // Client.Options maps to cmdname client_options
    await waitUntil(() => c.session().clientOptions.screenwidth === 132, "screenwidth");
    expect(c.session().clientOptions.screenreader).toBe(true);
  });
});

describe("GMCP Char.Login", () => {
  async function withAccount(): Promise<void> {
    const maker = await gmcpClient();
    await maker.login("Anna");
    maker.line("quit");
    await waitUntil(() => maker.raw.closed, "quit");
  }

  it("is ignored unless the game enables it", async () => {
    await withAccount();
    const c = await gmcpClient();
    c.gmcp('Char.Login {"name": "Anna", "password": "secret123"}');
    c.gmcp("Core.Ping");
    await c.waitForGmcp("Core.Ping");
    expect(c.session().loggedIn).toBe(false);
    // a login by text takes as long as the GMCP one would have: by then its answer would be here
    c.line("connect Anna secret123");
    await c.raw.waitFor("You become");
    c.gmcp("Core.Ping");
    await c.waitForGmcp("Core.Ping", 1);
    expect(c.gmcpReceived().filter((p) => p.startsWith("Char.Login"))).toEqual([]);
  });

  it("logs in when enabled, and refuses a wrong password", async () => {
    await withAccount();
    enableGmcpLogin();
    const c = await gmcpClient();
    c.gmcp('Char.Login {"name": "Anna", "password": "wrong-one"}');
    const refused = await c.waitForGmcp("Char.Login.Result");
    expect(JSON.parse(refused.slice("Char.Login.Result ".length))).toEqual({
      success: false,
      message: "Username and/or password is incorrect.",
    });
    expect(c.session().loggedIn).toBe(false);
    c.gmcp('Char.Login {"name": "Anna", "password": "secret123"}');
    const ok = await c.waitForGmcp("Char.Login.Result", 1);
    expect(JSON.parse(ok.slice("Char.Login.Result ".length))).toEqual({ success: true });
    await c.raw.waitFor("You become");
    expect(c.session().account?.username).toBe("Anna");
    expect(c.session().puppet?.key).toBe("Anna");
  });

  it("refuses a banned name or address as connect does, by GMCP and by Evennia's login inputfunc", async () => {
    await withAccount();
    const bob = await gmcpClient();
    await bob.login("Bob");
    bob.line("quit");
    await waitUntil(() => bob.raw.closed, "quit");
    // the server's own ban list, as `ban Bob` fills it
    await (game.server() as unknown as { bans: BanList }).bans.add({ name: "Bob" }, "testing");
    enableGmcpLogin();
    const c = await gmcpClient();
    c.gmcp('Char.Login {"name": "Bob", "password": "secret123"}');
    const refused = JSON.parse((await c.waitForGmcp("Char.Login.Result")).slice("Char.Login.Result ".length)) as { success: boolean; message: string };
    expect(refused.success).toBe(false);
    expect(refused.message).toContain("You have been banned");
    // by an alias-free other spelling, and through the `login` inputfunc (GMCP package "Login")
    c.gmcp('Login {"name": "BOB", "password": "secret123"}');
    await c.raw.waitFor("You have been banned");
    expect(c.session().loggedIn).toBe(false);
    c.gmcp('Login {"name": "Anna", "password": "wrong"}');
    await c.raw.waitFor("Username and/or password is incorrect.");
    c.gmcp('Login {"name": "Anna", "password": "secret123"}');
    await c.raw.waitFor("You become");
    expect(c.session().account?.username).toBe("Anna");
  });

  it("the login inputfunc is ignored unless the game enables out-of-band login", async () => {
    await withAccount();
    const c = await gmcpClient();
    c.gmcp('Login {"name": "Anna", "password": "secret123"}');
    c.gmcp("Core.Ping");
    await c.waitForGmcp("Core.Ping");
    expect(c.session().loggedIn).toBe(false);
  });

  it("accepts Mudlet's Char.Login.Credentials", async () => {
    await withAccount();
    enableGmcpLogin();
    const c = await gmcpClient();
    c.gmcp('Char.Login.Credentials {"account": "anna", "password": "secret123"}');
    const ok = await c.waitForGmcp("Char.Login.Result");
    expect(ok).toBe('Char.Login.Result {"success":true}');
    expect(c.session().account?.username).toBe("Anna");
  });
});
