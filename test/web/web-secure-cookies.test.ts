/**
 * Behind HTTPS (`webSecureCookies: true`, a TLS-terminating proxy in front of the
 * portal that says `X-Forwarded-Proto: https`): the session cookie is Secure, HSTS
 * is sent and the CSP upgrades insecure requests; a plain-HTTP request gets no
 * session cookie at all (a Secure cookie over HTTP would be a leak).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import { addProbeWebFiles } from "./probe-game.ts";
import { WebTestClient } from "./web-test-client.ts";

let t: WebTestServer;

beforeAll(async () => {
  t = await startWebTestServer("sqlite", { prepare: addProbeWebFiles, settings: { webSecureCookies: true } });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

it("marks the session cookie Secure and sends HSTS when the request came over HTTPS", async () => {
  const answer = await new WebTestClient(t.url).get("/probe/form", { "x-forwarded-proto": "https" });
  const cookie = answer.setCookies.find((c) => c.startsWith(`${t.server.settings.webSessionCookie}=`));
  expect(cookie, answer.setCookies.join("\n")).toMatch(/;\s*Secure/i);
  expect(cookie).toMatch(/;\s*HttpOnly/i);
  expect(answer.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  expect(answer.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
});

it("sets no session cookie on a plain-HTTP request", async () => {
  const answer = await new WebTestClient(t.url).get("/probe/form");
  expect(answer.status).toBe(200);
  expect(answer.setCookies.filter((c) => c.startsWith(`${t.server.settings.webSessionCookie}=`))).toEqual([]);
});
