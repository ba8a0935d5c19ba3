/**
 * Deleting a connected account from the web admin, on both databases, with a
 * real portal and telnet players: the account is booted first (as `boot`, through
 * `WebServices.disconnectAccount`), then deleted. The `boot` lock is kept, and a
 * delete its hook refuses leaves the player connected and playing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { findAccount } from "../../evennia-ts/typeclasses/search.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { pageText, PASSWORD, WebClient } from "./admin-fixture.ts";

/** The telnet players' password (no spaces: `create name password` splits on them). */
const PLAYER_PASSWORD = "correct-horse-battery";

for (const dialect of TEST_DIALECTS) {
  if (!dialectAvailable(dialect)) printPostgresSkipNotice();
  describe.skipIf(!dialectAvailable(dialect))(`web admin: deleting a connected account [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let game: InProcessGame;
    let services: WebServices;
    let asAnna: WebClient;
    const players: TelnetTestClient[] = [];

    beforeAll(async () => {
      scratch = await createScratchDatabase(dialect);
      game = await startInProcessGame({ databaseUrl: scratch.url });
      services = (await game.server()!.web!.app()).context.services;
      await services.createAccount("root", PASSWORD);
      const anna = await services.createAccount("anna", PASSWORD);
      await services.runInUnit(async () => {
        anna.permissions.add("Admin");
      });
      asAnna = new WebClient(() => game.serverWebUrl()!, { username: "anna", password: PASSWORD });
    });
    afterAll(async () => {
      for (const p of players) p.close();
      await game?.stop();
      await scratch?.dispose();
    });

    /** A telnet player who created `name` and is in the game with it. */
    async function connectPlayer(name: string): Promise<{ telnet: TelnetTestClient; account: DefaultAccount }> {
      const telnet = await TelnetTestClient.connect(game.telnetPort);
      players.push(telnet);
      await telnet.waitFor("create <username> <password>");
      telnet.send(`create ${name} ${PLAYER_PASSWORD}`);
      await telnet.waitFor(`A new account '${name}' was created`);
      telnet.send(`connect ${name} ${PLAYER_PASSWORD}`);
      await telnet.waitFor(/Limbo/);
      const account = (await services.runInUnit(() => findAccount(name)))!;
      expect(services.sessions().filter((s) => s.account === name)).toHaveLength(1);
      return { telnet, account };
    }

    it("boots the account's sessions, then deletes it; its character stays", async () => {
      const { telnet, account } = await connectPlayer("paul");
      const character = account.characters[0]!;
      const confirm = await asAnna.get(`/admin/accounts/${account.id}/delete`);
      expect(confirm.status).toBe(200);
      expect(pageText(confirm.text)).toContain("It is connected (1 session): it is booted first");
      const post = await asAnna.post(`/admin/accounts/${account.id}/delete`, {});
      expect(post.status).toBe(303);
      const after = await asAnna.get("/admin/accounts");
      expect(pageText(after.text)).toContain("Booted paul (1 session); account paul was deleted.");
      await telnet.waitFor("Your account was deleted by anna.");
      await telnet.waitForClose();
      expect(account.isDeleted).toBe(true);
      expect(services.sessions().some((s) => s.account === "paul")).toBe(false);
      expect(character.isDeleted).toBe(false);
      expect(character.account).toBeNull();
      const rows = await services.db.query("SELECT id FROM accounts WHERE username_lower = ?", ["paul"]);
      expect(rows).toHaveLength(0);
    });

    it("keeps the boot lock: an account the Admin may not boot is neither booted nor deleted", async () => {
      const { telnet, account } = await connectPlayer("quinn");
      await services.runInUnit(async () => {
        account.locks.add("boot:false()");
      });
      expect(pageText((await asAnna.get(`/admin/accounts/${account.id}/delete`)).text)).toContain("you don't have the permission to boot quinn");
      expect((await asAnna.post(`/admin/accounts/${account.id}/delete`, {})).status).toBe(403);
      expect(account.isDeleted).toBe(false);
      telnet.send("look");
      await telnet.waitFor(/Limbo/);
      expect(telnet.closed).toBe(false);
    });

    it("a delete the account's hook refuses boots nobody: the player stays connected and playing", async () => {
      const { telnet, account } = await connectPlayer("rita");
      const hook = account.atObjectDelete.bind(account);
      account.atObjectDelete = async () => false;
      try {
        const refused = await asAnna.post(`/admin/accounts/${account.id}/delete`, {});
        expect(refused.status).toBe(409);
        expect(account.isDeleted).toBe(false);
        expect(services.sessions().filter((s) => s.account === "rita").map((s) => s.puppet)).toEqual(["rita"]);
        telnet.send("look");
        await telnet.waitFor(/Limbo/);
        expect(telnet.closed).toBe(false);
      } finally {
        account.atObjectDelete = hook;
      }
    });
  });
}
