/**
 * The `channel` and `page` commands (issue 13 points 1 and 2), on both databases,
 * through `callCommand` and — for channel names as commands (`pub Hello`) — the
 * real command handler: switches, locks, bad input, pages to offline accounts
 * waiting for their login.
 */
import { beforeEach, expect, it } from "vitest";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { CmdChannel } from "../../../evennia-ts/commands/default/comms/channel.ts";
import { CmdPage } from "../../../evennia-ts/commands/default/comms/page.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../../../evennia-ts/commands/handler.ts";
import { callCommand, worldServices } from "../../../evennia-ts/testing/call-command.ts";
import type { DefaultObject } from "../../../evennia-ts/typeclasses/objects.ts";
import { describeWithWorld } from "../../../evennia-ts/testing/world-fixture.ts";
import { createAccount, createChannel, findChannel } from "../../../evennia-ts/typeclasses/index.ts";

describeWithWorld("channel and page commands", (w) => {
  const asAccount2 = () => ({ caller: w.world.account2, session: w.world.session2 });

  beforeEach(async () => {
    await w.world.unit(async () => {
      for (const key of ["Public", "Staff"]) {
        const old = await findChannel(key);
        if (old) await old.delete();
      }
      await createChannel(undefined, { key: "Public", aliases: ["pub"], desc: "Public discussion" });
      await createChannel(undefined, { key: "Staff", locks: "listen:perm(Admin);send:perm(Admin);control:perm(Admin)" });
    });
  });

  it("subscribes with a personal alias, talks through channel names, and reads the history", async () => {
    await callCommand(w.world, CmdChannel, "/sub public = p;chat", "You are now subscribed to the channel Public using alias(es) p, chat.", asAccount2());
    await callCommand(w.world, CmdChannel, "/sub pub", "You are now subscribed to the channel Public.");
    await callCommand(w.world, CmdChannel, "/sub public", "Already listening to channel Public.");

    const handler = new CommandHandler(w.world.fixture.db, worldServices(w.world), DEFAULT_CMDSET_PATHS);
    w.world.clearOutput();
    await handler.execute(w.world.session2, "p Hello everyone");
    expect(w.world.text(w.world.session1)).toBe("[Public] TestAccount2: Hello everyone");
    expect(w.world.text(w.world.session2)).toBe("[Public] TestAccount2: Hello everyone");
    w.world.clearOutput();
    await handler.execute(w.world.session1, "pub :waves");
    expect(w.world.text(w.world.session2)).toBe("[Public] TestAccount waves");
    // session1 has no personal alias "p"
    w.world.clearOutput();
    await handler.execute(w.world.session1, "chat hi");
    expect(w.world.text(w.world.session1)).toMatch(/Command 'chat hi' is not available/);
    w.world.clearOutput();
    await handler.execute(w.world.session1, "public");
    const history = w.world.text(w.world.session1);
    expect(history).toMatch(/History of Public/);
    expect(history).toMatch(/\[\d{4}-\d\d-\d\d \d\d:\d\d\] TestAccount2: Hello everyone/);
    expect(history).toMatch(/TestAccount waves/);

    const out = await callCommand(w.world, CmdChannel, "/history public = 1", "History of Public");
    expect(out.text).toContain("Hello everyone");
    expect(out.text).not.toContain("waves");
    await callCommand(w.world, CmdChannel, "/history public = lots", "The history index (describing how many lines to go back) must be an integer >= 0.");
  });

  it("lists subscriptions and all channels, with who and mute", async () => {
    await callCommand(w.world, CmdChannel, "", /You are not subscribed to any channel/, asAccount2());
    await callCommand(w.world, CmdChannel, "/sub public", "You are now subscribed", asAccount2());
    const mine = await callCommand(w.world, CmdChannel, "", /Channel subscriptions/, asAccount2());
    expect(mine.text).toContain("Public;pub");
    expect(mine.text).toContain("Public discussion");
    const all = await callCommand(w.world, CmdChannel, "/all", /Available channels/, asAccount2());
    expect(all.text).toContain("Public");
    expect(all.text).not.toContain("Staff"); // no listen access
    await callCommand(w.world, CmdChannel, "/mute public", "Muted channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/mute public", "Channel Public was already muted.", asAccount2());
    const who = await callCommand(w.world, CmdChannel, "/who public", "Subscribers of Public:");
    expect(who.text).toContain("TestAccount2(muting)");
    // talking unmutes
    await callCommand(w.world, CmdChannel, "public = back again", "[Public] TestAccount2: back again", asAccount2());
    await callCommand(w.world, CmdChannel, "/unmute public", "Channel Public was already unmuted.", asAccount2());
    await callCommand(w.world, CmdChannel, "/unsub public", "You un-subscribed from channel Public. All aliases were cleared.", asAccount2());
    await callCommand(w.world, CmdChannel, "/unsub public", "Not listening to channel Public.", asAccount2());
  });

  it("refuses what the locks refuse, and unknown channels", async () => {
    await callCommand(w.world, CmdChannel, "/sub staff", "No channel found matching 'staff' (could also be due to missing access).", asAccount2());
    await callCommand(w.world, CmdChannel, "staff = hi", "No channel found matching 'staff'", asAccount2());
    await callCommand(w.world, CmdChannel, "public = hi", "You are not subscribed to channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/sub public", "You are now subscribed", asAccount2());
    await w.world.unit(async () => (await findChannel("public"))!.locks.add("send:perm(Builder)"));
    await callCommand(w.world, CmdChannel, "public = hi", "You are not allowed to send messages to channel Public", asAccount2());
    await callCommand(w.world, CmdChannel, "/desc public = Mine now", "You need 'control'-access to desc channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/lock public = send:all()", "You don't have access to use channel/lock.", asAccount2());
    await callCommand(w.world, CmdChannel, "/boot public = TestAccount", "You need 'control'-access to boot on channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/nosuch public", /Extra switch "\/nosuch" ignored\. Valid switches: \/list, \/all/);
  });

  it("creates, describes, locks, bans and destroys a channel", async () => {
    await callCommand(w.world, CmdChannel, "/create Guild;gd = The guild channel", "Created (and joined) new channel 'Guild'.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create guild", "Channel guild already exists.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create Bad:no.such.Typeclass", "No channel typeclass 'no.such.Typeclass' is registered.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create", "To create: channel/create name[;aliases][:typeclass] [= description]", asAccount2());
    // the creator controls it (control:pid(...)) though only a Player; an object numbered as the account does not
    expect((await findChannel("guild"))!.locks.get("control")).toBe(`control:pid(${w.world.account2.id})`);
    const twin = (await w.world.unit(() => w.world.store.get("object", w.world.account2.id))) as DefaultObject;
    expect(twin.id).toBe(w.world.account2.id);
    expect((await findChannel("guild"))!.access(twin, "control")).toBe(false);
    await callCommand(w.world, CmdChannel, "/desc gd = Guild business", "Updated channel description.", asAccount2());
    expect((await findChannel("guild"))!.description).toBe("Guild business");
    await callCommand(w.world, CmdChannel, "/lock gd = send:all()", "You need 'control'-access to lock channel Guild.");
    await callCommand(w.world, CmdChannel, "/lock public = send:perm(Admin", /Could not add\/update lock:/);
    await callCommand(w.world, CmdChannel, "/lock gd = admin:all()", "You don't have access to use channel/lock.", asAccount2());
    await callCommand(w.world, CmdChannel, "/lock public = listen:all();send:perm(Builder)", "Added/updated lock on channel.");
    expect((await findChannel("public"))!.access(w.world.account2, "send")).toBe(false);
    await callCommand(w.world, CmdChannel, "/unlock public = send", "Removed lock from channel.");
    await callCommand(w.world, CmdChannel, "/unlock public = send", "Could not remove lock: no 'send' lock on Public.");
    await callCommand(w.world, CmdChannel, "/sub guild", "You are now subscribed");
    await callCommand(w.world, CmdChannel, "/ban guild = TestAccount : too loud", /^\[Guild\] TestAccount was banned from channel by TestAccount2\. Reason: too loud\nBanned TestAccount from channel Guild\.$/, asAccount2());
    await callCommand(w.world, CmdChannel, "/ban guild", /Channel bans[\s\S]*TestAccount/, asAccount2());
    await callCommand(w.world, CmdChannel, "/sub guild", "Were not allowed to subscribe to channel Guild");
    await callCommand(w.world, CmdChannel, "/unban guild = nobody", "nobody was not previously banned from this channel.", asAccount2());
    await callCommand(w.world, CmdChannel, "/unban guild = TestAccount", "Un-banned TestAccount from channel Guild.", asAccount2());
    await callCommand(w.world, CmdChannel, "/sub guild", "You are now subscribed");
    const boot = await callCommand(w.world, CmdChannel, "/boot guild = testaccount", /Booted TestAccount from channel Guild\.$/, { ...asAccount2(), receivers: [w.world.account2, w.world.account1] });
    expect(boot.of(w.world.account1)).toContain("You were booted from channel Guild by TestAccount2.");

    await callCommand(w.world, CmdChannel, "/destroy guild", "Aborted.", { ...asAccount2(), inputs: ["n"] });
    expect(await findChannel("guild")).not.toBeNull();
    const gone = await callCommand(w.world, CmdChannel, "/destroy guild = closing", undefined, { ...asAccount2(), inputs: ["yes"] });
    expect(gone.text).toContain("[Guild] Channel Guild is being destroyed. Make sure to clean any channel aliases. Reason: closing");
    expect(gone.text).toContain("Channel Guild was successfully deleted.");
    expect(await findChannel("guild")).toBeNull();
  });

  it("pages an online account, several at once, and the last one again", async () => {
    const out = await callCommand(w.world, CmdPage, "TestAccount2 Hello there", "You paged TestAccount2 with: 'Hello there'.", { caller: w.world.account1, receivers: [w.world.account1, w.world.account2] });
    expect(out.of(w.world.account2)).toBe("Account TestAccount pages: Hello there");
    await callCommand(w.world, CmdPage, ":waves", "You paged TestAccount2 with: 'TestAccount waves'.", { caller: w.world.account1 });
    const both = await callCommand(w.world, CmdPage, "TestAccount, TestAccount2 = meeting", /You paged TestAccount, TestAccount2 with: 'meeting'\./, { caller: w.world.account1 });
    expect(both.text).toContain("Account TestAccount pages: meeting"); // paging yourself works too
    await callCommand(w.world, CmdPage, "/last", "You last paged TestAccount,TestAccount2:meeting", { caller: w.world.account1 });
    const list = await callCommand(w.world, CmdPage, "", "Your latest pages:", asAccount2());
    expect(list.text).toMatch(/from TestAccount:< Hello there/);
    expect((await callCommand(w.world, CmdPage, "1", "Your latest pages:", asAccount2())).text).not.toContain("Hello there");
  });

  it("gives clear messages for bad pages", async () => {
    await callCommand(w.world, CmdPage, "nobody = hi", "Could not find an account named 'nobody'.", asAccount2());
    await callCommand(w.world, CmdPage, "TestAccount =", "What do you want to page?", asAccount2());
    await callCommand(w.world, CmdPage, "hello", "Who do you want to page?", asAccount2());
    await callCommand(w.world, CmdPage, "", "You have no pages yet.", asAccount2());
    await callCommand(w.world, CmdPage, "/last", "You haven't paged anyone yet.", asAccount2());
    await callCommand(w.world, CmdPage, "a,b,c,d,e,f,g,h,i,j,k = hi", "You can page at most 10 accounts at once.", asAccount2());
  });

  it("a page to an offline account waits for its login, and is shown once", async () => {
    const anna = await w.world.unit(() => createAccount(undefined, { username: "Anna", password: "secret-pass-1" }));
    await callCommand(w.world, CmdPage, "anna Are you there?", "Anna is offline. They will see your page when they next log in.", { caller: w.world.account1 });
    const session = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(session, anna));
    expect(w.world.text(session)).toMatch(/You were paged while you were away:\n.*Account TestAccount pages: Are you there\?/);
    await w.world.unit(() => w.world.sessions.disconnect(session, "bye"));
    const again = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(again, anna));
    expect(w.world.text(again)).not.toContain("paged while you were away");
  });
});
