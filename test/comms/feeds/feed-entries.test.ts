/**
 * Parsing the three formats, ordering oldest first, ids, sanitising every text,
 * the template and a formatter subclass, garbage, and XML bombs.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  FeedEntryFormatter,
  feedEntryFormatter,
  parseFeedDocument,
  plainText,
  safeLink,
  setFeedEntryFormatter,
  type FeedEntry,
} from "../../../evennia-ts/comms/feeds/feed-entries.ts";
import { stripMarkup } from "../../../evennia-ts/utils/text/markup.ts";
import { atom, rss1, rss2 } from "./feed-test-server.ts";

describe("parsing feeds", () => {
  it("reads RSS 2.0: ids from guids, oldest first by date", () => {
    const feed = parseFeedDocument(
      rss2([
        { guid: "c", title: "Third", link: "http://e.com/3", date: "Wed, 03 Jan 2024 10:00:00 GMT" },
        { guid: "b", title: "Second", link: "http://e.com/2", date: "Tue, 02 Jan 2024 10:00:00 GMT" },
        { guid: "a", title: "First", link: "http://e.com/1", date: "Mon, 01 Jan 2024 10:00:00 GMT" },
      ]),
    );
    expect(feed.title).toBe("Test Feed");
    expect(feed.entries.map((e) => [e.id, e.title, e.link])).toEqual([
      ["a", "First", "http://e.com/1"],
      ["b", "Second", "http://e.com/2"],
      ["c", "Third", "http://e.com/3"],
    ]);
  });

  it("without dates, takes the document as newest first", () => {
    const feed = parseFeedDocument(rss2([{ guid: "new", title: "New" }, { guid: "old", title: "Old" }]));
    expect(feed.entries.map((e) => e.id)).toEqual(["old", "new"]);
  });

  it("reads RSS 1.0 (RDF): ids from rdf:about", () => {
    const feed = parseFeedDocument(
      rss1([
        { about: "http://e.org/2", title: "Two", date: "2024-01-02T00:00:00Z" },
        { about: "http://e.org/1", title: "One", date: "2024-01-01T00:00:00Z", description: "first <b>one</b>" },
      ]),
    );
    expect(feed.title).toBe("RDF Feed");
    expect(feed.entries.map((e) => [e.title, e.link, e.summary])).toEqual([
      ["One", "http://e.org/1", "first one"],
      ["Two", "http://e.org/2", ""],
    ]);
    expect(feed.entries[0]!.id).toBe("http://e.org/1");
  });

  it("reads Atom 1.0: ids, links, HTML summaries made plain", () => {
    const feed = parseFeedDocument(
      atom([
        { id: "urn:2", title: "Later", link: "https://e.net/2", updated: "2024-02-02T00:00:00Z" },
        { id: "urn:1", title: "Earlier", link: "https://e.net/1", updated: "2024-02-01T00:00:00Z", summary: "&lt;p&gt;Hello &amp;amp; &lt;i&gt;welcome&lt;/i&gt;&lt;/p&gt;" },
      ]),
    );
    expect(feed.entries.map((e) => [e.id, e.title, e.link])).toEqual([
      ["urn:1", "Earlier", "https://e.net/1"],
      ["urn:2", "Later", "https://e.net/2"],
    ]);
    expect(feed.entries[0]!.summary).toBe("Hello & welcome");
  });

  it("falls back to the link, then title and date, for an entry without an id; drops duplicate ids", () => {
    const body = `<rss version="2.0"><channel><title>t</title>
      <item><title>Linked</title><link>http://e.com/x</link></item>
      <item><title>Bare</title></item>
      <item><title>Linked again</title><link>http://e.com/x</link></item></channel></rss>`;
    const feed = parseFeedDocument(body);
    expect(feed.entries.map((e) => e.id)).toEqual(["http://e.com/x", expect.stringContaining("Bare")]);
  });

  it("throws for garbage (the poller counts it as a strike)", () => {
    expect(() => parseFeedDocument("this is not xml at all {]")).toThrow();
    expect(() => parseFeedDocument("<html><body>a web page</body></html>")).toThrow();
    expect(() => parseFeedDocument("")).toThrow();
  });

  it("is not harmed by a billion-laughs bomb: nested entities are not expanded", () => {
    let ents = '<!ENTITY lol "lol">';
    for (let i = 1; i <= 10; i++) ents += `<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`;
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [${ents}]><rss version="2.0"><channel><title>bomb</title><item><title>&lol10;</title><guid>g</guid></item></channel></rss>`;
    const started = Date.now();
    let titleLength = 0;
    try {
      titleLength = parseFeedDocument(xml).entries[0]?.title.length ?? 0;
    } catch {
      // refusing the document is harmless too
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(titleLength).toBeLessThan(1000);
  });

  it("is not harmed by a quadratic-blowup bomb: a big entity referenced many times is refused", () => {
    const big = "x".repeat(9000);
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${big}">]><rss version="2.0"><channel><title>t</title><item><title>${"&a;".repeat(100_000)}</title><guid>g</guid></item></channel></rss>`;
    const started = Date.now();
    expect(() => parseFeedDocument(xml)).toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("sanitising feed text", () => {
  it("strips HTML, scripts and comments, and decodes entities", () => {
    expect(plainText("<p>Hello <b>world</b></p><script>alert(1)</script><!-- hidden -->", 100)).toBe("Hello world");
    expect(plainText("caf&eacute; &#233; &#x263A; &amp; &lt;tag&gt;", 100)).toBe("café é ☺ &");
  });

  it("escapes Evennia markup so it shows literally and colours nothing", () => {
    const out = plainText("|rred|n |[Bbg |/newline ||pipe |lcquit|ltclick|le", 200);
    expect(stripMarkup(out)).toBe("|rred|n |[Bbg |/newline ||pipe |lcquit|ltclick|le");
    expect(out).not.toMatch(/(^|[^|])\|[^|]/); // no single | left to start a code
  });

  it("removes control characters, ANSI escapes, bidi overrides and newlines", () => {
    const out = plainText("a\x1b[31mred\x1b[0m\x07b\u202Eevil\u200Bc\r\nnext\tline\x00", 100);
    expect(out).toBe("aredbevilc next line");
  });

  it("crops long texts to their limit, ending in ...", () => {
    const out = plainText("word ".repeat(200), 50);
    expect([...stripMarkup(out)].length).toBeLessThanOrEqual(50);
    expect(out.endsWith("...")).toBe(true);
    // a cropped text never ends in half an escape
    const pipes = plainText("|".repeat(500), 20);
    expect(stripMarkup(pipes)).toBe(`${"|".repeat(17)}...`);
  });

  it("keeps only http(s) links", () => {
    expect(safeLink("javascript:alert(1)")).toBe("");
    expect(safeLink("ftp://e.com/x")).toBe("");
    expect(safeLink("not a url")).toBe("");
    expect(safeLink("https://e.com/a|rb")).toBe("https://e.com/a||rb");
  });

  it("sanitises every field of a parsed entry (title, summary)", () => {
    const body = rss2([{ guid: "g", title: "&lt;b&gt;Bold&lt;/b&gt; |rnews\x1b[2J", description: "&lt;img src=x onerror=alert(1)&gt;Text" }]);
    const [entry] = parseFeedDocument(body).entries;
    expect(entry!.title).toBe("Bold ||rnews");
    expect(entry!.summary).toBe("Text");
  });
});

describe("the entry template", () => {
  const entry: FeedEntry = { id: "1", title: "Hello", link: "http://e.com/1", summary: "Sum", published: new Date("2024-01-02T03:04:00Z") };
  afterEach(() => setFeedEntryFormatter(null));

  it("fills the template from the setting", () => {
    expect(new FeedEntryFormatter("[RSS] {title}: {link}").format(entry, "Feed")).toBe("[RSS] Hello: http://e.com/1");
    expect(new FeedEntryFormatter("|w{feed}|n {published} {title} - {summary}").format(entry, "News")).toBe("|wNews|n 2024-01-02 03:04 Hello - Sum");
  });

  it("drops a dangling colon when an entry has no link", () => {
    expect(new FeedEntryFormatter("[RSS] {title}: {link}").format({ ...entry, link: "" }, "F")).toBe("[RSS] Hello");
  });

  it("a game may register a formatter subclass", () => {
    class Shouting extends FeedEntryFormatter {
      override format(e: FeedEntry, feedTitle: string): string {
        return `${feedTitle.toUpperCase()}! ${e.title.toUpperCase()}`;
      }
    }
    expect(feedEntryFormatter("{title}").format(entry, "f")).toBe("Hello");
    setFeedEntryFormatter(new Shouting("unused"));
    expect(feedEntryFormatter("{title}").format(entry, "news")).toBe("NEWS! HELLO");
  });
});
