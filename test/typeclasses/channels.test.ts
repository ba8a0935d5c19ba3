/**
 * Channels (issue 13 point 1), on both databases: subscriptions and mutes that
 * persist, locks and bans on joining, messages to the online unmuted subscribers
 * only with Evennia's `[Public] Anna: hi` shape and `{type: "channel"}` kwargs,
 * history stored and read back by a fresh store (a restart), pending messages,
 * default channels, and MudInfo hearing logins.
 */
import { afterEach, expect, it } from "vitest";
import { buildSettings } from "../../evennia-ts/conf/settings.ts";
import { cmdnameToGmcp } from "../../evennia-ts/protocol/oob-names.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import {
  allChannels,
  createChannel,
  DefaultChannel,
  ensureDefaultChannels,
  findChannel,
  joinDefaultChannels,
  messagesOf,
  searchChannels,
  storeMessage,
  subscribedChannels,
  takePending,
} from "../../evennia-ts/typeclasses/index.ts";
import { Store } from "../../evennia-ts/typeclasses/store.ts";
import { getStore, setStore } from "../../evennia-ts/typeclasses/store-context.ts";

describeWithWorld("channels", (w) => {
  let original: Store | null = null;
  afterEach(() => {
    if (original) setStore(original);
    original = null;
  });

  /** Run `fn` against a new store on the same database, as after a restart. */
  async function afterRestart<T>(fn: () => Promise<T>): Promise<T> {
    original = getStore();
    const fresh = new Store(w.world.fixture.db, { lruSize: 0 });
    await fresh.init();
    setStore(fresh);
    try {
      return await w.world.unit(fn);
    } finally {
      setStore(original);
      original = null;
    }
  }

  it("subscribes, mutes and unsubscribes, and all of it survives a restart", async () => {
    const { account1, account2 } = w.world;
    await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Gossip", aliases: ["gos"], desc: "Idle talk" });
      expect(await chan.connect(account1)).toBe(true);
      expect(await chan.connect(account1)).toBe(false);
      expect(await chan.connect(account2)).toBe(true);
      expect(await chan.mute(account2)).toBe(true);
      expect(await chan.mute(account2)).toBe(false);
    });
    await afterRestart(async () => {
      const chan = await findChannel("GOS");
      expect(chan?.key).toBe("Gossip");
      expect(chan?.description).toBe("Idle talk");
      const subscribers = (await chan!.subscriptions.all()).map((s) => s.key).sort();
      expect(subscribers).toEqual(["TestAccount", "TestAccount2"]);
      expect(chan!.mutelist.map((s) => s.key)).toEqual(["TestAccount2"]);
    });
    await w.world.unit(async () => {
      const chan = (await findChannel("gossip"))!;
      expect(await chan.disconnect(account2)).toBe(true);
      expect(await chan.disconnect(account2)).toBe(false);
    });
    await afterRestart(async () => {
      const chan = (await findChannel("gossip"))!;
      expect((await chan.subscriptions.all()).map((s) => s.key)).toEqual(["TestAccount"]);
    });
  });

  it("a failed unit of work leaves no subscription behind, in memory or on disk", async () => {
    await w.world.unit(() => createChannel(undefined, { key: "Flaky" }));
    await expect(
      w.world.unit(async () => {
        const chan = (await findChannel("flaky"))!;
        await chan.connect(w.world.account1);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const chan = (await findChannel("flaky"))!;
    expect(chan.subscriptions.has(w.world.account1)).toBe(false);
    await afterRestart(async () => expect((await findChannel("flaky"))!.subscriptions.count).toBe(0));
  });

  it("the listen lock and the ban list refuse joining", async () => {
    const { account1, account2 } = w.world;
    await w.world.unit(async () => {
      const staff = await createChannel(undefined, { key: "Staff", locks: "listen:perm(Admin);send:perm(Admin)" });
      expect(await staff.connect(account2)).toBe(false);
      expect(await staff.connect(account1)).toBe(true); // Developer
      const open = await createChannel(undefined, { key: "Open" });
      expect(open.ban(account2)).toBe(true);
      expect(open.ban(account2)).toBe(false);
      expect(await open.connect(account2)).toBe(false);
      expect(open.unban(account2)).toBe(true);
      expect(await open.connect(account2)).toBe(true);
    });
  });

  it("sends to online, unmuted subscribers only, shaped as Evennia's, and stores the message", async () => {
    const { account1, account2, char1, session1, session2 } = w.world;
    await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Chat" });
      await chan.connect(account1);
      await chan.connect(account2);
    });
    w.world.clearOutput();
    await w.world.unit(async () => (await findChannel("chat"))!.msg("hello all", { senders: [char1] }));
    expect(w.world.text(session1)).toBe("[Chat] Char: hello all");
    expect(w.world.text(session2)).toBe("[Chat] Char: hello all");
    const [text, gmcp] = w.world.output(session2);
    expect(text).toEqual(["text", ["[Chat] Char: hello all"], expect.objectContaining({ type: "channel", channel: "Chat" })]);
    expect(gmcp).toEqual(["comm_channel_text", [], { channel: "Chat", talker: "Char", text: "[Chat] Char: hello all" }]);
    expect(cmdnameToGmcp(gmcp![0])).toBe("Comm.Channel.Text"); // what GMCP clients receive

    w.world.clearOutput();
    await w.world.unit(async () => {
      const chan = (await findChannel("chat"))!;
      await chan.mute(account2);
      await chan.msg(":waves", { senders: [char1] });
    });
    expect(w.world.text(session1)).toBe("[Chat] Char waves");
    expect(w.world.text(session2)).toBe("");

    w.world.clearOutput();
    await w.world.unit(async () => (await findChannel("chat"))!.msg("Server going down", { bypassMute: true, emit: true }));
    expect(w.world.text(session2)).toBe("[Chat] Server going down");

    const history = await afterRestart(async () => (await findChannel("chat"))!.history(10));
    expect(history.map((m) => m.text)).toEqual(["hello all", ":waves", "Server going down"]);
    expect(history[0]!.senders).toEqual([{ kind: "object", id: char1.id, name: "Char" }]);
    expect(history[2]!.header).toBe("emit");
  });

  it("history pages back from the newest, and survives deleting the sender", async () => {
    await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Log" });
      for (let i = 1; i <= 25; i++) await chan.msg(`line ${i}`, { externalSender: "bot" });
    });
    const chan = (await findChannel("log"))!;
    expect((await chan.history(5)).map((m) => m.text)).toEqual(["line 21", "line 22", "line 23", "line 24", "line 25"]);
    expect((await chan.history(5, 20)).map((m) => m.text)).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5"]);
    expect((await chan.history(5))[0]!.senders).toEqual([{ kind: "external", id: 0, name: "bot" }]);
    expect(await chan.history(-3)).toEqual([]);
  });

  it("a hook that throws for one receiver does not stop the others", async () => {
    const { account1, account2, session2 } = w.world;
    await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Sturdy" });
      await chan.connect(account1);
      await chan.connect(account2);
    });
    const broken = account1 as unknown as { channelMsg: () => void };
    broken.channelMsg = () => {
      throw new Error("receiver broke");
    };
    try {
      w.world.clearOutput();
      await w.world.unit(async () => (await findChannel("sturdy"))!.msg("still here", { externalSender: "x" }));
      expect(w.world.text(session2)).toBe("[Sturdy] x: still here");
    } finally {
      delete (account1 as unknown as { channelMsg?: unknown }).channelMsg;
    }
  });

  it("deleting a channel removes its subscriptions and history", async () => {
    const id = await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Doomed" });
      await chan.connect(w.world.account1);
      await chan.msg("bye", { externalSender: "x" });
      return chan.id;
    });
    const count = async (sql: string) => Number((await w.world.fixture.db.query<{ n: number | string }>(sql, [id]))[0]!.n);
    expect(await count("SELECT COUNT(*) AS n FROM channel_subscriptions WHERE channel_id = ?")).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM messages WHERE channel_id = ?")).toBe(1);
    await w.world.unit(async () => (await findChannel("doomed"))!.delete());
    expect(await findChannel("doomed")).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM channel_subscriptions WHERE channel_id = ?")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM messages WHERE channel_id = ?")).toBe(0);
    expect((await subscribedChannels(w.world.account1)).map((c) => c.key)).not.toContain("Doomed");
  });

  it("deleting a subscriber (account or object) removes its subscriptions, loaded or not; a failed unit keeps them", async () => {
    const { account1, account2, obj1 } = w.world;
    const id = await w.world.unit(async () => {
      const chan = await createChannel(undefined, { key: "Leavers" });
      await chan.connect(account1);
      await chan.connect(account2);
      await chan.connect(obj1);
      return chan.id;
    });
    const count = async () => Number((await w.world.fixture.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM channel_subscriptions WHERE channel_id = ?", [id]))[0]!.n);
    expect(await count()).toBe(3);
    // a unit that fails after the delete leaves every subscription where it was
    await expect(
      w.world.unit(async () => {
        await account2.delete();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // (the account itself is back too: the store undoes its delete)
    const chan = (await findChannel("leavers"))!;
    expect(chan.subscriptions.has(account2)).toBe(true);
    expect(await count()).toBe(3);
    await w.world.unit(async () => {
      await account2.delete();
      await obj1.delete();
    });
    expect(chan.subscriptions.has(account2)).toBe(false);
    expect(chan.subscriptions.has(obj1)).toBe(false);
    expect(chan.subscriptions.count).toBe(1);
    expect(await count()).toBe(1);
    // after a restart (nothing loaded but what the table holds) only account1 is there
    expect(await afterRestart(async () => (await findChannel("leavers"))!.subscriptions.all().then((all) => all.map((s) => s.key)))).toEqual([account1.key]);
  });

  it("finds channels by key, alias and prefix, and lists them with unsaved ones", async () => {
    await w.world.unit(async () => {
      await createChannel(undefined, { key: "Newbies", aliases: ["nb"] });
      await createChannel(undefined, { key: "News" });
      const all = await allChannels();
      const keys = all.map((c) => c.key);
      expect(keys).toContain("Newbies");
      expect(keys).toContain("News"); // created in this unit of work, not committed yet
      expect((await searchChannels("ne")).map((c) => c.key).sort()).toEqual(["News", "Newbies"].sort());
      expect((await searchChannels("NB")).map((c) => c.key)).toEqual(["Newbies"]);
      expect(await findChannel("")).toBeNull();
    });
    expect(await findChannel("nosuch")).toBeNull();
    expect((await findChannel("nb")) instanceof DefaultChannel).toBe(true);
  });

  it("default channels are made once, and new accounts join those that auto-join", async () => {
    const settings = buildSettings(packageRoot, {});
    const made = await w.world.unit(() => ensureDefaultChannels(settings));
    expect(made.map((c) => c.key)).toEqual(["Public", "MudInfo"]);
    expect(await w.world.unit(() => ensureDefaultChannels(settings))).toEqual([]);
    await w.world.unit(async () => {
      await joinDefaultChannels(w.world.account2, settings);
      await joinDefaultChannels(w.world.account1, settings, { superuser: true });
    });
    const pub = (await findChannel("pub"))!;
    const info = (await findChannel("mudinfo"))!;
    expect(pub.subscriptions.has(w.world.account2)).toBe(true);
    expect(info.subscriptions.has(w.world.account2)).toBe(false);
    expect(info.subscriptions.has(w.world.account1)).toBe(true);
    expect(info.access(w.world.account1, "send")).toBe(false);
  });

  it("MudInfo hears an account log in and out", async () => {
    const settings = buildSettings(packageRoot, {});
    await w.world.unit(async () => {
      await ensureDefaultChannels(settings);
      await (await findChannel("mudinfo"))!.connect(w.world.account1);
    });
    w.world.clearOutput();
    await w.world.unit(() => w.world.sessions.disconnect(w.world.session2, "bye"));
    expect(w.world.text(w.world.session1)).toMatch(/^\[MudInfo\] \[\d{4}-\d\d-\d\d\(\d\d:\d\d\)\]: TestAccount2 disconnected \(bye\)$/m);
  });

  it("stores pages with parties, and keeps them pending for an offline receiver until taken", async () => {
    const { account1, account2 } = w.world;
    await w.world.unit(async () => {
      storeMessage({ category: "page", text: "psst", senders: [account1], receivers: [account2], pendingFor: [account2] });
      storeMessage({ category: "page", text: "reply", senders: [account2], receivers: [account1] });
      storeMessage({ category: "other", text: "not a page", senders: [account1], receivers: [account2] });
    });
    expect((await messagesOf(w.world.fixture.db, account1, "page", 10)).map((m) => m.text)).toEqual(["psst", "reply"]);
    const pending = await w.world.unit(() => takePending(w.world.fixture.db, account2, "page"));
    expect(pending.map((m) => m.text)).toEqual(["psst"]);
    expect(await w.world.unit(() => takePending(w.world.fixture.db, account2, "page"))).toEqual([]);
    expect(await w.world.unit(() => takePending(w.world.fixture.db, account1, "page"))).toEqual([]);
  });
});
