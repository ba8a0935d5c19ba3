/**
 * The server's throttles as admins see them (the `throttles` command): login
 * throttles and the account-creation throttle, listed together and cleared by
 * address or account name.
 */
import type { ThrottleAdmin, ThrottleRow } from "../commands/command.ts";
import type { AccountCreationThrottle } from "./account-creation-throttle.ts";
import type { LoginThrottle } from "./login-throttle.ts";

/** A {@link ThrottleAdmin} over the login and creation throttles. */
export function serverThrottleAdmin(login: LoginThrottle, creation: AccountCreationThrottle): ThrottleAdmin {
  return {
    list: (): ThrottleRow[] => [
      ...login.list().map((e) => ({ kind: e.kind, key: e.key, count: e.failures, effect: e.effect, secondsLeft: e.secondsLeft })),
      ...creation.list().map((e) => ({ kind: "creation", key: e.key, count: e.created, effect: e.full ? "refused" : "counting", secondsLeft: e.secondsLeft })),
    ],
    clear: (target?: string): number => login.clear(target) + creation.clear(target),
  };
}
