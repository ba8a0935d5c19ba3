/**
 * End to end in a real browser (headless Chromium through playwright-core), all
 * through the PORTAL's web port, as a new player would: open the website, register,
 * click "Play" in the site's navigation, and be in the game at once as that account
 * (the webclient's connection carries the website cookie), standing in the room; a
 * `say` there is heard by a telnet player. No page may log a script error or a
 * content-security-policy violation. Screenshots: test-output/e2e-*.png.
 * Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[e2e-browser] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);

const SCREENSHOTS = path.join(packageRoot, "test-output");
const WAIT_MS = 10_000;

let game: InProcessGame;
let browser: Browser;
let telnet: TelnetTestClient | null = null;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `e2e-${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)("a new player in Chromium, through the portal", () => {
  beforeAll(async () => {
    game = await startInProcessGame();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
    });
  }, 30_000);

  afterAll(async () => {
    telnet?.close();
    await browser?.close();
    await game?.stop();
  });

  it("registers on the website, clicks Play, is in the game as that account and talks with a telnet player", async () => {
    const base = `http://127.0.0.1:${game.status.webPort}`;
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.addInitScript('document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));');
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`${page.url()}: ${m.text()}`);
    });
    // every resource a page asked for was there (the 503 "restarting" answers while the app starts are fine)
    page.on("response", (r) => {
      if (r.status() >= 400 && r.status() !== 503) problems.push(`${r.url()}: ${r.status()}`);
    });
    page.on("pageerror", (err) => problems.push(`${page.url()}: PAGEERROR ${err.message}`));

    // the website, through the portal (the server's app may still be starting: the portal says "restarting")
    const deadline = Date.now() + WAIT_MS;
    let home = await page.goto(`${base}/`);
    while (home?.status() !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      home = await page.goto(`${base}/`);
    }
    expect(home?.status()).toBe(200);
    expect(home?.headers()["content-security-policy"]).toContain("default-src 'self'");
    expect(await page.locator(".site-name").textContent()).toBe("TestGame");
    // the site's stylesheet applied (served through the proxy under the CSP)
    expect(await page.evaluate('getComputedStyle(document.querySelector(".site-header")).display')).toBe("flex");
    await screenshot(page, "home");

    // register
    await page.locator(".site-account a", { hasText: "Register" }).click();
    await page.waitForURL(`${base}/auth/register`);
    await page.fill("#username", "Mira");
    await page.fill("#password", "secret-pass-1");
    await page.fill("#password2", "secret-pass-1");
    await page.locator("button[type=submit]", { hasText: "Create the account" }).click();
    await page.waitForURL(`${base}/characters/`);
    expect(await page.locator(".site-account-name").textContent()).toBe("Mira");
    await screenshot(page, "registered");

    // Play: the webclient, logged in without typing anything
    const webclientPage = page.waitForResponse(`${base}/webclient/`);
    await page.locator(".site-nav a", { hasText: "Play" }).click();
    await page.waitForURL(`${base}/webclient/`);
    // the webclient's own policy holds (a violation would be in `problems`)
    expect((await webclientPage).headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.locator("#output .msg", { hasText: "You become Mira" }).first().waitFor({ timeout: WAIT_MS });
    await page.locator("#output .msg", { hasText: "Limbo" }).first().waitFor({ timeout: WAIT_MS });
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: WAIT_MS });
    // straight into the game: no connection screen asking for a password
    expect(await page.locator("#output .msg", { hasText: "connect <username> <password>" }).count()).toBe(0);
    const session = game.server()!.allSessions().find((s) => s.account?.key === "Mira");
    expect(session?.protocolKey).toBe("websocket");
    expect(session?.puppet?.key).toBe("Mira");

    // a telnet player in the same room hears a say from the webclient, and the webclient hears theirs
    telnet = await TelnetTestClient.connect(game.telnetPort);
    await telnet.waitFor("create <username> <password>");
    telnet.send("create Tomas secret-pass-2");
    await telnet.waitFor("A new account 'Tomas' was created");
    telnet.send("connect Tomas secret-pass-2");
    await telnet.waitFor(/Limbo/);
    await page.locator("#input").fill("say hello from the browser");
    await page.locator("#input").press("Enter");
    await telnet.waitFor('Mira says, "hello from the browser');
    telnet.send("say hello from telnet");
    await page.locator("#output .msg", { hasText: 'Tomas says, "hello from telnet' }).first().waitFor({ timeout: WAIT_MS });
    await screenshot(page, "webclient");

    expect(problems).toEqual([]);
    await context.close();
  }, 40_000); // a shared machine can be slow to drive a browser
});
