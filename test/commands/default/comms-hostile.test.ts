/**
 * The comms and account commands against hostile or careless players: channel
 * names that collide with other channels or hold colour markup, muting a channel
 * one does not listen to, floods of personal aliases, pages whose last receiver
 * is gone and whose name was taken again, character names that get past the
 * menu's rules, and account names that look like others (full-width letters,
 * mixed alphabets) or log in around a name ban.
 */
import { beforeEach, expect, it } from "vitest";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { CmdCharCreate } from "../../../evennia-ts/commands/default/account.ts";
import { CmdChannel, MAX_CHANNEL_NAME_LENGTH, MAX_PERSONAL_ALIASES } from "../../../evennia-ts/commands/default/comms/channel.ts";
import { CmdPage } from "../../../evennia-ts/commands/default/comms/page.ts";
import { CmdUnconnectedConnect, CmdUnconnectedCreate } from "../../../evennia-ts/commands/default/unloggedin.ts";
import { personalChannelAliases } from "../../../evennia-ts/commands/channel-cmdset.ts";
import { BanList } from "../../../evennia-ts/server/bans.ts";
import { ServerConfig } from "../../../evennia-ts/server/server-config.ts";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { answerInput, hasPendingInput, takePendingInput } from "../../../evennia-ts/commands/input-prompt.ts";
import { callCommand, worldCommandHandler } from "../../../evennia-ts/testing/call-command.ts";
import { describeWithWorld } from "../../../evennia-ts/testing/world-fixture.ts";
import { allChannels, createAccount, createChannel, findChannel } from "../../../evennia-ts/typeclasses/index.ts";
import { MAX_PENDING_PAGES_SHOWN } from "../../../evennia-ts/typeclasses/pages.ts";

