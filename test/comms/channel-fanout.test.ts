/**
 * A channel message to N online subscribers costs O(N), not O(N × sessions): each
 * receiver's sessions come from the session handler's index by account, never from
 * a walk over every session (at 1,000 clients the walk made `channel Public = ...`
 * block the server for seconds). Counted, not timed. On both databases.
 */
import { expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { channelCrowd } from "./channel-crowd.ts";
import { channelCmdSetFor, setPersonalChannelAliases } from "../../evennia-ts/commands/channel-cmdset.ts";

describeWithWorld("channel fan-out", (w) => {
  /** Log `n` new accounts in, each on its own session, and subscribe them to a new channel. */
  const crowd = (n: number) => channelCrowd(w.world, n, `Crowd${n}`);

  /** Send one message on `channel`, counting how often every session is listed. */
  async function countWalks(channel: Awaited<ReturnType<typeof crowd>>["channel"]): Promise<number> {
    const handler = w.world.sessions;
    const realAll = handler.all.bind(handler);
    let walks = 0;
    handler.all = () => {
      walks++;
      return realAll();
    };
    try {
      w.world.clearOutput();
      await w.world.unit(() => channel.msg("hello all", { senders: [w.world.account1] }));
    } finally {
      handler.all = realAll;
    }
    return walks;
  }

  it("reaches every subscriber once without walking every session per subscriber", async () => {
    const small = await crowd(10);
    const big = await crowd(40);
    const walksSmall = await countWalks(small.channel);
    for (const { session } of small.members) expect(w.world.text(session)).toBe("[Crowd10] TestAccount: hello all");
    const walksBig = await countWalks(big.channel);
    for (const { session } of big.members) expect(w.world.text(session)).toBe("[Crowd40] TestAccount: hello all");
    // before: two walks of all sessions per subscriber (isOnline, then msg): 20 and 80
    expect(walksSmall).toBeLessThanOrEqual(1);
    expect(walksBig).toBe(walksSmall);
  });

  it("formats a message once and sends every default receiver the same output (not one built per receiver)", async () => {
    const { channel, members } = await crowd(5);
    await countWalks(channel);
    const first = w.world.output(members[0]!.session);
    expect(first).toHaveLength(2); // text, and GMCP Comm.Channel.Text
    for (const { session } of members) {
      const out = w.world.output(session);
      expect(out[0]).toBe(first[0]);
      expect(out[1]).toBe(first[1]);
    }
  });

  it("gives subscribers to the same channels one channel cmdset; a personal alias or a rename makes another", async () => {
    const { channel, members } = await crowd(4);
    const [a, b, c] = members.map((m) => m.account);
    const shared = channelCmdSetFor(a!)!;
    expect(channelCmdSetFor(b!)).toBe(shared);
    expect(channelCmdSetFor(c!)).toBe(shared);
    const talk = shared.get("crowd4")!;
    expect(talk.aliases).toEqual([]);
    await w.world.unit(async () => setPersonalChannelAliases(c!, { cr: channel.id }));
    const own = channelCmdSetFor(c!)!;
    expect(own).not.toBe(shared);
    expect(own.get("cr")?.key).toBe("crowd4");
    expect(shared.get("cr")).toBeUndefined();
    expect(channelCmdSetFor(a!)).toBe(shared);
    await w.world.unit(async () => {
      channel.key = "Crowd4b";
    });
    const renamed = channelCmdSetFor(a!)!;
    expect(renamed).not.toBe(shared);
    expect(channelCmdSetFor(b!)).toBe(renamed);
    expect(renamed.get("crowd4b")).toBeDefined();
    expect(channelCmdSetFor(c!)!.get("cr")?.key).toBe("crowd4b");
  });

  it("follows logins and logouts: a logged-out subscriber hears nothing, a second session hears too", async () => {
    const { channel, members } = await crowd(3);
    const [a, b] = members;
    const extra = w.world.connectSession();
    await w.world.unit(async () => {
      await w.world.sessions.disconnect(a!.session);
      await w.world.sessions.login(extra, b!.account);
    });
    expect(a!.account.isConnected).toBe(false);
    expect(b!.account.isConnected).toBe(true);
    expect(b!.account.sessions).toHaveLength(w.world.settings.multisessionMode === 0 ? 1 : 2);
    await countWalks(channel);
    expect(w.world.text(a!.session)).toBe("");
    expect(w.world.text(extra)).toBe("[Crowd3] TestAccount: hello all");
    // the account's last session gone: not connected (isConnected asks without making a list)
    await w.world.unit(async () => {
      for (const s of b!.account.sessions) await w.world.sessions.disconnect(s as never);
    });
    expect(b!.account.sessions).toHaveLength(0);
    expect(b!.account.isConnected).toBe(false);
  });
});
