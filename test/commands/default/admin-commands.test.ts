/**
 * The admin commands: boot, ban, unban, emit, perm, userpassword, wall, force.
 * char1/account1 are Developers, char2/account2 plain Players.
 */
import { expect, it, vi } from "vitest";
import { CmdBan, CmdBoot, CmdEmit, CmdForce, CmdNewPassword, CmdPerm, CmdUnban, CmdWall } from "../../../evennia-ts/commands/default/admin/index.ts";
import { BanList } from "../../../evennia-ts/server/bans.ts";
import { ServerConfig } from "../../../evennia-ts/server/server-config.ts";
import { callCommand, describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { createAccount } from "../../../evennia-ts/typeclasses/create.ts";

/** What the world's database holds for bans, read by a fresh server config (nothing cached). */
async function storedBans(world: TestWorld) {
  return new BanList(new ServerConfig(world.fixture.db)).list();
}

/** Type `line` on `session` through the real command handler (locks checked) and return what it got. */
async function typed(world: TestWorld, line: string, session = world.session2): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

describeWithWorld("admin commands", (w) => {
  it("are refused to a plain Player, through the command handler", async () => {
    for (const line of ["boot TestAccount", "ban bob", "unban 1", "emit hi", "perm Char", "wall hi", "force Char = look", "userpassword TestAccount = abcdefgh"]) {
      expect(await typed(w.world, line)).toContain(`Command '${line}' is not available`);
    }
    // the Developer may
    expect(await typed(w.world, "wall hello all", w.world.session1)).toContain("Announcing to all connected sessions ...");
  });

  // ---- boot ------------------------------------------------------------------

  it("boot disconnects every session of the account, telling it who and why", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdBoot, "TestAccount2 : spamming");
    // the room hears Char2 leave first
    expect(out.text).toBe("Char2 has left the game.\nBooted TestAccount2 (1 session).");
    const disconnect = world.portalMessages.find((m) => m.t === "disconnect");
    expect(disconnect).toEqual({ t: "disconnect", sessid: world.session2.sessid, reason: "You have been disconnected by Char.\nReason given: spamming" });
    expect(world.sessions.get(world.session2.sessid)).toBeUndefined();
    expect(world.session2.account).toBeNull();
  });

  it("boot/quiet tells the booted player nothing; boot/sid boots one session by id", async () => {
    const { world } = w;
    expect((await callCommand(world, CmdBoot, "/quiet TestAccount2")).text).toContain("Booted TestAccount2 (1 session).");
    expect(world.portalMessages.find((m) => m.t === "disconnect")).toMatchObject({ reason: "" });
    const other = world.connectSession();
    await callCommand(world, CmdBoot, `/sid ${other.sessid}`, `Booted session ${other.sessid} (1 session).`);
    expect(world.sessions.get(other.sessid)).toBeUndefined();
  });

  it("boot explains usage, unknown accounts, offline accounts and bad session ids", async () => {
    const { world } = w;
    await callCommand(world, CmdBoot, "", "Usage: boot[/switches] <account> [:reason]");
    await callCommand(world, CmdBoot, "Nobody", "Could not find 'Nobody'.");
    await world.unit(() => createAccount(undefined, { username: "Offline", password: "secret123" }));
    await callCommand(world, CmdBoot, "Offline", "No matching sessions found. The Account does not seem to be online.");
    await callCommand(world, CmdBoot, "/sid abc", "Usage: boot/sid <session id>");
    await callCommand(world, CmdBoot, "/sid 999", "No matching sessions found.");
  });

  it("boot respects the account's boot lock", async () => {
    const { world } = w;
    // a Builder with the boot command (perm "boot") may not boot an account whose lock wants Admin
    await world.unit(() => world.account2.permissions.add("Builder"));
    await callCommand(world, CmdBoot, "TestAccount", "You don't have the permission to boot TestAccount.", { caller: world.char2 });
    expect(world.sessions.get(world.session1.sessid)).toBe(world.session1);
  });

  // ---- ban / unban ---------------------------------------------------------------

  it("ban without arguments says there are no bans, then lists them in a table", async () => {
    const { world } = w;
    await callCommand(world, CmdBan, "", "No active bans were found.");
    await callCommand(world, CmdBan, "Thomas : harassing players", undefined, { inputs: ["y"] });
    const out = await callCommand(world, CmdBan, "", "Active bans:");
    expect(out.text).toMatch(/id\s*\|\s*name\/ip\s*\|\s*date\s*\|\s*reason/);
    expect(out.text).toMatch(/1\s*\|\s*thomas\s*\|\s*\d{4}-\d\d-\d\d \d\d:\d\d UTC\s*\|\s*harassing players/);
  });

  it("ban asks first, then stores a name ban and an IP pattern ban in the database", async () => {
    const { world } = w;
    const named = await callCommand(world, CmdBan, "Thomas : spam", undefined, { inputs: [""] });
    expect(named.text).toContain("Name-ban 'thomas' was added. Use unban to reinstate.");
    const ip = await callCommand(world, CmdBan, "203.0.113.*", undefined, { inputs: ["Y"] });
    expect(ip.text).toContain("IP-ban '203.0.113.*' was added.");
    const stored = await storedBans(world);
    expect(stored.map((b) => [b.name, b.ip, b.reason])).toEqual([
      ["thomas", "", "spam"],
      ["", "203.0.113.*", ""],
    ]);
  });

  it("ban: answering no stores nothing; /ip wants an address; a lone reason is a usage error", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdBan, "Thomas", undefined, { inputs: ["n"] });
    expect(out.text).toContain("Aborted.");
    expect(await storedBans(world)).toEqual([]);
    await callCommand(world, CmdBan, "/ip thomas", "'thomas' is not an IP address or pattern");
    await callCommand(world, CmdBan, ": no target", "Usage: ban [<name or ip> [: reason]]");
    const asName = await callCommand(world, CmdBan, "/name 10.0.0.1", undefined, { inputs: ["y"] });
    expect(asName.text).toContain("Name-ban '10.0.0.1' was added.");
    expect((await storedBans(world))[0]).toMatchObject({ name: "10.0.0.1", ip: "" });
  });

  it("unban lists, asks, and removes the ban by id", async () => {
    const { world } = w;
    await callCommand(world, CmdUnban, "1", "There are no bans to clear.");
    await callCommand(world, CmdBan, "Thomas", undefined, { inputs: ["y"] });
    await callCommand(world, CmdBan, "10.0.*.*", undefined, { inputs: ["y"] });
    await callCommand(world, CmdUnban, "", "Active bans:");
    await callCommand(world, CmdUnban, "x", "You must supply a valid ban id to clear.");
    await callCommand(world, CmdUnban, "3", "Ban id 3 was not found.");
    const kept = await callCommand(world, CmdUnban, "1", undefined, { inputs: ["no"] });
    expect(kept.text).toContain("Aborted.");
    const cleared = await callCommand(world, CmdUnban, "1", undefined, { inputs: ["yes"] });
    expect(cleared.text).toContain("Cleared ban 1: 'thomas'");
    expect((await storedBans(world)).map((b) => b.ip)).toEqual(["10.0.*.*"]);
  });

  // ---- emit ------------------------------------------------------------------

  it("emit without targets reaches everyone in the caller's location", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdEmit, "The ground shakes.", undefined, { receivers: [world.char1, world.char2] });
    expect(out.of(world.char1)).toContain("Emitted to Room and contents:\nThe ground shakes.");
    expect(out.of(world.char2)).toBe("The ground shakes.");
  });

  it("emit to named objects; pemit only to played characters, remit only to rooms", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdEmit, "Char2, Obj = You feel watched.", undefined, { receivers: [world.char1, world.char2] });
    expect(out.of(world.char1)).toBe("Emitted to Char2:\nYou feel watched.\nEmitted to Obj:\nYou feel watched.");
    expect(out.of(world.char2)).toBe("You feel watched.");
    await callCommand(world, CmdEmit, "Obj = psst", "Obj has no active account. Ignored.", { cmdstring: "pemit" });
    await callCommand(world, CmdEmit, "Char2 = wind", "Char2 is not a room. Ignored.", { cmdstring: "remit" });
    await world.unit(() => world.char2.moveTo(world.room2, { quiet: true }));
    const remit = await callCommand(world, CmdEmit, "Room2 = A cold wind.", undefined, { cmdstring: "remit", receivers: [world.char1, world.char2] });
    expect(remit.of(world.char1)).toBe("Emitted to Room2 and contents:\nA cold wind.");
    expect(remit.of(world.char2)).toBe("A cold wind.");
    await callCommand(world, CmdEmit, "/room Obj = hi", "Obj is not a room. Ignored.");
  });

  it("emit explains usage and unknown targets, and respects the tell lock", async () => {
    const { world } = w;
    await callCommand(world, CmdEmit, "", "Usage:");
    await callCommand(world, CmdEmit, "Char2 =", "Usage:");
    await callCommand(world, CmdEmit, "Nothing = hi", "Could not find 'Nothing'.");
    await world.unit(() => world.account2.permissions.add("Builder"));
    await callCommand(world, CmdEmit, "Obj = hi", "You are not allowed to emit to Obj.", { caller: world.char2 });
  });

  // ---- perm ------------------------------------------------------------------

  it("perm lists the permissions of an object and of an account", async () => {
    const { world } = w;
    await callCommand(world, CmdPerm, "*TestAccount2", "Permissions on TestAccount2: player");
    await callCommand(world, CmdPerm, "/account TestAccount2", "Permissions on TestAccount2: player");
    await callCommand(world, CmdPerm, "Obj", "Permissions on Obj: <None>");
  });

  it("perm gives and takes permissions, tells the target, and it is stored", async () => {
    const { world } = w;
    const given = await callCommand(world, CmdPerm, "*TestAccount2 = Builder, storyteller", undefined, { receivers: [world.char1, world.account2] });
    expect(given.of(world.char1)).toBe(
      "Permission 'Builder' given to TestAccount2 (the Account).\nPermission 'storyteller' given to TestAccount2 (the Account).",
    );
    expect(given.of(world.account2)).toContain("Char gives you (TestAccount2, the Account) the permission 'Builder'.");
    const rows = await world.fixture.db.query<{ key: string }>(
      "SELECT key FROM tags WHERE owner_kind = 'account' AND owner_id = ? AND kind = 'permission' ORDER BY key",
      [world.account2.id],
    );
    expect(rows.map((r) => r.key)).toEqual(["builder", "player", "storyteller"]);
    await callCommand(world, CmdPerm, "*TestAccount2 = builder", "Permission 'builder' is already defined on TestAccount2.");
    await callCommand(world, CmdPerm, "/del *TestAccount2 = Builder", "Permission Builder removed from TestAccount2 (if they existed).");
    expect(world.account2.permissions.has("builder")).toBe(false);
    await callCommand(world, CmdPerm, "Obj = keeper", "Permission 'keeper' given to Obj (the Object/Character).");
    expect(world.obj1.permissions.get()).toEqual(["keeper"]);
  });

  it("perm refuses a permission above the caller's own, and editing what the caller may not", async () => {
    const { world } = w;
    await world.unit(() => {
      world.account2.permissions.add("Admin");
      world.account2.permissions.add("perm");
    });
    await callCommand(world, CmdPerm, "*TestAccount2 = Developer", "You cannot assign a permission higher than the one you have yourself.", { caller: world.char2 });
    expect(world.account2.permissions.has("developer")).toBe(false);
    // an Admin edits accounts (edit lock) but controls no objects (control lock: Developer)
    await callCommand(world, CmdPerm, "*TestAccount2 = Helper", "Permission 'Helper' given to TestAccount2", { caller: world.char2 });
    await callCommand(world, CmdPerm, "Obj = Helper", "You are not allowed to edit this object's permissions.", { caller: world.char2 });
  });

  it("perm explains usage and unknown targets", async () => {
    const { world } = w;
    await callCommand(world, CmdPerm, "", "Usage: perm[/switch] object [ = permission, permission, ...]");
    await callCommand(world, CmdPerm, "Nobody = Builder", "Could not find 'Nobody'.");
    await callCommand(world, CmdPerm, "*Nobody", "Could not find 'Nobody'.");
    await callCommand(world, CmdPerm, "*TestAccount2 = ", "Usage:");
  });

  // ---- userpassword -----------------------------------------------------------

  it("userpassword sets another account's password and tells its owner", async () => {
    const { world } = w;
    const out = await callCommand(world, CmdNewPassword, "TestAccount2 = new-secret-1", "TestAccount2 - new password set to 'new-secret-1'.", {
      caller: world.account1,
      receivers: [world.account1, world.account2],
    });
    expect(out.of(world.account2)).toContain("has changed your password to 'new-secret-1'.");
    const stored = await world.fixture.db.query<{ password_hash: string }>("SELECT password_hash FROM accounts WHERE id = ?", [world.account2.id]);
    expect(stored[0]!.password_hash).not.toContain("new-secret-1");
    expect(await world.account2.checkPassword("new-secret-1")).toBe(true);
    expect(await world.account2.checkPassword("testpassword")).toBe(false);
  });

  it("userpassword checks the rules, the arguments and the target's rank", async () => {
    const { world } = w;
    await callCommand(world, CmdNewPassword, "TestAccount2", "Usage: userpassword <user obj> = <new password>");
    await callCommand(world, CmdNewPassword, "TestAccount2 = abc", "A password must be at least 6 characters long.");
    await callCommand(world, CmdNewPassword, "Nobody = abcdefgh", "Could not find 'Nobody'.");
    await world.unit(() => world.account2.permissions.add("Admin"));
    await callCommand(world, CmdNewPassword, "TestAccount = abcdefgh", "You cannot change the password of TestAccount", { caller: world.account2 });
    expect(await world.account1.checkPassword("testpassword")).toBe(true);
  });

  // ---- wall ------------------------------------------------------------------

  it("wall shouts to every session, logged in or not", async () => {
    const { world } = w;
    const unlogged = world.connectSession();
    const out = await callCommand(world, CmdWall, "Reload in 5 minutes.", "Announcing to all connected sessions ...", {
      receivers: [world.session1, world.session2, unlogged],
    });
    for (const s of [world.session2, unlogged]) expect(out.of(s)).toBe('Char shouts "Reload in 5 minutes."');
    expect(out.of(world.session1)).toContain('Char shouts "Reload in 5 minutes."');
    await callCommand(world, CmdWall, "", "Usage: wall <message>");
  });

  // ---- force -----------------------------------------------------------------

  it("force makes a played character run a command on its own session", async () => {
    const { world } = w;
    await callCommand(world, CmdForce, "Char2 = say Hello there", "You have forced Char2 to: say Hello there");
    await vi.waitFor(() => expect(world.text(world.session2)).toContain('You say, "Hello there"'));
    expect(world.text(world.session1)).toContain('Char2 says, "Hello there"');
  });

  it("force explains what it cannot do", async () => {
    const { world } = w;
    await callCommand(world, CmdForce, "Char2", "You must provide a target and a command string to execute.");
    await callCommand(world, CmdForce, "Nobody = look", "Could not find 'Nobody'.");
    await callCommand(world, CmdForce, "Obj = look", "Obj is not being played by anyone");
    await world.unit(() => world.account2.permissions.add("Builder"));
    await callCommand(world, CmdForce, "Char = look", "You don't have permission to force Char to execute commands.", { caller: world.char2 });
  });
});
