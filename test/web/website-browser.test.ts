/**
 * The website in a real browser (headless Chromium through playwright-core)
 * against an in-process game: register, see the characters page, create a
 * character, look at it, log out and log in again. Screenshots go to
 * `test-output/website-*.png`. Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[website-browser] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);

const SCREENSHOTS = path.join(packageRoot, "test-output");
const WAIT_MS = 10_000;

let game: InProcessGame;
let browser: Browser;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `website-${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)("website in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    game = await startInProcessGame({ maxNrCharacters: 2 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await game?.stop();
  });

  it("registers, lists and creates characters, logs out and in again", async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(`PAGEERROR ${err.message}`));
    // console errors (a CSP violation, a script error); failed loads are checked by status below
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
    });
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    const base = game.serverWebUrl()!;

    expect((await page.goto(`${base}/`))?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toContain("Welcome to");
    await shot(page, "front");

    await page.goto(`${base}/auth/register`);
    await page.fill("#username", "Anna");
    await page.fill("#password", "secret123");
    await page.fill("#password2", "secret124");
    await page.click("main button[type=submit]");
    await page.locator("text=The two passwords do not match.").waitFor();
    expect(await page.inputValue("#username")).toBe("Anna");
    expect(await page.inputValue("#password")).toBe("");
    await shot(page, "register-error");
    await page.fill("#password", "secret123");
    await page.fill("#password2", "secret123");
    await page.click("main button[type=submit]");
    await page.waitForURL(`${base}/characters/`);
    expect(await page.locator("ul.characters a").allTextContents()).toEqual(["Anna"]);
    await shot(page, "characters");

    await page.click("text=Create a character");
    await page.fill("#name", "Bertram <b>");
    await page.fill("#desc", "A tall fellow with a crooked smile.");
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/characters\/\d+\/$/);
    expect(await page.locator("h1").textContent()).toBe("Bertram <b>");
    await shot(page, "character");

    await page.click(".site-account button[type=submit]");
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/characters/`);
    await page.waitForURL(/\/auth\/login/);
    await page.fill("#username", "Anna");
    await page.fill("#password", "secret123");
    await page.click("main button[type=submit]");
    await page.waitForURL(`${base}/characters/`);
    expect(await page.locator("ul.characters a").allTextContents()).toEqual(["Anna", "Bertram <b>"]);
    await shot(page, "characters-again");
    for (const [where, name] of [["/help/", "help"], ["/help/general/look/", "help-topic"], ["/channels/", "channels"], ["/news/", "news"]] as const) {
      expect((await page.goto(`${base}${where}`))?.status(), where).toBe(200);
      await shot(page, name);
    }
    expect(problems).toEqual([]);
    // the one refused form is the only failure: stylesheets and pages all load
    expect(failed).toEqual(["400 POST /auth/register"]);
    await context.close();
  }, 60_000);
});
