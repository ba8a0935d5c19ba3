/**
 * Static files of the web port (the webclient's): content type, validators and
 * conditional requests.
 *
 * - `ETag` (a SHA-1 of the content) and `Last-Modified` are computed once per file
 *   version: the cache is keyed by path, modification time and size, so a changed
 *   file is hashed again and an unchanged one never is. Files up to
 *   {@link MAX_CACHED_BODY} bytes are kept in memory; larger ones are streamed.
 * - `If-None-Match` (strong or weak tags, lists, `*`) and, without it,
 *   `If-Modified-Since` answer `304`.
 * - `Cache-Control`: `no-cache` for the client's code and pages (`.html`, `.js`,
 *   `.css`, `.json`...): the browser keeps them but asks each time, so a new version
 *   is seen at once (a 304 costs a few bytes); one hour for media (images, fonts, sounds).
 * - Names are one path segment of safe characters ({@link safeFileName}): no `..`,
 *   no slashes (encoded or not), no NUL, no hidden files, no absolute paths.
 */
import { createHash } from "node:crypto";
import { createReadStream, promises as fs, type Stats } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { CONTENT_TYPES } from "../../utils/content-types.ts";

/** Extensions whose files change with the code: revalidated on every use. */
const REVALIDATED = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".txt", ".svg"]);

/** Largest file kept in memory, in bytes. */
export const MAX_CACHED_BODY = 1024 * 1024;

/** A file name served: one path segment, no leading dot, safe characters only. */
const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The decoded file name for a raw (URL-encoded) one, or null when it is not safe to serve. */
export function safeFileName(rawName: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    return null;
  }
  return SAFE_FILE_NAME.test(name) && !name.includes("..") ? name : null;
}

/** One version of a file, with its validators. */
interface CachedFile {
  mtimeMs: number;
  size: number;
  etag: string;
  lastModified: string;
  /** The content, when small enough to keep. */
  body: Buffer | null;
}

/** Serves files, computing each version's validators once. */
export class StaticFiles {
  private readonly cache = new Map<string, CachedFile>();
  /** How many times a file version was read and hashed (for tests and figures). */
  hashed = 0;

  /**
   * The file named `name` in the first of `folders` that has it as a regular file,
   * or null. `name` must come from {@link safeFileName}.
   */
  async find(folders: readonly string[], name: string): Promise<{ file: string; stat: Stats } | null> {
    for (const folder of folders) {
      const file = path.join(folder, name);
      if (path.dirname(file) !== folder) continue;
      const stat = await fs.stat(file).catch(() => null);
      if (stat?.isFile()) return { file, stat };
    }
    return null;
  }

  /** Answer `req` with `file` (200, or 304 when the client's copy is current), with `extraHeaders` too. */
  async serve(req: http.IncomingMessage, res: http.ServerResponse, file: string, stat: Stats, extraHeaders: Readonly<http.OutgoingHttpHeaders> = {}): Promise<void> {
    const entry = await this.entry(file, stat);
    const ext = path.extname(file).toLowerCase();
    const headers: http.OutgoingHttpHeaders = {
      ...extraHeaders,
      "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream",
      "cache-control": REVALIDATED.has(ext) ? "no-cache" : "public, max-age=3600",
      etag: entry.etag,
      "last-modified": entry.lastModified,
      "x-content-type-options": "nosniff",
    };
    if (isNotModified(req, entry)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "content-length": entry.size });
    if (req.method === "HEAD") {
      res.end();
    } else if (entry.body) {
      res.end(entry.body);
    } else {
      const stream = createReadStream(file, { start: 0, end: Math.max(0, entry.size - 1) });
      stream.on("error", () => res.destroy());
      stream.pipe(res);
    }
  }

  /** The cached version of `file`, computed when its path, time or size is new. */
  private async entry(file: string, stat: Stats): Promise<CachedFile> {
    const known = this.cache.get(file);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known;
    this.hashed++;
    const hash = createHash("sha1");
    let body: Buffer | null = null;
    if (stat.size <= MAX_CACHED_BODY) {
      body = await fs.readFile(file);
      hash.update(body);
    } else {
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    }
    const entry: CachedFile = {
      mtimeMs: stat.mtimeMs,
      size: body?.length ?? stat.size,
      etag: `"${hash.digest("base64url")}"`,
      lastModified: new Date(stat.mtimeMs).toUTCString(),
      body,
    };
    this.cache.set(file, entry);
    return entry;
  }
}

/** True when the client's validators match the file (If-None-Match first, as RFC 9110 says). */
function isNotModified(req: http.IncomingMessage, entry: CachedFile): boolean {
  const noneMatch = req.headers["if-none-match"];
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === "*") return true;
    const opaque = entry.etag;
    return noneMatch.split(",").some((tag) => {
      const t = tag.trim();
      return (t.startsWith("W/") ? t.slice(2) : t) === opaque;
    });
  }
  const since = req.headers["if-modified-since"];
  if (since === undefined) return false;
  const time = Date.parse(since);
  return Number.isFinite(time) && Math.floor(entry.mtimeMs / 1000) * 1000 <= time;
}