describeWithWorld("comms commands against hostile input", (w) => {
  const asAccount2 = () => ({ caller: w.world.account2, session: w.world.session2 });

  beforeEach(async () => {
    await w.world.unit(() => createChannel(undefined, { key: "Public", aliases: ["pub"], desc: "Public discussion" }));
  });

  it("muting or unmuting a channel one is not subscribed to says so, and changes nothing", async () => {
    await callCommand(w.world, CmdChannel, "/mute public", "You are not subscribed to channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/unmute pub", "You are not subscribed to channel Public.", asAccount2());
    const channel = (await findChannel("public"))!;
    expect(await channel.hasConnection(w.world.account2)).toBe(false);
    // subscribed, the usual answers
    await callCommand(w.world, CmdChannel, "/sub public", "You are now subscribed", asAccount2());
    await callCommand(w.world, CmdChannel, "/mute public", "Muted channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/mute public", "Channel Public was already muted.", asAccount2());
    await callCommand(w.world, CmdChannel, "/unmute public", "Un-muted channel Public.", asAccount2());
  });

  it("a new channel cannot take another channel's key or alias, as name or alias", async () => {
    await callCommand(w.world, CmdChannel, "/create pub", "Channel pub already exists.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create PUBLIC", "Channel PUBLIC already exists.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create Guild;public", "The alias 'public' is already the name or an alias of a channel.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create Guild;gd;Pub", "The alias 'pub' is already the name or an alias of a channel.", asAccount2());
    expect((await allChannels()).map((c) => c.key)).toEqual(["Public"]);
    // so "pub" still names one channel
    await callCommand(w.world, CmdChannel, "/sub pub", "You are now subscribed to the channel Public.", asAccount2());
    await callCommand(w.world, CmdChannel, "/create Guild;gd;GD", "Created (and joined) new channel 'Guild'.", asAccount2());
    expect((await findChannel("guild"))!.aliases.get()).toEqual(["gd"]);
  });

  it("two players creating the same channel at once: one gets it, the other a clear answer", async () => {
    const handler = worldCommandHandler(w.world);
    w.world.clearOutput();
    await Promise.all([handler.execute(w.world.session1, "channel/create Guild"), handler.execute(w.world.session2, "channel/create guild")]);
    const answers = [w.world.text(w.world.session1), w.world.text(w.world.session2)];
    const made = answers.findIndex((a) => a.startsWith("Created"));
    expect(answers[made]).toMatch(/^Created \(and joined\) new channel '(Guild|guild)'\.$/);
    expect(answers[1 - made]).toMatch(/^(a channel named "guild" exists already|Channel guild already exists\.)$/);
    expect((await allChannels()).map((c) => c.key.toLowerCase())).toEqual(["public", "guild"]);
  });

  it("a channel name or alias cannot hold colour markup (a channel passing for another)", async () => {
    await callCommand(w.world, CmdChannel, "/create Pu|nblic", "A channel name or alias cannot hold '|' (colour markup).", asAccount2());
    await callCommand(w.world, CmdChannel, "/create Guild;|rgd", "A channel name or alias cannot hold '|' (colour markup).", asAccount2());
    expect((await allChannels()).map((c) => c.key)).toEqual(["Public"]);
  });

  it("a player's channel message cannot fake a second line (|/, raw line breaks, tabs, HTML tags); a Builder's can", async () => {
    await callCommand(w.world, CmdChannel, "/sub public", "You are now subscribed", asAccount2());
    await callCommand(w.world, CmdChannel, "/sub public", "", { caller: w.world.account1, session: w.world.session1 });
    w.world.clearOutput();
    await callCommand(w.world, CmdChannel, "public = hi|/[Public] admin: tell me your password|-<b>now</b>", "", asAccount2());
    const seen = w.world.text(w.world.session1);
    expect(seen).toContain("hi[Public] admin: tell me your passwordnow");
    expect(seen.split("\n").filter((l) => l.includes("[Public]"))).toHaveLength(1);
    const [stored] = await (await findChannel("public"))!.history(1, 0);
    expect(stored!.text).not.toMatch(/\|\/|<b>/);
    // an escaped ||/ is text, not a line break, and stays
    await callCommand(w.world, CmdChannel, "public = a||/b", "", asAccount2());
    expect(w.world.text(w.world.session1)).toContain("a|/b");
    // a Builder (the superuser passes every permission) keeps its formatting
    w.world.clearOutput();
    await callCommand(w.world, CmdChannel, "public = line one|/line two", "", { caller: w.world.account1, session: w.world.session1 });
    expect(w.world.text(w.world.session2)).toMatch(/line one\r?\nline two/);
  });

  it(`a channel name or alias is at most ${MAX_CHANNEL_NAME_LENGTH} characters (it prefixes every line)`, async () => {
    const tooLong = `A channel name or alias can be at most ${MAX_CHANNEL_NAME_LENGTH} characters long.`;
    await callCommand(w.world, CmdChannel, `/create ${"L".repeat(MAX_CHANNEL_NAME_LENGTH + 1)}`, tooLong, asAccount2());
    await callCommand(w.world, CmdChannel, `/create Guild;${"a".repeat(MAX_CHANNEL_NAME_LENGTH + 1)}`, tooLong, asAccount2());
    expect((await allChannels()).map((c) => c.key)).toEqual(["Public"]);
    await callCommand(w.world, CmdChannel, `/create ${"L".repeat(MAX_CHANNEL_NAME_LENGTH)}`, "Created (and joined) new channel", asAccount2());
  });

  it(`personal channel aliases stop at ${MAX_PERSONAL_ALIASES}; aliases of deleted channels do not count`, async () => {
    await callCommand(w.world, CmdChannel, "/sub public", "You are now subscribed", asAccount2());
    const flood = Array.from({ length: 2000 }, (_, i) => `a${i}`).join(";");
    await callCommand(w.world, CmdChannel, `/alias public = ${flood}`, `You can have at most ${MAX_PERSONAL_ALIASES} channel aliases of your own`, asAccount2());
    expect(Object.keys(personalChannelAliases(w.world.account2))).toEqual([]);
    const most = Array.from({ length: MAX_PERSONAL_ALIASES }, (_, i) => `a${i}`).join(";");
    await callCommand(w.world, CmdChannel, `/alias public = ${most}`, "Added/updated your alias", asAccount2());
    await callCommand(w.world, CmdChannel, "/alias public = one-more", "You can have at most", asAccount2());
    // updating one already had is no new alias
    await callCommand(w.world, CmdChannel, "/alias public = a0", "Added/updated your alias 'a0' for channel Public.", asAccount2());
    // the aliases still work through the handler
    w.world.clearOutput();
    await worldCommandHandler(w.world).execute(w.world.session2, "a7 hello");
    expect(w.world.text(w.world.session2)).toBe("[Public] TestAccount2: hello");
    // the channel goes: its aliases no longer take room
    await w.world.unit(async () => (await findChannel("public"))!.delete());
    await callCommand(w.world, CmdChannel, "/create Other", "Created (and joined) new channel 'Other'.", asAccount2());
    await callCommand(w.world, CmdChannel, "/alias other = ot", "Added/updated your alias 'ot' for channel Other.", asAccount2());
    expect(Object.keys(personalChannelAliases(w.world.account2))).toEqual(["ot"]);
  });

  it("a line or a subscription racing the channel's destruction leaves nothing behind for the gone channel", async () => {
    const channel = (await findChannel("public"))!;
    const handler = worldCommandHandler(w.world);
    // the subscription is typed as the owner confirms the destruction
    const subscribing = handler.execute(w.world.session2, "channel/sub public");
    await Promise.all([subscribing, runInUnitOfWork(w.world.fixture.db, () => channel.delete())]);
    expect(channel.isDeleted).toBe(true);
    expect(await w.world.fixture.db.query("SELECT * FROM channel_subscriptions")).toEqual([]);

    await w.world.unit(() => createChannel(undefined, { key: "Guild", aliases: ["gd"] }));
    await callCommand(w.world, CmdChannel, "/sub guild", "You are now subscribed", asAccount2());
    const guild = (await findChannel("guild"))!;
    const talking = handler.execute(w.world.session2, "gd last words");
    await Promise.all([talking, runInUnitOfWork(w.world.fixture.db, () => guild.delete())]);
    expect(guild.isDeleted).toBe(true);
    expect(await w.world.fixture.db.query("SELECT * FROM messages")).toEqual([]);
    expect(await w.world.fixture.db.query("SELECT * FROM message_parties")).toEqual([]);
    expect(await w.world.fixture.db.query("SELECT * FROM channel_subscriptions")).toEqual([]);
  });

  it("confirming the destruction of a channel deleted meanwhile says so", async () => {
    await callCommand(w.world, CmdChannel, "/create Guild", "Created (and joined) new channel 'Guild'.", asAccount2());
    const guild = (await findChannel("guild"))!;
    await callCommand(w.world, CmdChannel, "/destroy guild", undefined, asAccount2());
    expect(hasPendingInput(w.world.session2)).toBe(true);
    await w.world.unit(() => guild.delete());
    w.world.clearOutput();
    await answerInput(w.world.fixture.db, w.world.session2, "yes", takePendingInput(w.world.session2)!);
    expect(w.world.text(w.world.session2)).toBe("Channel Guild no longer exists: someone deleted it meanwhile.");
  });

  it("confirming the destruction after the channel's control lock changed is refused", async () => {
    await callCommand(w.world, CmdChannel, "/create Guild", "Created (and joined) new channel 'Guild'.", asAccount2());
    const guild = (await findChannel("guild"))!;
    await callCommand(w.world, CmdChannel, "/destroy guild", undefined, asAccount2());
    // an admin takes control of the channel away while the question waits
    await w.world.unit(async () => guild.locks.add("control:false()"));
    w.world.clearOutput();
    await answerInput(w.world.fixture.db, w.world.session2, "yes", takePendingInput(w.world.session2)!);
    expect(w.world.text(w.world.session2)).toContain("You need 'control'-access to destroy channel Guild.");
    expect(guild.isDeleted).toBe(false);
    expect(await findChannel("guild")).not.toBeNull();
  });

  it("page without a name goes to the account paged last, never to a new account that took its name", async () => {
    const anna = await w.world.unit(() => createAccount(undefined, { username: "Anna", password: "secret-pass-1" }));
    await callCommand(w.world, CmdPage, "anna are you there?", "Anna is offline.", { caller: w.world.account1 });
    await w.world.unit(() => anna.delete());
    const impostor = await w.world.unit(() => createAccount(undefined, { username: "Anna", password: "secret-pass-2" }));
    expect(impostor.id).not.toBe(anna.id);
    await callCommand(w.world, CmdPage, "the secret is 42", "The accounts you paged last no longer exist. Who do you want to page?", { caller: w.world.account1 });
    const session = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(session, impostor));
    expect(w.world.text(session)).not.toContain("the secret is 42");
    // the last receiver still there: the page reaches it
    await callCommand(w.world, CmdPage, "TestAccount2 hi", "You paged TestAccount2 with: 'hi'.", { caller: w.world.account1 });
    const again = await callCommand(w.world, CmdPage, "again", "You paged TestAccount2 with: 'again'.", { caller: w.world.account1, receivers: [w.world.account1, w.world.account2] });
    expect(again.of(w.world.account2)).toBe("Account TestAccount pages: again");
  });

  it(`a flood of pages to an offline account shows only the latest ${MAX_PENDING_PAGES_SHOWN} at its login`, async () => {
    const anna = await w.world.unit(() => createAccount(undefined, { username: "Anna", password: "secret-pass-1" }));
    const flood = MAX_PENDING_PAGES_SHOWN + 5;
    for (let i = 1; i <= flood; i++) await callCommand(w.world, CmdPage, `anna spam ${i}`, "Anna is offline.", { caller: w.world.account1 });
    const session = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(session, anna));
    const text = w.world.text(session);
    expect(text).toContain("You were paged while you were away:\n(5 older pages not shown: page <number> lists your latest pages.)");
    expect(text).not.toMatch(/spam 5$/m);
    expect(text).toMatch(/spam 6$/m);
    expect(text).toMatch(new RegExp(`spam ${flood}$`, "m"));
    // all were handed over: the next login shows none
    const again = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(again, anna));
    expect(w.world.text(again)).not.toContain("paged while you were away");
  });
});

