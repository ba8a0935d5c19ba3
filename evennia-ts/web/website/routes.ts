/**
 * The router of the website's pages (front page, login, characters, channels, help, news).
 * (Placeholder until that part is built: an empty router.)
 */
import { Router } from "express";
import type { WebContext } from "../web-context.ts";

/** The router of the website's pages (front page, login, characters, channels, help, news). */
export function websiteRoutes(_ctx: WebContext): Router {
  return Router();
}
