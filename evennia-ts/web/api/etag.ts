/**
 * Strong ETags for API responses and the conditional-request checks (RFC 9110):
 * the tag is a hash of the exact JSON body, so it changes whenever anything the
 * body shows changes (key, location, attributes, tags ...).
 */
import { createHash } from "node:crypto";
import { ApiError } from "./api-error.ts";

/** The strong ETag of a response body. */
export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** The entity tags listed in an `If-Match`/`If-None-Match` header (`*` as itself). */
function listedTags(header: string): string[] {
  return header
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * `If-None-Match` on a GET: true when the client's copy is current (answer 304).
 * Weak comparison, as the RFC asks for this header.
 */
export function notModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = listedTags(header);
  return tags.includes("*") || tags.some((t) => t.replace(/^W\//, "") === etag);
}

/**
 * `If-Match` on a change: throws 412 unless the header is absent, `*` (the
 * resource exists, as it does when this is called) or lists `etag` (strong
 * comparison: a weak tag never matches).
 */
export function assertIfMatch(header: string | undefined, etag: string): void {
  if (header === undefined) return;
  const tags = listedTags(header);
  if (tags.includes("*") || tags.includes(etag)) return;
  throw new ApiError(412, "precondition_failed", `the resource has changed: its ETag is now ${etag}`);
}
