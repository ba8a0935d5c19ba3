/**
 * The router of the REST API, mounted at `/api`.
 * (Placeholder until that part is built: an empty router.)
 */
import { Router } from "express";
import type { WebContext } from "../web-context.ts";

/** The router of the REST API, mounted at `/api`. */
export function apiRoutes(_ctx: WebContext): Router {
  return Router();
}
