/**
 * Web logins raced from one address: each admitted attempt counts against the address
 * until its password is judged, as telnet's `connect` does, so ten Basic logins sent at
 * once get no more password checks than the address is allowed.
 */
import { expect, it } from "vitest";
import { LoginThrottle } from "../../evennia-ts/server/login-throttle.ts";
import { AccountCreationThrottle } from "../../evennia-ts/server/account-creation-throttle.ts";
import { webThrottles } from "../../evennia-ts/server/web-services.ts";
import { checkBasicLogin } from "../../evennia-ts/web/basic-auth.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";

/** The parts of the web services a Basic login uses: the real throttles, no bans. */
function loginServices(perIp: number, banned: (name?: string) => boolean = () => false): WebServices {
  const loginThrottle = new LoginThrottle({ perIp, perAccountPerIp: 0, accountDelayAfter: 0, delayMaxSeconds: 0, windowSeconds: 600 });
  const throttles = webThrottles({ loginThrottle, creationThrottle: new AccountCreationThrottle({ perIp: 0, windowSeconds: 600 }), throttleAdmin: null as never });
  return { throttles, bans: { isBanned: async ({ username }: { username?: string }) => banned(username) } } as unknown as WebServices;
}

describeWithWorld("web logins raced from one address", (w) => {
  it("ten Basic logins with wrong passwords sent at once get as many password checks as the address is allowed", async () => {
    const services = loginServices(3);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => w.world.unit(() => checkBasicLogin(services, "10.1.1.1", "TestAccount", `guess${i}`))));
    const statuses = results.map((r) => (r.ok ? 200 : r.status)).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    // another address is not affected
    expect((await w.world.unit(() => checkBasicLogin(services, "10.1.1.2", "TestAccount", "testpassword"))).ok).toBe(true);
  });

  it("an attempt that ends without a verdict (a banned name) gives its place back", async () => {
    const services = loginServices(1, (name) => name === "Banned");
    expect(await w.world.unit(() => checkBasicLogin(services, "10.1.1.3", "Banned", "x"))).toMatchObject({ ok: false, status: 403 });
    expect((await w.world.unit(() => checkBasicLogin(services, "10.1.1.3", "TestAccount", "testpassword"))).ok).toBe(true);
  });
});
