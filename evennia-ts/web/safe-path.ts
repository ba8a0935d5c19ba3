/**
 * Resolving a path a request (or a template) names inside a folder, refusing
 * anything that would leave it: `..` segments (also URL-encoded), absolute paths,
 * backslashes, NUL bytes, and symbolic links pointing out of the folder; and other
 * spellings of a path (empty segments), so each file has one name (a cache keyed
 * by name cannot be grown by respelling it).
 */
import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * The absolute path of `relative` (already URL-decoded, `/`-separated) under
 * `root`, or null when it names something outside `root` or is malformed
 * (empty, `.` or `..` segments, a trailing slash).
 * Does not check that the file exists.
 */
export function resolveInside(root: string, relative: string): string | null {
  if (relative.length === 0 || relative.length > 1024) return null;
  if (relative.includes("\0") || relative.includes("\\")) return null;
  if (relative.startsWith("/") || path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return null;
  // one spelling per file: an empty segment (`a//b`, `a/b/`) is refused, not normalised away
  const segments = relative.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "")) return null;
  const full = path.resolve(root, relative);
  return isInside(root, full) ? full : null;
}

/** True when `file` is `root` itself or lies under it (lexically). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** True when `file` exists and its real path (symbolic links followed) lies under the real path of `root`. */
export function isReallyInside(root: string, file: string): boolean {
  try {
    return isInside(realpathSync(root), realpathSync(file));
  } catch {
    return false;
  }
}
