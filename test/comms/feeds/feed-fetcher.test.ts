/**
 * The HTTP side against a local server: conditional GET, redirects (permanent or
 * not), errors, the deadline on a body that never ends, the size cap on a 50 MB
 * body, the User-Agent, charsets, and the URL rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBody, fetchFeed, type FetchOptions } from "../../../evennia-ts/comms/feeds/feed-fetcher.ts";
import { checkFeedUrl } from "../../../evennia-ts/comms/feeds/feed-url.ts";
import { feedUserAgent } from "../../../evennia-ts/comms/feeds/feed-service.ts";
import { rss2, startFeedTestServer, type FeedTestServer } from "./feed-test-server.ts";

let server: FeedTestServer;
const options: FetchOptions = { timeoutMs: 2000, maxBytes: 5 * 1024 * 1024, userAgent: "Test MUD feed bot (evennia-ts; +https://mud.example)" };
const FEED = rss2([{ guid: "1", title: "One" }]);

beforeAll(async () => {
  server = await startFeedTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("fetching a feed", () => {
  it("gets the document with its validators and sends the User-Agent", async () => {
    server.route("/plain", { kind: "feed", body: FEED, etag: '"v1"', lastModified: "Mon, 01 Jan 2024 00:00:00 GMT" });
    const r = await fetchFeed(server.url("/plain"), options);
    expect(r).toMatchObject({ kind: "document", body: FEED, etag: '"v1"', lastModified: "Mon, 01 Jan 2024 00:00:00 GMT", movedTo: null });
    expect(server.hits("/plain")[0]!.headers["user-agent"]).toBe(options.userAgent);
  });

  it("sends If-None-Match and If-Modified-Since, and a 304 carries no body", async () => {
    server.route("/cond", { kind: "feed", body: FEED, etag: '"v2"' });
    const r = await fetchFeed(server.url("/cond"), { ...options, etag: '"v2"', lastModified: "Tue, 02 Jan 2024 00:00:00 GMT" });
    expect(r).toEqual({ kind: "not-modified", finalUrl: server.url("/cond"), movedTo: null });
    const seen = server.hits("/cond")[0]!;
    expect(seen.headers["if-none-match"]).toBe('"v2"');
    expect(seen.headers["if-modified-since"]).toBe("Tue, 02 Jan 2024 00:00:00 GMT");
    expect(seen.status).toBe(304);
  });

  it.each([301, 308] as const)("a permanent redirect (%i) reports where the feed moved", async (status) => {
    server.route(`/moved${status}`, { kind: "redirect", status, to: `/target${status}` });
    server.route(`/target${status}`, { kind: "feed", body: FEED });
    const r = await fetchFeed(server.url(`/moved${status}`), options);
    expect(r).toMatchObject({ kind: "document", finalUrl: server.url(`/target${status}`), movedTo: server.url(`/target${status}`) });
  });

  it.each([302, 307] as const)("a temporary redirect (%i) is followed but not reported as a move", async (status) => {
    server.route(`/temp${status}`, { kind: "redirect", status, to: server.url(`/ttarget${status}`) });
    server.route(`/ttarget${status}`, { kind: "feed", body: FEED });
    const r = await fetchFeed(server.url(`/temp${status}`), options);
    expect(r).toMatchObject({ kind: "document", finalUrl: server.url(`/ttarget${status}`), movedTo: null });
  });

  it("a chain with one temporary hop is no permanent move", async () => {
    server.route("/chain1", { kind: "redirect", status: 301, to: "/chain2" });
    server.route("/chain2", { kind: "redirect", status: 302, to: "/chain3" });
    server.route("/chain3", { kind: "feed", body: FEED });
    expect(await fetchFeed(server.url("/chain1"), options)).toMatchObject({ kind: "document", movedTo: null });
  });

  it("a redirect loop fails after a few hops; a refused redirect target fails", async () => {
    server.route("/loop", { kind: "redirect", status: 302, to: "/loop" });
    expect(await fetchFeed(server.url("/loop"), options)).toMatchObject({ kind: "failed", reason: expect.stringContaining("redirects") });
    server.route("/to-ftp", { kind: "redirect", status: 301, to: "ftp://example.com/feed" });
    const refuse = (u: string) => (u.startsWith("ftp:") ? "not http" : null);
    expect(await fetchFeed(server.url("/to-ftp"), { ...options, checkRedirect: refuse })).toMatchObject({ kind: "failed", reason: expect.stringContaining("refused") });
  });

  it.each([404, 410, 500, 503])("HTTP %i is a failure", async (status) => {
    server.route(`/status${status}`, { kind: "status", status, body: "<rss/>" });
    expect(await fetchFeed(server.url(`/status${status}`), options)).toMatchObject({ kind: "failed", reason: expect.stringContaining(`HTTP ${status}`) });
  });

  it("a refused connection is a failure, not a throw", async () => {
    const other = await startFeedTestServer();
    const url = other.url("/gone");
    await other.close();
    expect(await fetchFeed(url, options)).toMatchObject({ kind: "failed", reason: expect.stringMatching(/network error/) });
  });

  it("a body that never finishes is cut off by the deadline", async () => {
    server.route("/hang", { kind: "hang" });
    const started = Date.now();
    const r = await fetchFeed(server.url("/hang"), { ...options, timeoutMs: 300 });
    expect(r).toMatchObject({ kind: "failed", reason: expect.stringContaining("no complete answer") });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a server slow to answer at all is cut off by the deadline", async () => {
    server.route("/slow", { kind: "slow", delayMs: 1500, body: FEED });
    const r = await fetchFeed(server.url("/slow"), { ...options, timeoutMs: 200 });
    expect(r).toMatchObject({ kind: "failed" });
  });

  it("a declared 50 MB body is refused without reading it", async () => {
    server.hugeBytesSent = 0;
    server.route("/huge-declared", { kind: "huge", bytes: 50 * 1024 * 1024, declareLength: true });
    const r = await fetchFeed(server.url("/huge-declared"), options);
    expect(r).toMatchObject({ kind: "failed", reason: expect.stringContaining("larger than") });
  });

  it("an undeclared 50 MB body is cut off just past the cap, without harm", async () => {
    server.hugeBytesSent = 0;
    server.route("/huge-chunked", { kind: "huge", bytes: 50 * 1024 * 1024, declareLength: false });
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const r = await fetchFeed(server.url("/huge-chunked"), options);
    expect(r).toMatchObject({ kind: "failed", reason: expect.stringContaining("larger than") });
    expect(Date.now() - started).toBeLessThan(5000);
    // the server got to write little more than the cap (plus socket buffers), not 50 MB
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.hugeBytesSent).toBeLessThan(20 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it("garbage comes back as a document (the parser decides), not as a crash", async () => {
    server.route("/garbage", { kind: "feed", body: "\x00\x01 definitely { not xml", contentType: "text/plain" });
    expect(await fetchFeed(server.url("/garbage"), options)).toMatchObject({ kind: "document" });
  });

  it("decodes by the Content-Type charset, else the XML declaration, else UTF-8", () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in latin-1
    expect(decodeBody(latin1, "application/rss+xml; charset=ISO-8859-1")).toBe("café");
    const prolog = new Uint8Array([...Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?>'), 0xe9]);
    expect(decodeBody(prolog, null).endsWith("é")).toBe(true);
    expect(decodeBody(Buffer.from("café"), "text/xml; charset=nonsense-label")).toBe("café");
  });

  it("names the game and its address in the User-Agent", () => {
    expect(feedUserAgent({ serverName: "Test MUD", feedContactUrl: "https://mud.example" })).toBe("Test MUD feed bot (evennia-ts; +https://mud.example)");
    expect(feedUserAgent({ serverName: "Ünïcode\nMUD", feedContactUrl: "" })).toBe("ncodeMUD feed bot (evennia-ts)");
  });
});

describe("which feed URLs are accepted", () => {
  const ports = { telnetPorts: [4000], sslPorts: [4003], webPort: 4001, serverWebPort: 4005, linkPort: 4006 };

  it("accepts http and https URLs", () => {
    expect(checkFeedUrl("https://example.com/feed.xml", ports)).toEqual({ ok: true, url: "https://example.com/feed.xml" });
    expect(checkFeedUrl(" http://example.com:8080/rss#frag ", ports)).toEqual({ ok: true, url: "http://example.com:8080/rss" });
    expect(checkFeedUrl("http://127.0.0.1:9999/feed", ports).ok).toBe(true);
  });

  it("refuses other schemes, non-URLs and credentials with a clear reason", () => {
    expect(checkFeedUrl("ftp://example.com/feed", ports)).toEqual({ ok: false, reason: expect.stringContaining("Only http:// and https://") });
    expect(checkFeedUrl("file:///etc/passwd", ports)).toEqual({ ok: false, reason: expect.stringContaining("file:") });
    expect(checkFeedUrl("javascript:alert(1)", ports).ok).toBe(false);
    expect(checkFeedUrl("example.com/feed", ports)).toEqual({ ok: false, reason: expect.stringContaining("not a URL") });
    expect(checkFeedUrl("", ports)).toEqual({ ok: false, reason: "No feed URL given." });
    expect(checkFeedUrl("http://user:pw@example.com/", ports).ok).toBe(false);
  });

  it.each(["http://localhost:4000/", "http://127.0.0.1:4001/x", "https://[::1]:4003/", "http://0.0.0.0:4005/", "http://127.0.0.2:4006/", "http://foo.localhost:4001/", "http://[::ffff:127.0.0.1]:4000/", "http://2130706433:4000/"])(
    "refuses the game's own port: %s",
    (url) => {
      expect(checkFeedUrl(url, ports)).toEqual({ ok: false, reason: expect.stringContaining("this game's own port") });
    },
  );

  it("refuses ports the game bound at run time, and allows those ports on other hosts", () => {
    expect(checkFeedUrl("http://127.0.0.1:5555/", ports, [5555]).ok).toBe(false);
    expect(checkFeedUrl("http://example.com:4000/", ports).ok).toBe(true);
  });
});
