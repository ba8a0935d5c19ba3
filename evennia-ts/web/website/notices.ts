/**
 * One-time notices across a redirect ("Your character 'Anna' was created."): kept
 * in the browser's website session until the next page shows them.
 */
import type { Request } from "express";
import "express-session";

declare module "express-session" {
  interface SessionData {
    /** Notices waiting to be shown on the next website page. */
    websiteNotices?: string[];
  }
}

/** Keep `text` for the next page this browser loads. */
export function addNotice(req: Request, text: string): void {
  if (!req.session) return;
  req.session.websiteNotices = [...(req.session.websiteNotices ?? []), text].slice(-5);
}

/** The waiting notices, forgotten once taken. */
export function takeNotices(req: Request): string[] {
  const notices = req.session?.websiteNotices ?? [];
  if (req.session && notices.length > 0) delete req.session.websiteNotices;
  return notices;
}
