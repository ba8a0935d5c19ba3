/**
 * The router of the web admin, mounted at `/admin`.
 * (Placeholder until that part is built: an empty router.)
 */
import { Router } from "express";
import type { WebContext } from "../web-context.ts";

/** The router of the web admin, mounted at `/admin`. */
export function adminRoutes(_ctx: WebContext): Router {
  return Router();
}
