/**
 * A player's own channel aliases (`channel/alias pub = a;b;c ...`) have no count limit,
 * and each becomes a name of the channel's command. Building the player's channel set
 * compares the commands' names: that must stay linear in them, or a player with a few
 * thousand aliases on two channels blocks the server for every alias they add. Counted
 * (names scanned), not timed. On both databases.
 */
import { expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { createChannel } from "../../evennia-ts/typeclasses/index.ts";
import { channelCmdSetFor, setPersonalChannelAliases } from "../../evennia-ts/commands/channel-cmdset.ts";

/** Elements `Array.prototype.includes` looked at while `fn` ran. */
function scannedByIncludes(fn: () => void): number {
  const real = Array.prototype.includes;
  let scanned = 0;
  Array.prototype.includes = function (this: unknown[], ...args: Parameters<typeof real>) {
    scanned += this.length;
    return real.apply(this, args);
  };
  try {
    fn();
  } finally {
    Array.prototype.includes = real;
  }
  return scanned;
}

describeWithWorld("channel cmdsets, under review", (w) => {
  it("builds the set of a subscriber with thousands of own aliases on two channels in time linear in the names", async () => {
    const account = w.world.account1;
    const perChannel = 3000;
    const [one, two] = await w.world.unit(async () => {
      const a = await createChannel(undefined, { key: "Alpha" });
      const b = await createChannel(undefined, { key: "Beta" });
      await a.connect(account);
      await b.connect(account);
      const own: Record<string, number> = {};
      for (let i = 0; i < perChannel; i++) {
        own[`a${i}`] = a.id;
        own[`b${i}`] = b.id;
      }
      setPersonalChannelAliases(account, own);
      return [a, b];
    });
    let set: ReturnType<typeof channelCmdSetFor> = null;
    const scanned = scannedByIncludes(() => {
      set = channelCmdSetFor(account);
    });
    expect(set!.get("a2999")?.key).toBe(one.key.toLowerCase());
    expect(set!.get("b0")?.key).toBe(two.key.toLowerCase());
    // a scan of one command's names for each name of the other is perChannel² (9 million)
    expect(scanned).toBeLessThan(20 * perChannel);
  });
});
