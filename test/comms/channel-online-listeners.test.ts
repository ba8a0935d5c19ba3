/**
 * A channel keeps its list of online subscribers between lines (a line to 1,000
 * subscribers does not look each one up and ask whether it is online), and the list
 * follows every change that decides who hears: logins, logouts, closed connections,
 * puppeting, subscribing, muting, deletions, units of work that fail, and classes that
 * decide their presence their own way. Each case sends a line first, so that the list
 * is kept, then changes one thing and sends another. On both databases.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { expect, it } from "vitest";
import type { ServerSession } from "../../evennia-ts/server/server-session.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { createAccount, DefaultAccount, type DefaultChannel } from "../../evennia-ts/typeclasses/index.ts";
import { channelCrowd, type CrowdMember } from "./channel-crowd.ts";
import type { ChannelMsgOptions } from "../../evennia-ts/typeclasses/channels.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";

/** An account that says it is connected whenever its `awake` attribute is set, sessions or not (a bot). */
class AwakeBot extends DefaultAccount {
  /** Lines this bot heard, on any instance of it. */
  static heard: string[] = [];
  override get isConnected(): boolean {
    return this.db.awake === true;
  }
  override channelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void {
    AwakeBot.heard.push(`${this.key}: ${message}`);
    super.channelMsg(message, channel, options);
  }
}

registerTypeclass("test.channels.AwakeBot", AwakeBot);

/** An account that notes each line its channel hook is given (its presence is the framework's). */
class NotingAccount extends DefaultAccount {
  static heard: string[] = [];
  override channelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void {
    NotingAccount.heard.push(`${this.key}: ${message}`);
    super.channelMsg(message, channel, options);
  }
}
registerTypeclass("test.channels.NotingAccount", NotingAccount);

