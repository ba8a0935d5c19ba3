/**
 * The website session cookie a webclient connection carries (setting
 * `webSessionCookie`): the portal passes its value to the server with the session's
 * `connect`, so a browser logged in on the website is logged in on the webclient too.
 *
 * Parsing is bounded (at most {@link MAX_COOKIE_HEADER} characters and
 * {@link MAX_COOKIES} cookies are looked at; a value over {@link MAX_COOKIE_VALUE}
 * characters or with characters a cookie may not hold is ignored). The value is
 * passed as it arrived (still URL-encoded and signed); the server's web app checks it.
 *
 * A connection opened by a page of another site (a browser `Origin` that is not
 * this host) gets no web session: such a page could otherwise open a webclient
 * connection logged in as its visitor (cross-site websocket hijacking).
 */
import type { IncomingMessage } from "node:http";

/** Longest Cookie header read, in characters. */
export const MAX_COOKIE_HEADER = 8192;
/** Most cookies looked at in one header. */
export const MAX_COOKIES = 64;
/** Longest cookie value passed on. */
export const MAX_COOKIE_VALUE = 4096;

/** cookie-octet of RFC 6265: printable ASCII but space, `"`, `,`, `;` and `\`. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/** The value of cookie `name` in a Cookie header, or undefined (absent, malformed or too large). */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined || !name) return undefined;
  const text = (Array.isArray(header) ? header.join("; ") : header).slice(0, MAX_COOKIE_HEADER);
  let start = 0;
  for (let n = 0; n < MAX_COOKIES && start < text.length; n++) {
    let end = text.indexOf(";", start);
    if (end < 0) end = text.length;
    const pair = text.slice(start, end);
    start = end + 1;
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.length === 0 || value.length > MAX_COOKIE_VALUE || !COOKIE_VALUE.test(value)) return undefined;
    return value;
  }
  return undefined;
}

/**
 * True unless the request comes from a page of another site: no `Origin` header
 * (not a browser page), or an `Origin` whose host is the request's `Host`.
 */
export function isSameOriginRequest(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file: pages) or garbage
  }
}

/** The web session to pass on for this webclient request, or undefined. */
export function webSessionOf(req: IncomingMessage, cookieName: string): string | undefined {
  if (!isSameOriginRequest(req)) return undefined;
  return readCookie(req.headers.cookie, cookieName);
}