describeWithWorld(
  "charcreate against hostile names",
  (w) => {
    const asAccount2 = () => ({ caller: w.world.account2, session: w.world.session2 });

    it("refuses what the creation menu refuses: colour markup, $, overlong names", async () => {
      await callCommand(w.world, CmdCharCreate, "|rAdmin|n", "A name cannot hold '|' or '$'.", asAccount2());
      await callCommand(w.world, CmdCharCreate, "Char|n2", "A name cannot hold '|' or '$'.", asAccount2());
      await callCommand(w.world, CmdCharCreate, "$You()", "A name cannot hold '|' or '$'.", asAccount2());
      await callCommand(w.world, CmdCharCreate, "x".repeat(31), "That name is too long (at most 30 characters).", asAccount2());
      expect(w.world.account2.characters.map((c) => c.key)).toEqual(["Char2"]);
      // runs of spaces count as one, as in the menu
      await callCommand(w.world, CmdCharCreate, "Anna    Smith = A woman.", "Created new character Anna Smith.", asAccount2());
      await callCommand(w.world, CmdCharCreate, "anna smith", "A character named 'anna smith' already exists.", asAccount2());
    });
  },
  { settings: { maxNrCharacters: 5 } },
);

describeWithWorld(
  "ic from two sessions of one account at once",
  (w) => {
    it("one takes the character over from the other, and the puppet limit holds", async () => {
      const handler = worldCommandHandler(w.world);
      const { account2, session2 } = w.world;
      const session3 = w.world.connectSession();
      await w.world.unit(() => w.world.sessions.login(session3, account2));
      await handler.execute(session2, "charcreate Neo");
      await handler.execute(session2, "ooc");
      await handler.execute(session3, "ooc");
      const neo = account2.characters.find((c) => c.key === "Neo")!;
      // mode 2: a character is played from one session; a second ic takes it over
      await Promise.all([handler.execute(session2, "ic Neo"), handler.execute(session3, "ic Neo")]);
      expect([...neo.sessions]).toHaveLength(1);
      expect([session2.puppet, session3.puppet].filter(Boolean)).toEqual([neo]);
      await Promise.all([handler.execute(session2, "ooc"), handler.execute(session3, "ooc")]);
      expect([session2.puppet, session3.puppet]).toEqual([null, null]);
      // one puppet at a time (maxNrSimultaneousPuppets 1)
      w.world.clearOutput();
      await Promise.all([handler.execute(session2, "ic Neo"), handler.execute(session3, "ic Char2")]);
      expect(account2.getAllPuppets()).toHaveLength(1);
      expect(`${w.world.text(session2)}\n${w.world.text(session3)}`).toContain("You cannot control any more puppets (max 1)");
    });

    it("every puppeting path takes its turn: two puppetObject calls at once (a login's auto-puppet beside an ic) keep the limit", async () => {
      const handler = worldCommandHandler(w.world);
      const { account2, session2 } = w.world;
      const session3 = w.world.connectSession();
      await w.world.unit(() => w.world.sessions.login(session3, account2));
      await handler.execute(session2, "charcreate Trin");
      await Promise.all([handler.execute(session2, "ooc"), handler.execute(session3, "ooc")]);
      const trin = account2.characters.find((c) => c.key === "Trin")!;
      const char2 = account2.characters.find((c) => c.key === "Char2")!;
      // the hook awaits, so the second call's checks would run while the first is still in it
      const slowHook = async () => {
        await new Promise((r) => setTimeout(r, 20));
      };
      (trin as unknown as { atPrePuppet: () => Promise<void> }).atPrePuppet = slowHook;
      (char2 as unknown as { atPrePuppet: () => Promise<void> }).atPrePuppet = slowHook;
      const results = await Promise.all([
        w.world.unit(() => account2.puppetObject(session2, trin)),
        w.world.unit(() => account2.puppetObject(session3, char2)),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect(account2.getAllPuppets()).toHaveLength(1);
      await Promise.all([handler.execute(session2, "ooc"), handler.execute(session3, "ooc")]);
    });

    it("a hook that puppets again does not wait for itself, and one that throws does not block the next", async () => {
      const { account2, session2 } = w.world;
      const handler = worldCommandHandler(w.world);
      await handler.execute(session2, "ooc");
      const char2 = account2.characters.find((c) => c.key === "Char2")!;
      const hooks = char2 as unknown as { atPostPuppet: () => Promise<void> };
      const original = hooks.atPostPuppet;
      // re-entrant: the hook's own puppeting call (already puppeting: answered at once)
      hooks.atPostPuppet = async () => {
        await account2.puppetObject(session2, char2);
      };
      expect(await w.world.unit(() => account2.puppetObject(session2, char2))).toBe(true);
      await handler.execute(session2, "ooc");
      hooks.atPostPuppet = async () => {
        throw new Error("hook failed");
      };
      await expect(w.world.unit(() => account2.puppetObject(session2, char2))).rejects.toThrow("hook failed");
      hooks.atPostPuppet = original;
      await w.world.unit(() => account2.unpuppetObject(session2));
      expect(await w.world.unit(() => account2.puppetObject(session2, char2))).toBe(true);
      expect(session2.puppet).toBe(char2);
    });
  },
  { settings: { multisessionMode: 2, maxNrCharacters: 3, maxNrSimultaneousPuppets: 1 } },
);

describeWithWorld("create and connect against look-alike names", (w) => {
  it("a full-width name is the same name: create refuses it when taken, connect logs into it", async () => {
    const session = w.world.connectSession();
    await callCommand(w.world, CmdUnconnectedCreate, "\uFF34estAccount password1", "Sorry, there is already an account with the name 'TestAccount'.", { caller: session });
    expect(await w.world.unit(async () => (await w.world.fixture.db.query("SELECT id FROM accounts")).length)).toBe(2);
    await callCommand(w.world, CmdUnconnectedCreate, "\uFF21nna password1", "A new account 'Anna' was created.", { caller: session });
    await callCommand(w.world, CmdUnconnectedConnect, "\uFF34estAccount2 testpassword", undefined, { caller: session });
    expect(session.account).toBe(w.world.account2);
  });

  it("a name may not mix Latin, Cyrillic or Greek letters, nor hold invisible ones; one alphabet is fine", async () => {
    const session = w.world.connectSession();
    // a Cyrillic "е" among Latin letters: looks like TestAccount
    await callCommand(w.world, CmdUnconnectedCreate, "T\u0435stAccount password1", "A name cannot mix letters of different alphabets", { caller: session });
    // a Hangul filler shows as nothing: "TestAccount2" plus one looks like TestAccount2
    await callCommand(w.world, CmdUnconnectedCreate, "TestAccount2\u3164 password1", "A name cannot mix letters of different alphabets", { caller: session });
    await callCommand(w.world, CmdUnconnectedCreate, "\u0418\u0432\u0430\u043D password1", "A new account 'Иван' was created.", { caller: session });
  });

  it("a name that is another account's alias cannot be taken; connect and page prefer the account of that name", async () => {
    await w.world.unit(() => w.world.account1.aliases.add("boss"));
    const session = w.world.connectSession();
    // with or without the password on the line
    await callCommand(w.world, CmdUnconnectedCreate, "Boss password1", "Sorry, there is already an account with the name 'Boss'.", { caller: session });
    await callCommand(w.world, CmdUnconnectedCreate, "Boss", "Sorry, there is already an account with the name 'Boss'.", { caller: session });
    expect(await w.world.unit(async () => (await w.world.fixture.db.query("SELECT id FROM accounts")).length)).toBe(2);
    // an alias given after the account was made: the account named so still logs in
    const chief = await w.world.unit(() => createAccount(undefined, { username: "Chief", password: "password1" }));
    await w.world.unit(() => w.world.account1.aliases.add("chief"));
    await callCommand(w.world, CmdUnconnectedConnect, "chief password1", undefined, { caller: session });
    expect(session.account).toBe(chief);
    // and a page to "chief" goes to Chief
    const page = await callCommand(w.world, CmdPage, "chief = hello chief", "You paged Chief with: 'hello chief'.", { caller: w.world.account2, receivers: [w.world.account2, chief] });
    expect(page.of(chief)).toBe("Account TestAccount2 pages: hello chief");
  });

  it("connect finds a name typed with runs of spaces", async () => {
    const anna = await w.world.unit(() => createAccount(undefined, { username: "Anna Smith", password: "password1" }));
    const session = w.world.connectSession();
    await callCommand(w.world, CmdUnconnectedConnect, '"Anna   Smith" password1', undefined, { caller: session });
    expect(session.account).toBe(anna);
  });

  it("a name ban holds when the account is typed by an alias or a full-width form", async () => {
    await w.world.unit(async () => {
      w.world.account2.aliases.add("tester");
      await new BanList(new ServerConfig(w.world.fixture.db)).add({ name: "TestAccount2" }, "");
    });
    const session = w.world.connectSession();
    await callCommand(w.world, CmdUnconnectedConnect, "tester testpassword", "You have been banned and cannot continue from here.", { caller: session });
    await callCommand(w.world, CmdUnconnectedConnect, "\uFF34estAccount2 testpassword", "You have been banned", { caller: session });
    expect(session.account).toBeNull();
    // another account, by alias, logs in
    await w.world.unit(() => w.world.account1.aliases.add("boss"));
    await callCommand(w.world, CmdUnconnectedConnect, "boss testpassword", undefined, { caller: session });
    expect(session.account).toBe(w.world.account1);
  });
});
