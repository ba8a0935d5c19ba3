/**
 * Static files under `/static/`: the game's `web/static/` first, then the
 * framework's `web/static/`. Each file's ETag (a SHA-1 of its content) and
 * Last-Modified are computed the first time it is asked for and kept for the life
 * of the app (a reload starts a new server process, so a changed file shows after
 * `reload`); a request with a matching `If-None-Match` or a not-older
 * `If-Modified-Since` gets `304`. Paths leaving the static folders (`..`, also
 * URL-encoded, absolute paths, links out) are refused with 404.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Request, Response, NextFunction, RequestHandler } from "express";
import { contentTypeOf } from "../utils/content-types.ts";
import { isReallyInside, resolveInside } from "./safe-path.ts";

/** What is known of one served file. */
interface StaticEntry {
  file: string;
  etag: string;
  lastModified: string;
  /** Seconds precision, as HTTP dates have. */
  modifiedSeconds: number;
  /** The content, when small enough to keep. */
  body: Buffer | null;
  contentType: string;
}

/** Largest file kept in memory once read; larger ones are read per request (their ETag is still computed once). */
const MAX_CACHED_BODY_BYTES = 1024 * 1024;

/** Serves the static folders; {@link hashes} counts content hashes computed (each file once). */
export class StaticFiles {
  /** How many files are known (found once, kept with their ETag). */
  get cachedFiles(): number {
    return this.entries.size;
  }

  /** How many file contents have been hashed (for tests and `server` figures). */
  hashes = 0;
  private readonly entries = new Map<string, Promise<StaticEntry | null>>();
  private readonly folders: string[];

  /** `folders` in lookup order (the game's first). */
  constructor(folders: readonly (string | undefined)[]) {
    this.folders = folders.filter((d): d is string => !!d && existsSync(d));
  }

  /** Middleware for the `/static` mount. */
  handler(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== "GET" && req.method !== "HEAD") return next();
      void this.serve(req, res).then((served) => (served ? undefined : next()), next);
    };
  }

  /** Serve the request if it names a static file; false when there is none. */
  private async serve(req: Request, res: Response): Promise<boolean> {
    const relative = requestedPath(req);
    if (relative === null) return false;
    let entry = this.entries.get(relative);
    if (!entry) {
      entry = this.load(relative);
      this.entries.set(relative, entry);
    }
    const found = await entry;
    if (!found) {
      // misses are not remembered: made-up paths must not grow the cache
      if (this.entries.get(relative) === entry) this.entries.delete(relative);
      return false;
    }
    res.setHeader("ETag", found.etag);
    res.setHeader("Last-Modified", found.lastModified);
    res.setHeader("Cache-Control", "public, max-age=0, must-revalidate");
    res.setHeader("Content-Type", found.contentType);
    if (notModified(req, found)) {
      res.status(304).end();
      return true;
    }
    const body = found.body ?? (await readFile(found.file));
    res.setHeader("Content-Length", String(body.length));
    if (req.method === "HEAD") res.end();
    else res.end(body);
    return true;
  }

  private async load(relative: string): Promise<StaticEntry | null> {
    for (const folder of this.folders) {
      const file = resolveInside(folder, relative);
      if (!file || !existsSync(file) || !isReallyInside(folder, file)) continue;
      const info = await stat(file);
      if (!info.isFile()) continue;
      const content = await readFile(file);
      this.hashes++;
      const etag = `"${createHash("sha1").update(content).digest("base64url")}"`;
      const modifiedSeconds = Math.floor(info.mtimeMs / 1000);
      return {
        file,
        etag,
        lastModified: new Date(modifiedSeconds * 1000).toUTCString(),
        modifiedSeconds,
        body: content.length <= MAX_CACHED_BODY_BYTES ? content : null,
        contentType: contentTypeOf(file),
      };
    }
    return null;
  }
}

/** The path under `/static/` the request names, URL-decoded; null when malformed. */
function requestedPath(req: Request): string | null {
  // the raw path (before express or anything else normalised it): `/static/../x` must be refused, not rewritten
  const raw = (req.originalUrl.split("?")[0] ?? "").replace(/^\/static\/?/, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function notModified(req: Request, entry: StaticEntry): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(",").some((tag) => {
      const t = tag.trim();
      return t === "*" || t === entry.etag || t === `W/${entry.etag}`;
    });
  }
  const since = req.headers["if-modified-since"];
  if (since !== undefined) {
    const at = Date.parse(since);
    return Number.isFinite(at) && Math.floor(at / 1000) >= entry.modifiedSeconds;
  }
  return false;
}
