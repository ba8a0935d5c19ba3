/**
 * The login and account-creation throttles as commands reach them (`CommandServices`):
 * one place that builds them from the settings and wires them, for the server and
 * the test fixtures alike. The policy itself is in `login-throttle.ts` and
 * `account-creation-throttle.ts` (see docs/security.md).
 */
import type { Settings } from "../conf/settings.ts";
import type { CommandServices } from "../commands/command.ts";
import { AccountCreationThrottle } from "./account-creation-throttle.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { serverThrottleAdmin } from "./throttle-admin.ts";

/** The throttle part of {@link CommandServices}. */
export type ThrottleServices = Pick<
  CommandServices,
  "loginThrottleCheck" | "loginFailed" | "loginSucceeded" | "accountCreationCheck" | "accountCreationAborted" | "throttles"
>;

/** A login throttle and an account-creation throttle configured by `settings`. */
export function createThrottles(settings: Settings): { login: LoginThrottle; creation: AccountCreationThrottle } {
  return {
    login: new LoginThrottle({
      perIp: settings.loginAttemptsPerIp,
      perAccountPerIp: settings.loginAttemptsPerAccount,
      accountDelayAfter: settings.loginAccountDelayAfter,
      delayMaxSeconds: settings.loginDelayMax,
      windowSeconds: settings.loginThrottleWindow,
    }),
    creation: new AccountCreationThrottle({ perIp: settings.accountCreationsPerIp, windowSeconds: settings.accountCreationWindow }),
  };
}

/**
 * Null when `ip` may try to log in as `name` now, else why not. A much-attacked
 * account delays every attempt (growing, capped) instead of refusing it. Shared by
 * the `connect` command and the web app's logins.
 */
export async function checkLoginThrottle(throttle: LoginThrottle, ip: string, name: string): Promise<string | null> {
  const { refused, delayMs } = throttle.check(ip, name);
  if (refused || delayMs <= 0) return refused;
  await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
  return throttle.check(ip, name).refused;
}

/** The services commands use to consult and feed the throttles. */
export function throttleServices(throttle: LoginThrottle, creation: AccountCreationThrottle): ThrottleServices {
  return {
    loginThrottleCheck: (session, name) => checkLoginThrottle(throttle, session.address, name),
    loginFailed: (session, name) => throttle.failed(session.address, name),
    loginSucceeded: (session, name) => throttle.succeeded(session.address, name),
    accountCreationCheck: (session) => creation.reserve(session.address),
    accountCreationAborted: (session) => creation.abort(session.address),
    throttles: serverThrottleAdmin(throttle, creation),
  };
}
