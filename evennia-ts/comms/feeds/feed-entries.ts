/**
 * From a feed document to the lines the bot posts: parse RSS 2.0, RSS 1.0 (RDF) or
 * Atom 1.0 with `@rowanmanning/feed-parser` (lenient with broken feeds; it does not
 * expand nested entities and refuses oversized ones, so an XML bomb is harmless),
 * turn every text into one plain, safe line (HTML stripped, entities decoded,
 * control characters and bidi overrides removed, Evennia `|`-markup escaped, length
 * cropped), order the entries oldest first, and format each through a template.
 */
import { createRequire } from "node:module";
import { sanitizeControlChars } from "../../utils/text/sanitize.ts";

/** One entry, its texts already sanitised (safe to show as they are). */
export interface FeedEntry {
  /** What identifies the entry across fetches: its guid/id, else its link, else its title and date. */
  id: string;
  title: string;
  /** An http(s) link, or "". */
  link: string;
  summary: string;
  /** When it was published (or updated), or null. */
  published: Date | null;
}

/** A parsed feed document. */
export interface ParsedFeed {
  /** The feed's own title (sanitised), or "". */
  title: string;
  /** Entries, oldest first. */
  entries: FeedEntry[];
}

/** Longest texts kept, in characters (longer ones end in "..."). */
export const ENTRY_LIMITS = { title: 200, summary: 300, link: 500, feedTitle: 80, id: 500 } as const;

type FeedParser = typeof import("@rowanmanning/feed-parser");
let feedParser: FeedParser | null = null;

/**
 * The feed parser, loaded on first use (it is CommonJS: required synchronously): a game
 * without feeds does not carry it and its XML parser.
 */
function loadedFeedParser(): FeedParser {
  feedParser ??= createRequire(import.meta.url)("@rowanmanning/feed-parser") as FeedParser;
  return feedParser;
}

/** Parse a feed document; throws (any error) when the text is not a feed. */
export function parseFeedDocument(body: string): ParsedFeed {
  const feed = loadedFeedParser().parseFeed(body);
  const items = feed.items.map((item, index) => {
    const title = plainText(item.title ?? "", ENTRY_LIMITS.title);
    const link = safeLink(item.url);
    const summary = plainText(item.description ?? item.content ?? "", ENTRY_LIMITS.summary);
    const published = validDate(item.published) ?? validDate(item.updated);
    const rawId = (item.id ?? "").trim() || link || `${title}|${published?.toISOString() ?? ""}|${summary.slice(0, 100)}`;
    return { index, entry: { id: rawId.slice(0, ENTRY_LIMITS.id), title: title || "(untitled)", link, summary, published } };
  });
  const dated = items.every((i) => i.entry.published);
  // feeds list newest first: without dates on every entry, reverse the document order
  items.sort((a, b) => (dated ? a.entry.published!.getTime() - b.entry.published!.getTime() : 0) || b.index - a.index);
  const seen = new Set<string>();
  const entries: FeedEntry[] = [];
  for (const { entry } of items) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    entries.push(entry);
  }
  return { title: plainText(feed.title ?? "", ENTRY_LIMITS.feedTitle), entries };
}

function validDate(d: Date | null | undefined): Date | null {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : null;
}

/** An http(s) URL made safe to show, or "". */
export function safeLink(raw: string | null | undefined): string {
  if (!raw) return "";
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return "";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "";
  const text = sanitizeLine(url.href);
  return text.length > ENTRY_LIMITS.link ? "" : escapeMarkup(text);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…",
  lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", laquo: "«", raquo: "»", copy: "©", reg: "®", trade: "™",
  middot: "·", bull: "•", euro: "€", pound: "£", eacute: "é", egrave: "è", agrave: "à", ccedil: "ç",
  uuml: "ü", ouml: "ö", auml: "ä", szlig: "ß",
};

/** Decode HTML character references (named ones of the common set, decimal and hex). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** HTML to text: scripts, styles and comments dropped, tags removed (block tags become spaces), entities decoded. */
export function stripHtml(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<(script|style|iframe|object|noscript)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|blockquote|pre|hr)\b[^>]*>/gi, " ")
      .replace(/<\/?[a-z!?][^>]*>/gi, ""),
  );
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0000-\u001f\u007f-\u009f]/g;

/** One line: control characters (and escape sequences), bidi overrides and zero-width marks removed, whitespace collapsed. */
function sanitizeLine(text: string): string {
  return sanitizeControlChars(text.replace(/[\t\r\n]+/g, " ")).replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/** Evennia markup made literal: every `|` doubled, so `|r` shows as `|r` and colours nothing. */
export function escapeMarkup(text: string): string {
  return text.replace(/\|/g, "||");
}

/** Crop plain text to `max` characters (whole code points), ending in "...". */
function crop(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 3)).join("").trimEnd()}...`;
}

/**
 * Any feed text (which may hold HTML, entities, control characters or `|`-markup)
 * as one safe line of at most `max` visible characters.
 */
export function plainText(raw: string, max: number): string {
  // entities may hide tags (`&lt;b&gt;`): strip, decode, strip again
  const text = sanitizeLine(stripHtml(stripHtml(raw)));
  return escapeMarkup(crop(text, max));
}

/** What a template sees for one entry. */
export interface EntryFields {
  feed: string;
  title: string;
  link: string;
  summary: string;
  published: string;
}

/**
 * Formats an entry into the line the bot posts. The default fills the template
 * (the `feedEntryTemplate` setting); a game may subclass it and register its own
 * with `setFeedEntryFormatter` (see docs/feeds.md).
 */
export class FeedEntryFormatter {
  constructor(readonly template: string) {}

  /** The fields of `entry` for the template (all already safe to show). */
  fields(entry: FeedEntry, feedTitle: string): EntryFields {
    return {
      feed: feedTitle,
      title: entry.title,
      link: entry.link,
      summary: entry.summary,
      published: entry.published ? entry.published.toISOString().slice(0, 16).replace("T", " ") : "",
    };
  }

  /** The line posted for `entry`; the template's own markup is kept, the fields' is not. */
  format(entry: FeedEntry, feedTitle: string): string {
    const fields = this.fields(entry, feedTitle);
    return this.template
      .replace(/\{(feed|title|link|summary|published)\}/g, (_, name: keyof EntryFields) => fields[name])
      .replace(/:\s*$/, "")
      .trim();
  }
}

let formatterOverride: FeedEntryFormatter | null = null;

/** Use `formatter` for every feed (null: back to the template of the settings). */
export function setFeedEntryFormatter(formatter: FeedEntryFormatter | null): void {
  formatterOverride = formatter;
}

/** The formatter in use: the one a game set, else one over `template`. */
export function feedEntryFormatter(template: string): FeedEntryFormatter {
  return formatterOverride ?? new FeedEntryFormatter(template);
}
