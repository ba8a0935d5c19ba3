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
  "loginThrottleCheck" | "loginFailed" | "loginSucceeded" | "loginAttemptEnded" | "accountCreationCheck" | "accountCreationAborted" | "throttles"
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

/**
 * {@link checkLoginThrottle} for a session's attempt, which then counts as in flight
 * (`LoginThrottle.admit`) until its verdict: the check and the counting happen in one
 * step, so sessions of one address racing their passwords in are counted as they go.
 */
export async function admitLoginAttempt(throttle: LoginThrottle, holder: object, ip: string, name: string): Promise<string | null> {
  const { refused, delayMs } = throttle.admit(holder, ip, name);
  if (refused || delayMs <= 0) return refused;
  await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
  // waited once: a delay grown meanwhile does not make it wait again
  return throttle.admit(holder, ip, name, Date.now(), true).refused;
}

/** The services commands use to consult and feed the throttles. */
export function throttleServices(throttle: LoginThrottle, creation: AccountCreationThrottle): ThrottleServices {
  return {
    loginThrottleCheck: (session, name) => admitLoginAttempt(throttle, session, session.address, name),
    loginFailed: (session, name) => throttle.failed(session.address, name, Date.now(), session),
    loginSucceeded: (session, name) => throttle.succeeded(session.address, name, session),
    loginAttemptEnded: (session) => throttle.release(session),
    accountCreationCheck: (session) => creation.reserve(session.address),
    accountCreationAborted: (session) => creation.abort(session.address),
    throttles: serverThrottleAdmin(throttle, creation),
  };
}
