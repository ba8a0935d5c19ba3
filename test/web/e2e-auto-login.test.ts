/**
 * End to end through the real portal: a player who logged in on the website
 * THROUGH THE PORTAL's web port (proxied to the server's web app) and then opens
 * the webclient's websocket (`/ws`) or a comet session (`/webclientdata`) on the
 * same port with the website cookie is in the game at once, without typing a
 * password, and sees the character's room. Without the cookie, with a forged or
 * tampered one, or from a page of another site, the connection screen as usual.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScratchDatabase, dialectAvailable, TEST_DIALECTS, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { CometTestClient } from "../portal/web/comet-test-client.ts";
import { WsTestClient } from "../portal/websocket/ws-test-client.ts";
import { loggedInAs, PortalWebClient, until } from "./portal-web-client.ts";

const COOKIE = "evennia_ts.sid";
const CONNECTION_SCREEN = "create <username> <password>";

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`website login to webclient through the portal (${dialect})`, () => {
    let database: ScratchDatabase | null = null;
    let game: InProcessGame | null = null;
    const cleanups: (() => void)[] = [];

    beforeEach(async () => {
      database = await createScratchDatabase(dialect);
      game = await startInProcessGame({ databaseUrl: database.url });
      await until(() => game!.portal.status().serverState === "running" && game!.serverWebUrl() !== null, "the server's web app");
    }, 30_000);

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      await game?.stop();
      game = null;
      await database?.dispose();
      database = null;
    });

    /** Register `name` on the website through the portal (which logs the browser in); returns the browser. */
    async function registerOnWebsite(name: string): Promise<PortalWebClient> {
      const port = game!.status.webPort!;
      const browser = new PortalWebClient(port);
      await until(async () => (await browser.get("/")).status === 200, "the website through the portal");
      const answer = await browser.submit("/auth/register", { username: name, password: "secret-pass-1", password2: "secret-pass-1" });
      expect(answer.status, answer.body.slice(0, 400)).toBe(303);
      expect(browser.cookies.get(COOKIE)).toBeDefined();
      // the website knows the browser: its pages say who is logged in
      expect(loggedInAs((await browser.get("/")).body)).toBe(name);
      return browser;
    }

    async function ws(headers?: Record<string, string>): Promise<WsTestClient> {
      const client = await WsTestClient.connect(game!.status.webPort!, "/ws", headers);
      cleanups.push(() => client.close());
      return client;
    }

    it("websocket with the website cookie: logged in as that account, in the character's room; without it or forged: the connection screen", async () => {
      const browser = await registerOnWebsite("Wren");
      const cookie = browser.cookieHeader();
      const port = game!.status.webPort!;

      const player = await ws({ cookie });
      await player.waitForText(/You become Wren/);
      // the room the character stands in (its description and exits, as `look` shows)
      await player.waitForText(/Limbo/);
      // straight into the game: no connection screen first
      expect(player.messages("text").some((m) => JSON.stringify(m).includes(CONNECTION_SCREEN))).toBe(false);
      player.command("say hello from the website");
      await player.waitForText('You say, "hello from the website');
      const account = game!.server()!.allSessions().find((s) => s.account?.key === "Wren");
      expect(account?.puppet?.key).toBe("Wren");

      const anonymous = await ws();
      await anonymous.waitForText(CONNECTION_SCREEN);

      // a value the web app did not sign, and the real one with its signature altered
      const real = browser.cookies.get(COOKIE)!;
      const forged = await ws({ cookie: `${COOKIE}=s%3Aforged-session-id.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` });
      const tampered = await ws({ cookie: `${COOKIE}=${real.slice(0, -3)}${real.endsWith("abc") ? "xyz" : "abc"}` });
      // a page of another site opening the socket with its visitor's cookie
      const crossSite = await ws({ cookie, origin: "http://evil.example" });
      for (const refused of [forged, tampered, crossSite]) {
        await refused.waitForText(CONNECTION_SCREEN);
        refused.command("look");
        await refused.waitForText(/not logged in|connect|create/i);
      }
      // none of them became Wren: only the one real session is logged in
      await until(() => game!.server()!.allSessions().length === 5, "all five sessions to reach the server");
      expect(game!.server()!.allSessions().filter((s) => s.account?.key === "Wren")).toHaveLength(1);

      // after logging out on the website, the old cookie logs nobody in
      await browser.get("/");
      expect((await browser.post("/auth/logout", {})).status).toBe(303);
      const afterLogout = await WsTestClient.connect(port, "/ws", { cookie });
      cleanups.push(() => afterLogout.close());
      await afterLogout.waitForText(CONNECTION_SCREEN);
      await until(() => game!.server()!.allSessions().length === 6, "the sixth session");
      expect(game!.server()!.allSessions().filter((s) => s.account?.key === "Wren")).toHaveLength(1);
    }, 20_000);

    it("comet init with the website cookie: logged in, in the room; without it: the connection screen", async () => {
      const browser = await registerOnWebsite("Ashe");
      const port = game!.status.webPort!;
      const player = await CometTestClient.open(port, { cookie: browser.cookieHeader() });
      cleanups.push(() => player.dispose());
      player.startPolling();
      await player.waitForText(/You become Ashe/);
      await player.waitForText(/Limbo/);
      expect(player.messages.some((m) => m[0] === "text" && JSON.stringify(m).includes(CONNECTION_SCREEN))).toBe(false);
      await player.command("say hello by comet");
      await player.waitForText('You say, "hello by comet');

      const anonymous = await CometTestClient.open(port);
      cleanups.push(() => anonymous.dispose());
      anonymous.startPolling();
      await anonymous.waitForText(CONNECTION_SCREEN);
      const forged = await CometTestClient.open(port, { cookie: `${COOKIE}=s%3Anobody.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` });
      cleanups.push(() => forged.dispose());
      forged.startPolling();
      await forged.waitForText(CONNECTION_SCREEN);
      await until(() => game!.server()!.allSessions().length === 3, "the three comet sessions to reach the server");
      expect(game!.server()!.allSessions().filter((s) => s.account?.key === "Ashe")).toHaveLength(1);
    }, 20_000);
  });
}
