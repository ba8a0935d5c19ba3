/**
 * The website's account pages: register (`/auth/register`), log in
 * (`/auth/login`), log out (`/auth/logout`, POST) and change the password
 * (`/auth/password-change`). They follow the in-game `create` and `connect`
 * rules: the account class's name and password checks, bans by address and name,
 * the per-address account-creation throttle, and the login throttle telnet
 * logins count in too (a failure on either counts on both; so does a wrong current
 * password on the password change).
 */
import { Router, type Request, type Response } from "express";
import { BANNED_LOGIN_MESSAGE, REGISTRATION_DISABLED_MESSAGE } from "../../commands/default/unloggedin.ts";
import { accountTypeclass, type DefaultAccount } from "../../typeclasses/accounts.ts";
import { findAccount } from "../../typeclasses/search.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { WebContext } from "../web-context.ts";
import { clientAddress, formField } from "./form-input.ts";
import { safeNextPath, showPage } from "./page.ts";

const log = getLogger("website");

/** Longest account name or password read from a form (the account class has the real rules). */
const MAX_CREDENTIAL_LENGTH = 200;

/** The message of a `EV_ERR_BAD_INPUT` error (markup removed); null for anything else. */
function badInputMessage(caught: unknown): string | null {
  return isEvenniaError(caught, "EV_ERR_BAD_INPUT") ? stripMarkup(caught.message) : null;
}

/** `/auth/*`: register, login, logout, password change. */
export function authRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  const banned = stripMarkup(BANNED_LOGIN_MESSAGE);

  const showRegister = (req: Request, res: Response, data: Record<string, unknown> = {}, status = 200) =>
    showPage(ctx, req, res, "register", { registrationEnabled: services.settings.newAccountRegistrationEnabled, passwordMinLength: services.settings.passwordMinLength, ...data }, status);

  router.get("/register", async (req, res) => {
    if (!services.settings.newAccountRegistrationEnabled) return showRegister(req, res, { error: REGISTRATION_DISABLED_MESSAGE }, 403);
    await showRegister(req, res);
  });

  router.post("/register", async (req, res) => {
    if (!services.settings.newAccountRegistrationEnabled) return showRegister(req, res, { error: REGISTRATION_DISABLED_MESSAGE }, 403);
    const username = formField(req, "username", { maxLength: MAX_CREDENTIAL_LENGTH });
    const password = formField(req, "password", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const again = formField(req, "password2", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const refuse = (error: string, status = 400) => showRegister(req, res, { error, username }, status);
    const cls = accountTypeclass(services.settings.baseAccountTypeclass);
    let name: string;
    try {
      name = cls.validateUsername(username);
      cls.validatePassword(password);
    } catch (err) {
      const message = badInputMessage(err);
      if (message === null) throw err;
      return refuse(message);
    }
    if (password !== again) return refuse("The two passwords do not match.");
    const ip = clientAddress(req);
    if (await services.bans.isBanned({ ip, username: name })) return refuse(banned, 403);
    if (await services.runInUnit(() => findAccount(name))) return refuse(`Sorry, there is already an account with the name '${name}'.`);
    const throttled = services.throttles.accountCreationCheck(ip);
    if (throttled) return refuse(stripMarkup(throttled), 429);
    let account: DefaultAccount;
    try {
      account = await services.createAccount(name, password);
    } catch (err) {
      services.throttles.accountCreationAborted(ip);
      const message = badInputMessage(err);
      if (message === null) throw err;
      return refuse(message);
    }
    // as in game, the account remembers the address it was created from
    await services.runInUnit(async () => {
      account.db.creator_ip = ip;
    });
    log.info(`account "${account.key}" created on the website from ${ip}`);
    await ctx.logIn(req, account);
    ctx.flash(req, `Welcome, ${account.key}! Your account was created and you are logged in.`);
    res.redirect(303, "/characters/");
  });

  router.get("/login", async (req, res) => {
    await showPage(ctx, req, res, "login", { next: safeNextPath(req.query.next, "") });
  });

  router.post("/login", async (req, res) => {
    const username = formField(req, "username", { maxLength: MAX_CREDENTIAL_LENGTH });
    const password = formField(req, "password", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const next = safeNextPath(formField(req, "next"), "");
    const refuse = (error: string, status: number) => showPage(ctx, req, res, "login", { error, username, next }, status);
    if (!username || !password) return refuse("Give your account name and password.", 400);
    const ip = clientAddress(req);
    // counted against the address from now until its password is judged (forms raced in at once included)
    const attempt = {};
    let account: DefaultAccount | null;
    try {
      const throttled = await services.throttles.loginCheck(ip, username, attempt);
      if (throttled) return refuse(stripMarkup(throttled), 429);
      if (await services.bans.isBanned({ ip, username })) return refuse(banned, 403);
      account = await services.runInUnit(() => findAccount(username));
      // a ban names the account, which may have been given by an alias
      if (account && (await services.bans.isBanned({ ip, username: account.key }))) return refuse(banned, 403);
      if (!account || !(await account.checkPassword(password))) {
        services.throttles.loginFailed(ip, username, attempt);
        return refuse("Username and/or password is incorrect.", 400);
      }
      services.throttles.loginSucceeded(ip, username, attempt);
    } finally {
      services.throttles.loginAbandoned(attempt);
    }
    await ctx.logIn(req, account);
    ctx.flash(req, `You are logged in as ${account.key}.`);
    res.redirect(303, next || "/");
  });

  router.post("/logout", async (req, res) => {
    await ctx.logOut(req);
    ctx.flash(req, "You are logged out.");
    res.redirect(303, "/");
  });

  router.get("/password-change", ctx.requireLogin, async (req, res) => {
    await showPage(ctx, req, res, "password-change", { passwordMinLength: services.settings.passwordMinLength });
  });

  router.post("/password-change", ctx.requireLogin, async (req, res) => {
    const account = ctx.account(req)!;
    const old = formField(req, "old_password", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const fresh = formField(req, "new_password", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const again = formField(req, "new_password2", { raw: true, maxLength: MAX_CREDENTIAL_LENGTH });
    const refuse = (error: string, status = 400) => showPage(ctx, req, res, "password-change", { error, passwordMinLength: services.settings.passwordMinLength }, status);
    // guessing the current password here counts as failed logins: a stolen session does not get unlimited tries
    const ip = clientAddress(req);
    const throttled = await services.throttles.loginCheck(ip, account.key);
    if (throttled) return refuse(stripMarkup(throttled), 429);
    if (!(await account.checkPassword(old))) {
      services.throttles.loginFailed(ip, account.key);
      return refuse("Your current password is not correct.");
    }
    try {
      (account.constructor as typeof DefaultAccount).validatePassword(fresh);
    } catch (err) {
      const message = badInputMessage(err);
      if (message === null) throw err;
      return refuse(message);
    }
    if (fresh !== again) return refuse("The two new passwords do not match.");
    await services.runInUnit(() => account.setPassword(fresh));
    ctx.keepLoginAfterPasswordChange(req, account);
    ctx.audit(req, `${account.key} changed their password`);
    ctx.flash(req, "Your password was changed.");
    res.redirect(303, "/characters/");
  });

  return router;
}