describeWithWorld("a channel's online subscribers, kept between lines", (w) => {
  type Member = CrowdMember;

  /** A channel with `n` new accounts, each logged in on its own session and subscribed. */
  const crowd = (n: number, key = "Crowd") => channelCrowd(w.world, n, key);

  /** Send `text` on `channel` (from account1) after clearing everyone's output. */
  async function say(channel: DefaultChannel, text: string, options: ChannelMsgOptions = {}): Promise<void> {
    w.world.clearOutput();
    AwakeBot.heard = [];
    NotingAccount.heard = [];
    await w.world.unit(() => channel.msg(text, { senders: [w.world.account1], ...options }));
  }

  function heard(session: ServerSession, text: string): boolean {
    return w.world.text(session).includes(text);
  }

  it("asks who is online once, not for every line, while nothing changes", async () => {
    const { channel, members } = await crowd(20);
    const handler = w.world.sessions;
    const realIsLoggedIn = handler.isLoggedIn.bind(handler);
    let asked = 0;
    handler.isLoggedIn = (account) => {
      asked++;
      return realIsLoggedIn(account);
    };
    try {
      await say(channel, "first");
      const afterFirst = asked;
      expect(afterFirst).toBeGreaterThanOrEqual(20);
      await say(channel, "second");
      await say(channel, "third");
      // before: each line asked it of every subscriber again (20 more a line)
      expect(asked).toBe(afterFirst);
    } finally {
      handler.isLoggedIn = realIsLoggedIn;
    }
    for (const { session } of members) expect(heard(session, "[Crowd] TestAccount: third")).toBe(true);
  });

  it("reaches a subscriber who logs in after the list was made, and not one who logged out or whose connection closed", async () => {
    const { channel, members } = await crowd(4);
    const [stays, leaves, drops, returns] = members as [Member, Member, Member, Member];
    await w.world.unit(() => w.world.sessions.disconnect(returns.session));
    // connected before the line, logged in after it: only the login changes
    const back = w.world.connectSession();
    await say(channel, "before");
    expect(heard(back, "before")).toBe(false);

    await w.world.unit(() => w.world.sessions.login(back, returns.account));
    await say(channel, "logged in");
    expect(heard(back, "logged in")).toBe(true);

    await w.world.unit(() => w.world.sessions.disconnect(leaves.session));
    await say(channel, "logged out");
    expect(heard(leaves.session, "logged out")).toBe(false);
    expect(heard(back, "logged out")).toBe(true);

    await w.world.sessions.closed(drops.session.sessid, "connection lost");
    await say(channel, "closed");
    expect(heard(drops.session, "closed")).toBe(false);
    expect(heard(stays.session, "closed")).toBe(true);
  });

  it("does not give the hooks of a subscriber who logged out, or whose connection closed, a line", async () => {
    const { channel } = await crowd(1, "Hooks");
    const notes = await w.world.unit(async () => {
      const made = [];
      for (const name of ["quitter", "dropper"]) {
        const account = await createAccount(NotingAccount, { username: name, password: "secret123" });
        const session = w.world.connectSession();
        await w.world.sessions.login(session, account);
        await channel.connect(account);
        made.push(session);
      }
      return made;
    });
    await say(channel, "both");
    expect(NotingAccount.heard.sort()).toEqual(["dropper: [Hooks] TestAccount: both", "quitter: [Hooks] TestAccount: both"]);
    await w.world.unit(() => w.world.sessions.disconnect(notes[0]!));
    await say(channel, "one");
    expect(NotingAccount.heard).toEqual(["dropper: [Hooks] TestAccount: one"]);
    await w.world.sessions.closed(notes[1]!.sessid, "connection lost");
    await say(channel, "none");
    expect(NotingAccount.heard).toEqual([]);
  });

  it("forgets what a failed unit of work changed even when a line went out inside it", async () => {
    const { channel, members } = await crowd(2, "Inside");
    const [staying, loggedOut] = members as [Member, Member];
    await w.world.unit(() => w.world.sessions.disconnect(loggedOut.session));
    const lateSession = w.world.connectSession();
    await say(channel, "first");
    await expect(
      w.world.unit(async () => {
        await w.world.sessions.login(lateSession, loggedOut.account);
        await w.world.sessions.disconnect(staying.session);
        await channel.msg("inside", { senders: [w.world.account1] });
        throw new Error("the unit fails");
      }),
    ).rejects.toThrow("the unit fails");
    await say(channel, "after");
    expect(heard(lateSession, "after")).toBe(false);
    expect(heard(staying.session, "after")).toBe(true);
  });

  it("follows subscribing, leaving, muting and unmuting; an alert reaches the muted", async () => {
    const { channel, members } = await crowd(3);
    const [joiner, leaver, muter] = members as [Member, Member, Member];
    await w.world.unit(() => channel.disconnect(joiner.account));
    await say(channel, "one");
    expect(heard(joiner.session, "one")).toBe(false);

    await w.world.unit(async () => {
      await channel.connect(joiner.account);
      await channel.disconnect(leaver.account);
    });
    await say(channel, "two");
    expect(heard(joiner.session, "two")).toBe(true);
    expect(heard(leaver.session, "two")).toBe(false);

    await w.world.unit(() => channel.mute(muter.account));
    await say(channel, "muted");
    expect(heard(muter.session, "muted")).toBe(false);
    expect(heard(joiner.session, "muted")).toBe(true);

    await say(channel, "alert", { bypassMute: true });
    expect(heard(muter.session, "alert")).toBe(true);

    await w.world.unit(() => channel.unmute(muter.account));
    await say(channel, "three");
    expect(heard(muter.session, "three")).toBe(true);
  });

  it("follows units of work that fail: a login undone is not online, a logout undone still is, a subscription undone is gone", async () => {
    const { channel, members } = await crowd(2);
    const [staying, loggedOut] = members as [Member, Member];
    await w.world.unit(() => w.world.sessions.disconnect(loggedOut.session));
    const newcomer = await w.world.unit(() => createAccount(undefined, { username: "newcomer", password: "secret123" }));
    const newSession = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.login(newSession, newcomer));
    const lateSession = w.world.connectSession();
    const failing = async (fn: () => Promise<unknown>) => {
      await expect(
        w.world.unit(async () => {
          await fn();
          throw new Error("the unit fails");
        }),
      ).rejects.toThrow("the unit fails");
    };

    await say(channel, "first");
    await failing(() => w.world.sessions.login(lateSession, loggedOut.account));
    await say(channel, "login undone");
    expect(heard(lateSession, "login undone")).toBe(false);

    await failing(() => w.world.sessions.disconnect(staying.session));
    await say(channel, "logout undone");
    expect(heard(staying.session, "logout undone")).toBe(true);

    await failing(() => channel.connect(newcomer));
    await say(channel, "subscription undone");
    expect(heard(newSession, "subscription undone")).toBe(false);
  });

  it("reaches a character subscriber while it is puppeted, and not after", async () => {
    const { channel } = await crowd(1, "Ic");
    const { char1, account1, session1 } = w.world;
    await w.world.unit(() => channel.connect(char1));
    await say(channel, "puppeted");
    expect(heard(session1, "[Ic] TestAccount: puppeted")).toBe(true);
    // account1 is not subscribed: what session1 hears now comes through the character only
    await w.world.unit(() => account1.unpuppetObject(session1));
    await say(channel, "unpuppeted");
    expect(heard(session1, "unpuppeted")).toBe(false);
    await w.world.unit(() => account1.puppetObject(session1, char1));
    await say(channel, "again");
    expect(heard(session1, "again")).toBe(true);
  });

  it("leaves out a subscriber deleted since the last line", async () => {
    const { channel, members } = await crowd(2);
    const [kept, deleted] = members as [Member, Member];
    await say(channel, "first");
    await w.world.unit(() => deleted.account.delete());
    await say(channel, "second");
    expect(heard(kept.session, "second")).toBe(true);
    expect(heard(deleted.session, "second")).toBe(false);
  });

  it("asks a class that decides its presence its own way on every line", async () => {
    const { channel } = await crowd(1, "Bots");
    const bot = await w.world.unit(async () => {
      const made = await createAccount(AwakeBot, { username: "awakebot", password: "secret123" });
      await channel.connect(made);
      return made;
    });
    await say(channel, "asleep");
    expect(AwakeBot.heard).toEqual([]);
    await w.world.unit(() => {
      bot.db.awake = true;
    });
    await say(channel, "awake");
    expect(AwakeBot.heard).toEqual(["awakebot: [Bots] TestAccount: awake"]);
  });

  it("asks on every line an object that was given its own isConnected", async () => {
    const { channel } = await crowd(1, "Own");
    let awake = false;
    const bot = await w.world.unit(async () => {
      const made = await createAccount(NotingAccount, { username: "ownbot", password: "secret123" });
      Object.defineProperty(made, "isConnected", { get: () => awake, configurable: true });
      await channel.connect(made);
      return made;
    });
    await say(channel, "asleep");
    expect(NotingAccount.heard).toEqual([]);
    awake = true;
    await say(channel, "awake");
    expect(NotingAccount.heard).toEqual([`${bot.key}: [Own] TestAccount: awake`]);
  });

  it("asks again when a subscriber changes its class", async () => {
    const { channel, members } = await crowd(2, "Swap");
    const [plain, swapped] = members as [Member, Member];
    await say(channel, "before");
    expect(heard(swapped.session, "before")).toBe(true);
    // logged in still, but now of a class that is online only while awake
    await w.world.unit(() => swapped.account.swapTypeclass("test.channels.AwakeBot"));
    await say(channel, "after");
    expect(heard(plain.session, "after")).toBe(true);
    expect(heard(swapped.session, "after")).toBe(false);
    expect(AwakeBot.heard).toEqual([]);
  });

  it("asks again when a subscriber that was not in memory comes back into it", async () => {
    const { channel } = await crowd(1, "Recall");
    let botId = 0;
    await w.world.unit(async () => {
      const made = await createAccount(AwakeBot, { username: "sleeper", password: "secret123" });
      made.db.awake = true;
      await channel.connect(made);
      botId = made.id;
    });
    // the bot leaves memory: nothing holds it once the store's warm list lets go of it (a
    // WeakRef read keeps its target until the current job ends, so collect in a job of its own)
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
    w.world.store.flush();
    for (let i = 0; i < 3; i++) {
      await tick();
      gc();
    }
    await tick();
    expect(w.world.store.peek({ kind: "account", id: botId })).toBeNull();
    await say(channel, "gone");
    expect(AwakeBot.heard).toEqual([]);
    // loaded again (someone looks it up): it is in memory, and says it is connected
    await w.world.unit(() => w.world.store.get("account", botId));
    await say(channel, "back");
    expect(AwakeBot.heard).toEqual(["sleeper: [Recall] TestAccount: back"]);
  });
});
