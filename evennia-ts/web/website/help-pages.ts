/**
 * The website's help pages: every topic the visitor may list, by category
 * (`/help/`), one category (`/help/<category>/`) and one topic
 * (`/help/<category>/<topic>/`, 403 when its `read` lock says no). Topics are
 * those of the in-game `help`: commands, database entries and help files.
 */
import { Router } from "express";
import { parseSubtopics, type HelpEntry, type SubtopicTree } from "../../commands/help/help-entries.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { WebContext } from "../web-context.ts";
import { showForbidden, showNotFound, showPage } from "./page.ts";
import { webHelpTopics } from "./web-help-topics.ts";

/** A topic as an index lists it. */
interface TopicLink {
  key: string;
  url: string;
}

/** One category of topics, sorted. */
interface CategoryView {
  name: string;
  url: string;
  topics: TopicLink[];
}

/** A subtopic section of a topic page. */
interface SectionView {
  title: string;
  text: string;
  depth: number;
}

function categoryUrl(category: string): string {
  return `/help/${encodeURIComponent(category)}/`;
}

function topicUrl(entry: HelpEntry): string {
  return `${categoryUrl(entry.category)}${encodeURIComponent(entry.key.toLowerCase())}/`;
}

/** Topics grouped by category, categories and topics in alphabetical order. */
function byCategory(entries: readonly HelpEntry[]): CategoryView[] {
  const groups = new Map<string, HelpEntry[]>();
  for (const e of entries) groups.set(e.category, [...(groups.get(e.category) ?? []), e]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({
      name,
      url: categoryUrl(name),
      topics: list.map((e) => ({ key: e.key, url: topicUrl(e) })).sort((a, b) => a.key.localeCompare(b.key)),
    }));
}

/** A topic's subtopics as flat sections (depth 1 for `##`, 2 for `###`...). */
function sections(tree: SubtopicTree, depth = 1): SectionView[] {
  const out: SectionView[] = [];
  for (const [title, child] of tree.children) {
    out.push({ title, text: stripMarkup(child.text), depth }, ...sections(child, depth + 1));
  }
  return out;
}

/** `/help/*`. */
export function helpRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get("/", async (req, res) => {
    const topics = await services.runInUnit(() => webHelpTopics(services, ctx.account(req), "list"));
    await showPage(ctx, req, res, "help-index", { categories: byCategory(topics) });
  });

  router.get("/:category/", async (req, res) => {
    const wanted = String(req.params.category ?? "").toLowerCase();
    const topics = await services.runInUnit(() => webHelpTopics(services, ctx.account(req), "list"));
    const [category] = byCategory(topics.filter((e) => e.category === wanted));
    if (!category) return showNotFound(ctx, req, res, "There is no such help category.");
    await showPage(ctx, req, res, "help-index", { categories: [category], category: category.name });
  });

  router.get("/:category/:topic/", async (req, res) => {
    const account = ctx.account(req);
    const wantedCategory = String(req.params.category ?? "").toLowerCase();
    const wantedTopic = String(req.params.topic ?? "").toLowerCase();
    const found = await services.runInUnit(async () => {
      const matches = (e: HelpEntry) => e.category === wantedCategory && e.key.toLowerCase() === wantedTopic;
      const readable = (await webHelpTopics(services, account, "read")).find(matches);
      if (!readable) return (await webHelpTopics(services, account, "any")).some(matches) ? ("forbidden" as const) : null;
      const listed = await webHelpTopics(services, account, "list");
      const related = listed.filter((e) => e.category === readable.category && e !== readable && e.key !== readable.key);
      return { entry: readable, related };
    });
    if (found === null) return showNotFound(ctx, req, res, "There is no such help topic.");
    if (found === "forbidden") return showForbidden(ctx, req, res, "You may not read this help topic.");
    const { entry, related } = found;
    const tree = parseSubtopics(entry.text);
    await showPage(ctx, req, res, "help-detail", {
      topic: {
        key: entry.key,
        category: entry.category,
        categoryUrl: categoryUrl(entry.category),
        aliases: entry.aliases,
        text: stripMarkup(tree.text),
        sections: sections(tree),
      },
      related: related.map((e) => ({ key: e.key, url: topicUrl(e) })).sort((a, b) => a.key.localeCompare(b.key)),
    });
  });

  return router;
}
