/**
 * The site's layout in a real browser (headless Chromium) under the app's
 * content-security policy: the stylesheet loads and applies, no resource is
 * refused by the policy, and a form posts with its CSRF token.
 * Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import { addProbeWebFiles } from "./probe-game.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[web-app-browser] SKIPPED: ${CHROMIUM} not found`);

describe.skipIf(!hasChromium)("the site layout in a browser", () => {
  let t: WebTestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startWebTestServer("sqlite", { prepare: (dir) => addProbeWebFiles(dir, { overrideStylesheet: false }) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("applies the stylesheet with nothing refused by the CSP, and posts a form with its token", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const messages: string[] = [];
      page.on("console", (m) => messages.push(m.text()));
      page.on("pageerror", (err) => messages.push(`PAGEERROR ${err.message}`));
      const response = await page.goto(`${t.url}/probe/form`);
      expect(response?.status()).toBe(200);
      // the framework's stylesheet (from /static/, under the CSP) is applied
      expect(await page.evaluate(`getComputedStyle(document.querySelector(".site-header")).display`)).toBe("flex");
      await page.goto(`${t.url}/no/such/page`);
      const refused = messages.filter((l) => /Content Security Policy|Refused to/i.test(l));
      expect(refused, messages.join("\n")).toEqual([]);
      expect(messages.filter((l) => l.startsWith("PAGEERROR"))).toEqual([]);
      // a form with its token, in the browser: the probe form posts and is accepted
      await page.goto(`${t.url}/probe/form`);
      await page.locator('input[name="value"]').fill("from the browser");
      const [posted] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/probe/form") && r.request().method() === "POST"), page.locator('input[name="value"]').press("Enter")]);
      expect(posted.status()).toBe(200);
      expect(await posted.json()).toEqual({ ok: true, value: "from the browser" });
    } finally {
      await context.close();
    }
  }, 60_000);
});
