/**
 * What the portal answers itself when the server's web app cannot: while the server
 * reloads, after a crash, before it reported its web port, or when it does not
 * answer in time. A browser gets a small self-contained HTML page (no script; it
 * reloads itself with `<meta http-equiv="refresh">`), a JSON client (`Accept:
 * application/json`, or a path under `/api/`) gets `{"error", "retryAfter"}`.
 *
 * The page's CSS is one inline `<style>`; the page is sent with its own
 * Content-Security-Policy that allows exactly that style (by its SHA-256) and
 * nothing else, so it needs no second request while the server is away.
 */
import { createHash } from "node:crypto";
import type http from "node:http";

/** Seconds a client is told to wait before trying again (`Retry-After`, and the page's refresh). */
export const RETRY_AFTER_SECONDS = 5;

/** Why the portal answers instead of the server's web app. */
export type UnavailableReason = "restarting" | "timeout";

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f1ea;--fg:#1f1d1a;--muted:#6b655c;--accent:#2f6f5e;--card:#fffdf8}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e2d8;--muted:#9a958b;--accent:#6cc3a9;--card:#1e2126}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:32rem;margin:1.5rem;padding:2rem 2.25rem;background:var(--card);border-radius:12px;
box-shadow:0 1px 3px rgba(0,0,0,.12),0 8px 24px rgba(0,0,0,.08)}
h1{margin:0 0 .5rem;font-size:1.4rem}
p{margin:.5rem 0;color:var(--muted)}
a{color:var(--accent);font-weight:600}
.dot{display:inline-block;width:.6rem;height:.6rem;margin-right:.5rem;border-radius:50%;background:var(--accent);
vertical-align:middle;animation:pulse 1.2s ease-in-out infinite}
@keyframes pulse{50%{opacity:.25}}
@media (prefers-reduced-motion:reduce){.dot{animation:none}}
`.trim();

/** The page's Content-Security-Policy: its own style, nothing else. */
export const UNAVAILABLE_PAGE_CSP =
  `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TEXTS: Record<UnavailableReason, { status: number; title: string; line: string; json: string }> = {
  restarting: {
    status: 503,
    title: "is restarting",
    line: "The website will be back in a moment; this page tries again by itself.",
    json: "The game's website is restarting; try again in a few seconds.",
  },
  timeout: {
    status: 504,
    title: "is not answering",
    line: "The game's website took too long to answer. This page tries again by itself.",
    json: "The game's website did not answer in time; try again in a few seconds.",
  },
};

/** True when the client wants JSON rather than a page (an API call). */
export function wantsJson(req: http.IncomingMessage, urlPath: string): boolean {
  if (urlPath === "/api" || urlPath.startsWith("/api/")) return true;
  const accept = String(req.headers.accept ?? "").toLowerCase();
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** The HTML page for `reason`, naming the game. */
export function unavailablePage(reason: UnavailableReason, serverName: string): string {
  const name = escapeHtml(serverName || "The game");
  const text = TEXTS[reason];
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">` +
    `<title>${name} ${text.title}</title><style>${STYLE}</style></head>` +
    `<body><main><h1><span class="dot" aria-hidden="true"></span>${name} ${text.title}</h1>` +
    `<p>${text.line}</p>` +
    `<p>Players stay connected meanwhile: <a href="/webclient/">play in the webclient</a>.</p>` +
    `</main></body></html>\n`
  );
}

/** Answer `req` at once with the page (or JSON) for `reason`: 503 or 504, `Retry-After`, never cached. */
export function answerUnavailable(req: http.IncomingMessage, res: http.ServerResponse, reason: UnavailableReason, serverName: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const json = wantsJson(req, pathOf(req.url));
  const body = json
    ? JSON.stringify({ error: TEXTS[reason].json, retryAfter: RETRY_AFTER_SECONDS })
    : unavailablePage(reason, serverName);
  res.writeHead(TEXTS[reason].status, {
    "content-type": json ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "retry-after": String(RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(json ? {} : { "content-security-policy": UNAVAILABLE_PAGE_CSP }),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? raw : raw.slice(0, q);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
