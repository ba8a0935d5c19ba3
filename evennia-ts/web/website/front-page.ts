/**
 * The website's front page (`/`): the game's name, who is online, how big the
 * world is (accounts, characters, rooms, exits, other objects), the newest
 * accounts, and the way in (the webclient at `/webclient`).
 */
import { Router } from "express";
import type { WebContext } from "../web-context.ts";
import { gameStatistics, recentAccounts } from "./game-statistics.ts";
import { minuteText, showPage } from "./page.ts";

/** Newest accounts the front page lists. */
export const RECENT_ACCOUNTS_SHOWN = 5;

/** `/`. */
export function frontPageRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get("/", async (req, res) => {
    const online = [...new Set(services.sessions().map((s) => s.account).filter((a): a is string => a !== null))].sort((a, b) => a.localeCompare(b));
    const [statistics, recent] = await Promise.all([gameStatistics(services.db), recentAccounts(services.db, RECENT_ACCOUNTS_SHOWN)]);
    await showPage(ctx, req, res, "index", {
      gameName: services.settings.serverName,
      online,
      statistics,
      recent: recent.map((a) => ({ name: a.name, created: minuteText(a.createdAt) })),
      webclientUrl: "/webclient",
    });
  });

  return router;
}
