/**
 * A local HTTP server for the feed bot's tests (127.0.0.1, a free port). Each path
 * is a route a test sets: a feed with validators (answering 304 to a matching
 * conditional GET), a redirect, an error status, a body that never ends, a huge
 * body, garbage. Every request is recorded.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What a route answers. */
export type Route =
  | { kind: "feed"; body: string; etag?: string; lastModified?: string; contentType?: string }
  | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; to: string }
  | { kind: "status"; status: number; body?: string }
  | { kind: "hang" } // headers, one chunk, then nothing ever again
  | { kind: "huge"; bytes: number; declareLength: boolean }
  | { kind: "slow"; delayMs: number; body: string };

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/** The running server. */
export interface FeedTestServer {
  readonly port: number;
  url(path: string): string;
  route(path: string, route: Route): void;
  readonly requests: SeenRequest[];
  /** Requests to `path`. */
  hits(path: string): SeenRequest[];
  /** Requests being answered right now, and the most at once so far. */
  readonly open: { now: number; max: number };
  /** Bytes written for huge bodies before the client went away. */
  hugeBytesSent: number;
  close(): Promise<void>;
}

/** Start a test server. */
export async function startFeedTestServer(): Promise<FeedTestServer> {
  const routes = new Map<string, Route>();
  const requests: SeenRequest[] = [];
  const open = { now: 0, max: 0 };
  const sockets = new Set<import("node:net").Socket>();
  const state = { hugeBytesSent: 0 };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const route = routes.get(path);
    open.now++;
    open.max = Math.max(open.max, open.now);
    res.on("close", () => open.now--);
    const record = (status: number) => requests.push({ path, headers: req.headers, status });
    if (!route) {
      record(404);
      res.writeHead(404).end("not found");
      return;
    }
    switch (route.kind) {
      case "feed": {
        const notModified =
          (route.etag && req.headers["if-none-match"] === route.etag) ||
          (!route.etag && route.lastModified && req.headers["if-modified-since"] === route.lastModified);
        const headers: Record<string, string> = { "content-type": route.contentType ?? "application/rss+xml; charset=utf-8" };
        if (route.etag) headers.etag = route.etag;
        if (route.lastModified) headers["last-modified"] = route.lastModified;
        if (notModified) {
          record(304);
          res.writeHead(304, headers).end();
        } else {
          record(200);
          res.writeHead(200, headers).end(route.body);
        }
        return;
      }
      case "redirect":
        record(route.status);
        res.writeHead(route.status, { location: route.to }).end();
        return;
      case "status":
        record(route.status);
        res.writeHead(route.status, { "content-type": "text/plain" }).end(route.body ?? "");
        return;
      case "hang":
        record(200);
        res.writeHead(200, { "content-type": "application/rss+xml" });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>never ends</title>');
        return; // never ended
      case "slow":
        record(200);
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { "content-type": "application/rss+xml" }).end(route.body);
        }, route.delayMs);
        return;
      case "huge": {
        record(200);
        const headers: Record<string, string> = { "content-type": "application/rss+xml" };
        if (route.declareLength) headers["content-length"] = String(route.bytes);
        res.writeHead(200, headers);
        const chunk = Buffer.alloc(64 * 1024, "x");
        let left = route.bytes;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            const n = Math.min(left, chunk.length);
            left -= n;
            state.hugeBytesSent += n;
            if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
              res.once("drain", pump);
              return;
            }
          }
          if (left <= 0 && !res.destroyed) res.end();
        };
        pump();
        return;
      }
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route: (path, route) => void routes.set(path, route),
    requests,
    hits: (path) => requests.filter((r) => r.path === path),
    open,
    get hugeBytesSent() {
      return state.hugeBytesSent;
    },
    set hugeBytesSent(v: number) {
      state.hugeBytesSent = v;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An RSS 2.0 document with these items (newest first, as feeds list them). */
export function rss2(items: { guid: string; title: string; link?: string; description?: string; date?: string }[], title = "Test Feed"): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ""}<guid>${i.guid}</guid>` +
        `${i.description ? `<description>${i.description}</description>` : ""}${i.date ? `<pubDate>${i.date}</pubDate>` : ""}</item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${title}</title><link>http://example.com/</link><description>d</description>${body}</channel></rss>`;
}

/** An RSS 1.0 (RDF) document. */
export function rss1(items: { about: string; title: string; description?: string; date?: string }[]): string {
  return `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://example.org/rss"><title>RDF Feed</title><link>http://example.org/</link><description>rdf</description>
    <items><rdf:Seq>${items.map((i) => `<rdf:li resource="${i.about}"/>`).join("")}</rdf:Seq></items>
  </channel>
  ${items
    .map((i) => `<item rdf:about="${i.about}"><title>${i.title}</title><link>${i.about}</link>${i.description ? `<description>${i.description}</description>` : ""}${i.date ? `<dc:date>${i.date}</dc:date>` : ""}</item>`)
    .join("\n  ")}
</rdf:RDF>`;
}

/** An Atom 1.0 document. */
export function atom(entries: { id: string; title: string; link: string; updated: string; summary?: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Feed</title><id>urn:feed</id><updated>2026-01-01T00:00:00Z</updated>
${entries
  .map((e) => `<entry><id>${e.id}</id><title>${e.title}</title><link href="${e.link}"/><updated>${e.updated}</updated>${e.summary ? `<summary type="html">${e.summary}</summary>` : ""}</entry>`)
  .join("\n")}
</feed>`;
}
