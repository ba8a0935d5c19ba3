/**
 * The website's news page (`/news/`): the database help entries of category
 * `news` the visitor may read, newest first, ten to a page. A game posts news
 * without code: `sethelp Server moved,news = We moved to...` in game, or a help
 * entry made in the web admin.
 */
import { Router } from "express";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { WebContext } from "../web-context.ts";
import { pageNumber } from "./form-input.ts";
import { minuteText, showNotFound, showPage } from "./page.ts";
import { newsEntries, NEWS_CATEGORY } from "./web-help-topics.ts";

/** News items on one page. */
export const NEWS_PAGE_SIZE = 10;

/** `/news/`. */
export function newsRoutes(ctx: WebContext): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const page = pageNumber(req);
    const entries = await ctx.services.runInUnit(() => newsEntries(ctx.services, ctx.account(req)));
    const pages = Math.max(1, Math.ceil(entries.length / NEWS_PAGE_SIZE));
    if (page > pages) return showNotFound(ctx, req, res, "There is no such page of news.");
    const items = entries.slice((page - 1) * NEWS_PAGE_SIZE, page * NEWS_PAGE_SIZE).map((e) => ({
      title: e.key,
      date: minuteText(e.dateCreated),
      text: stripMarkup(e.text),
      url: `/help/${NEWS_CATEGORY}/${encodeURIComponent(e.key.toLowerCase())}/`,
    }));
    await showPage(ctx, req, res, "news", {
      items,
      page,
      pages,
      newerUrl: page > 1 ? `/news/?page=${page - 1}` : null,
      olderUrl: page < pages ? `/news/?page=${page + 1}` : null,
    });
  });

  return router;
}
