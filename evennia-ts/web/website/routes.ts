/**
 * The website (mounted at `/`): front page, account pages, characters, channels,
 * help and news. Each page renders a template under `templates/website/`, which a
 * game overrides by putting its own at the same path in its `web/templates/`.
 * Every form posts with the CSRF token (the web app checks it on every POST to
 * this router, and parses the form bodies); output is escaped by the templates.
 */
import { Router } from "express";
import type { WebContext } from "../web-context.ts";
import { authRoutes } from "./auth-pages.ts";
import { channelRoutes } from "./channel-pages.ts";
import { characterRoutes } from "./character-pages.ts";
import { frontPageRoutes } from "./front-page.ts";
import { helpRoutes } from "./help-pages.ts";
import { newsRoutes } from "./news-page.ts";

/** The website's pages, as one router for the web app to mount at `/`. */
export function websiteRoutes(ctx: WebContext): Router {
  const router = Router();
  router.use(frontPageRoutes(ctx));
  router.use("/auth", authRoutes(ctx));
  router.use("/characters", characterRoutes(ctx));
  router.use("/channels", channelRoutes(ctx));
  router.use("/help", helpRoutes(ctx));
  router.use("/news", newsRoutes(ctx));
  return router;
}
