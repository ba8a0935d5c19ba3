/**
 * The web app's security headers (helmet): a content-security policy that allows
 * only the site's own scripts, styles, images and fonts (no inline script or style,
 * no CDN), no framing, no MIME sniffing, no referrer leaks. HSTS and
 * `upgrade-insecure-requests` only when the site is served over HTTPS
 * (`webSecureCookies`): over plain HTTP they would break the site.
 */
import helmet from "helmet";
import type { RequestHandler } from "express";

/** The content-security policy's directives (the webclient and admin pages load only their own files). */
export function contentSecurityDirectives(https: boolean): Record<string, string[] | null> {
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", "ws:", "wss:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "script-src-attr": ["'none'"],
    "upgrade-insecure-requests": https ? [] : null,
  };
}

/** Helmet configured for the web app. */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityDirectives(https) },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600 } : false,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
}
