/**
 * The API's CSRF rule: a change (POST, PUT, PATCH, DELETE) made with the website's
 * login cookie must show it comes from the site. The framework's API routes and a
 * game's own (`apiRoutes` in `web/urls.ts`) are behind it.
 */
import type { NextFunction, Request, Response } from "express";
import type { WebContext } from "../web-context.ts";
import { ApiError, sendApiError } from "./api-error.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Changes made with the website session (no `Authorization` header) must prove
 * they come from the site: an `Origin` header naming this host, else the CSRF
 * token (`ctx.csrf`, header `x-csrf-token`). HTTP Basic requests need neither,
 * unless a page of another site sent them: a browser that answered the API's Basic
 * prompt keeps those credentials and adds them to every request to this host, a
 * form another site posts included. Such a change is refused: the browser says so
 * with `Sec-Fetch-Site: cross-site` (or `same-site`: another port or subdomain), or
 * with `Origin: null` (a page hiding where it is). API clients send neither.
 */
export function sessionChangeGuard(ctx: WebContext): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (!UNSAFE.has(req.method) || !ctx.account(req)) {
      next();
      return;
    }
    const origin = req.get("origin");
    if (/^basic\s/i.test(req.get("authorization") ?? "")) {
      // the browser's remembered Basic login rides along on another site's form post: refuse what a page elsewhere sent
      const fetchSite = req.get("sec-fetch-site");
      if (fetchSite === "cross-site" || fetchSite === "same-site" || origin === "null") {
        sendApiError(res, new ApiError(403, "forbidden", "a change with HTTP Basic credentials sent by a page of another site is refused"));
      } else next();
      return;
    }
    if (origin !== undefined && origin !== "null") {
      // req.host: the Host header, or X-Forwarded-Host from the portal's proxy (trusted on loopback only)
      const host = req.host;
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (originHost !== null && originHost === host) {
        next();
        return;
      }
      sendApiError(res, new ApiError(403, "forbidden", "a change with the website session must come from this site (cross-site Origin)"));
      return;
    }
    ctx.csrf(req, res, (err?: unknown) => {
      if (err) sendApiError(res, new ApiError(403, "forbidden", "a change with the website session needs the CSRF token (header x-csrf-token) or a same-origin Origin header"));
      else next();
    });
  };
}

