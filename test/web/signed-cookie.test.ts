/**
 * The session cookie's signature (what the server checks when the portal passes on
 * a webclient connection's cookie) and the folder-confinement helper used for
 * static files and templates.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signSessionId, unsignSessionCookie } from "../../evennia-ts/web/signed-cookie.ts";
import { resolveInside } from "../../evennia-ts/web/safe-path.ts";

describe("signed session cookies", () => {
  const secret = "a-secret-for-tests";

  it("reads back the id of a cookie it signed, raw or URL-encoded", () => {
    const value = signSessionId("abc123", secret);
    expect(unsignSessionCookie(value, secret)).toBe("abc123");
    expect(unsignSessionCookie(encodeURIComponent(value), secret)).toBe("abc123");
  });

  it("refuses another secret, a changed id or signature, unsigned and malformed values", () => {
    const value = signSessionId("abc123", secret);
    expect(unsignSessionCookie(value, "another-secret")).toBeNull();
    expect(unsignSessionCookie(value.replace("abc123", "abc124"), secret)).toBeNull();
    expect(unsignSessionCookie(`${value.slice(0, -1)}x`, secret)).toBeNull();
    expect(unsignSessionCookie("abc123", secret)).toBeNull();
    expect(unsignSessionCookie("s:abc123", secret)).toBeNull();
    expect(unsignSessionCookie("s%3A%E0%A4%A", secret)).toBeNull();
    expect(unsignSessionCookie(`s:${"x".repeat(5000)}.sig`, secret)).toBeNull();
  });
});

describe("resolveInside", () => {
  const root = path.resolve("/srv/game/web/static");

  it("resolves paths inside the folder", () => {
    expect(resolveInside(root, "website/site.css")).toBe(path.join(root, "website", "site.css"));
  });

  it.each(["../x", "a/../../x", "/etc/passwd", "a\\..\\..\\x", "a/./b", "x\0y", "C:/windows", ""])("refuses %j", (p) => {
    expect(resolveInside(root, p)).toBeNull();
  });
});
