/**
 * The website's session cookie as express-session writes it: `s:<session id>.<signature>`
 * (URL-encoded), the signature being the base64 HMAC-SHA256 of the id with the
 * session secret, without padding. The server reads it when the portal passes on
 * the cookie of a webclient connection, to log that connection in as the website user.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature of `value` under `secret` (what express-session appends after the dot). */
export function cookieSignature(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64").replace(/=+$/, "");
}

/** The cookie value express-session sets for session `sid` (before URL encoding). */
export function signSessionId(sid: string, secret: string): string {
  return `s:${sid}.${cookieSignature(sid, secret)}`;
}

/**
 * The session id in a session cookie value, or null when the value is not a signed
 * session cookie or its signature does not match `secret`. Accepts the value raw
 * or URL-encoded, as it arrived in the `Cookie` header.
 */
export function unsignSessionCookie(cookieValue: string, secret: string): string | null {
  let value = cookieValue.trim();
  if (value.length > 4096) return null;
  if (value.includes("%")) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  if (!value.startsWith("s:")) return null;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const sid = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(cookieSignature(sid, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return sid;
}
