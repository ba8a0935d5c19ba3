/**
 * `CommandServices` that do nothing a test or benchmark looks at: commands run
 * through a real command handler without a server behind it (no login, no portal).
 * `evennia-ts/testing`'s `worldServices` is the one with a server's behaviour.
 */
import type { CommandServices } from "../commands/command.ts";
import { EvenniaError } from "../utils/errors.ts";

/** Services that log nobody in, create nothing, keep no bans and run no services; `disconnect` only tells the session. */
export function testServices(settings: Partial<CommandServices["settings"]> = {}): CommandServices {
  return {
    login: async () => undefined,
    createAccountWithCharacter: async () => {
      throw new EvenniaError("EV_ERR_INTERNAL", "testServices create no accounts");
    },
    disconnect: async (session, reason) => session.msg(reason || "(disconnected)"),
    requestServer: () => undefined,
    loginThrottleCheck: async () => null,
    loginSucceeded: () => undefined,
    accountCreationCheck: () => null,
    accountCreationAborted: () => undefined,
    throttles: { list: () => [], clear: () => 0 },
    loginFailed: () => undefined,
    connectionScreen: () => "Welcome",
    settings: { serverName: "Test", passwordMinLength: 6, baseCharacterTypeclass: "", baseAccountTypeclass: "", ...settings },
    sessions: () => [],
    allSessions: () => [],
    bans: { list: async () => [], add: async () => {
        throw new EvenniaError("EV_ERR_INTERNAL", "testServices keep no bans");
      }, remove: async () => null, isBanned: async () => false },
    server: {
      startedAt: Date.now(),
      firstStartedAt: async () => null,
      commandRate: () => ({ total: 0, perSecond: 0, windowSeconds: 60 }),
      commandLatency: () => ({ samples: 0, p50: 0, p90: 0, p99: 0, max: 0 }),
      listServices: () => [],
      controlService: async (name) => `No service '${name}' (test services run none).`,
    },
    executeAs: async () => undefined,
  };
}
