/**
 * Security headers of the webclient's files, which the portal serves itself (the
 * website's pages get theirs from the server's web app, passed through the proxy):
 * a content-security policy that lets the page load and connect to its own origin
 * only (no inline script or style, no CDN), no framing by other sites (the
 * webclient may be logged in from the website cookie: a framing page must not be
 * able to trick its visitor into typing there), and no referrer leaks.
 */
import type http from "node:http";

/** The webclient page's content-security policy. */
export const WEBCLIENT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers sent with every webclient file. */
export const WEBCLIENT_SECURITY_HEADERS: Readonly<http.OutgoingHttpHeaders> = {
  "content-security-policy": WEBCLIENT_CSP,
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};
