/**
 * One polite HTTP request for a feed: a conditional GET (ETag / Last-Modified, so an
 * unchanged feed costs a 304 and nothing else), a User-Agent naming the game, a
 * deadline for the whole exchange (a body that never ends is cut off by it), a cap
 * on the body's size (counted after decompression; a larger body is abandoned as
 * soon as the cap is passed), and redirects followed by hand so that the caller
 * learns whether they were permanent. Failures are results, never thrown.
 */

/** What the request needs to know besides the URL. */
export interface FetchOptions {
  /** `ETag` of the last document read, sent as `If-None-Match`. */
  etag?: string | null;
  /** `Last-Modified` of the last document read, sent as `If-Modified-Since`. */
  lastModified?: string | null;
  /** Milliseconds for the whole exchange, redirects and body included. */
  timeoutMs: number;
  /** Largest body read, in bytes. */
  maxBytes: number;
  /** Sent as `User-Agent`. */
  userAgent: string;
  /** Redirects followed at most. */
  maxRedirects?: number;
  /** Checks a redirect's target; returns why it is refused, or null. */
  checkRedirect?: (url: string) => string | null;
  /** Aborts the request from outside (the poller stopping). */
  signal?: AbortSignal;
}

/** The result of {@link fetchFeed}. */
export type FetchResult =
  | {
      kind: "document";
      body: string;
      /** The URL the body came from (after redirects). */
      finalUrl: string;
      /** The new URL when every redirect followed was permanent (301/308), else null. */
      movedTo: string | null;
      etag: string | null;
      lastModified: string | null;
    }
  | { kind: "not-modified"; finalUrl: string; movedTo: string | null }
  | { kind: "failed"; reason: string };

const PERMANENT = new Set([301, 308]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Fetch `url` once (following redirects), within the limits of `options`. */
export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const abort = () => controller.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  if (options.signal?.aborted) controller.abort();
  try {
    return await fetchFollowing(url, options, controller.signal);
  } catch (err) {
    if (timedOut) return { kind: "failed", reason: `no complete answer within ${Math.round(options.timeoutMs / 1000)} s` };
    if (options.signal?.aborted) return { kind: "failed", reason: "stopped" };
    return { kind: "failed", reason: `network error: ${networkReason(err)}` };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
    controller.abort();
  }
}

/** A short reason from a fetch error (undici puts the useful part in `cause`). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

async function fetchFollowing(start: string, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const maxRedirects = options.maxRedirects ?? 5;
  let url = start;
  let allPermanent = true;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      "user-agent": options.userAgent,
      accept: "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
    };
    if (options.etag) headers["if-none-match"] = options.etag;
    if (options.lastModified) headers["if-modified-since"] = options.lastModified;
    const response = await fetch(url, { headers, redirect: "manual", signal });
    if (REDIRECT.has(response.status)) {
      void response.body?.cancel().catch(() => undefined);
      const location = response.headers.get("location");
      if (!location) return { kind: "failed", reason: `HTTP ${response.status} without a Location` };
      if (hop >= maxRedirects) return { kind: "failed", reason: `more than ${maxRedirects} redirects` };
      const next = new URL(location, url).href;
      const refused = options.checkRedirect?.(next) ?? null;
      if (refused) return { kind: "failed", reason: `redirected to a refused URL: ${refused}` };
      if (!PERMANENT.has(response.status)) allPermanent = false;
      url = next;
      continue;
    }
    const movedTo = hop > 0 && allPermanent ? url : null;
    if (response.status === 304) {
      void response.body?.cancel().catch(() => undefined);
      return { kind: "not-modified", finalUrl: url, movedTo };
    }
    if (response.status < 200 || response.status > 299) {
      void response.body?.cancel().catch(() => undefined);
      return { kind: "failed", reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}` };
    }
    const declared = Number(response.headers.get("content-length") ?? "");
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      void response.body?.cancel().catch(() => undefined);
      return { kind: "failed", reason: `the feed is larger than ${options.maxBytes} bytes` };
    }
    const bytes = await readCapped(response, options.maxBytes);
    if (!bytes) return { kind: "failed", reason: `the feed is larger than ${options.maxBytes} bytes` };
    return {
      kind: "document",
      body: decodeBody(bytes, response.headers.get("content-type")),
      finalUrl: url,
      movedTo,
      etag: response.headers.get("etag"),
      lastModified: response.headers.get("last-modified"),
    };
  }
}

/** The body, or null as soon as it passes `maxBytes` (the rest is never read). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Decode a body by the charset of its Content-Type, else its XML declaration, else UTF-8. */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const fromProlog = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  for (const label of [fromHeader, fromProlog, "utf-8"]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // an unknown charset label: try the next
    }
  }
  return new TextDecoder().decode(bytes);
}
