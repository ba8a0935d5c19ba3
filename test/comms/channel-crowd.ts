/** A crowd on a channel for the channel tests: accounts logged in on their own sessions and subscribed. */
import type { ServerSession } from "../../evennia-ts/server/server-session.ts";
import type { TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { createAccount, createChannel, type DefaultAccount, type DefaultChannel } from "../../evennia-ts/typeclasses/index.ts";

/** One account of a {@link channelCrowd} and its session. */
export interface CrowdMember {
  account: DefaultAccount;
  session: ServerSession;
}

/** A new channel `key` with `n` new accounts (`<key>x0`, `<key>x1` ... lower-case), each logged in on its own session and subscribed. */
export async function channelCrowd(world: TestWorld, n: number, key: string): Promise<{ channel: DefaultChannel; members: CrowdMember[] }> {
  const members: CrowdMember[] = [];
  const channel = await world.unit(async () => {
    const chan = await createChannel(undefined, { key });
    for (let i = 0; i < n; i++) {
      const account = await createAccount(undefined, { username: `${key.toLowerCase()}x${i}`, password: "secret123", permissions: ["Player"] });
      const session = world.connectSession();
      await world.sessions.login(session, account);
      await chan.connect(account);
      members.push({ account, session });
    }
    return chan;
  });
  return { channel, members };
}
