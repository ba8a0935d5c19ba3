/**
 * The web admin in a real browser (headless Chromium through playwright-core)
 * against an in-process game: an Admin opens an object in the admin, edits its
 * description, and a telnet player looking at the object sees the new text at
 * once — the admin changed the live object the game holds. Screenshots go to
 * `test-output/admin-*.png`. Skipped, with a notice, where /usr/bin/chromium is missing.
 *
 * The admin logs in with HTTP Basic credentials (the web app's other way in):
 * the website's login form is not part of this branch.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { basicAuth } from "./web-test-client.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[admin-browser] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);

const OUTPUT = path.join(packageRoot, "test-output");
const PASSWORD = "correct-horse-battery";
const WAIT_MS = 10_000;

describe.skipIf(!hasChromium)("web admin in Chromium", () => {
  let game: InProcessGame;
  let browser: Browser;
  let telnet: TelnetTestClient | null = null;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    game = await startInProcessGame();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });

  afterAll(async () => {
    telnet?.close();
    await browser?.close();
    await game?.stop();
  });

  it("an admin edits an object's description and a telnet player looking at it sees the change", async () => {
    const services: WebServices = game.server()!.web!.web.context.services;
    await services.createAccount("root", PASSWORD);
    const anna = await services.createAccount("anna", PASSWORD);
    await services.runInUnit(async () => {
      anna.permissions.add("Admin");
    });

    // a telnet player in Limbo, with a statue next to it
    telnet = await TelnetTestClient.connect(game.telnetPort);
    await telnet.waitFor("create <username> <password>");
    telnet.send(`create paul ${PASSWORD}`);
    await telnet.waitFor("A new account 'paul' was created");
    telnet.send(`connect paul ${PASSWORD}`);
    await telnet.waitFor(/Limbo/);
    const limbo = (await services.store.get("object", 1)) as DefaultObject;
    let statue!: DefaultObject;
    await services.runInUnit(async () => {
      statue = await createObject(DefaultObject, { key: "marble statue", location: limbo, home: limbo });
      statue.db.desc = "A statue of somebody famous.";
    });
    telnet.send("look marble statue");
    await telnet.waitFor("A statue of somebody famous.");

    // the credentials go with every request (a browser sends Basic ones only after a 401, and the admin redirects to a login page instead)
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, extraHTTPHeaders: { authorization: basicAuth("anna", PASSWORD) } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      // every file the pages ask for is there (the browser's own favicon guess aside)
      page.on("response", (r) => {
        if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on("pageerror", (err) => problems.push(`PAGEERROR ${err.message}`));
      const base = game.serverWebUrl()!;

      // find the statue in the object list, by its name
      const list = await page.goto(`${base}/admin/objects?q=statue`);
      expect(list?.status()).toBe(200);
      await page.locator("a.row-link", { hasText: "marble statue" }).click();
      await page.locator("h1", { hasText: "marble statue" }).waitFor({ timeout: WAIT_MS });
      expect(page.url()).toBe(`${base}/admin/objects/${statue.id}`);
      // the stylesheet applied (the CSP lets only the site's own files in)
      const navDisplay = await page.locator(".admin-nav").evaluate((el) => (globalThis as any).getComputedStyle(el).flexDirection as string);
      expect(navDisplay).toBe("column");
      await page.screenshot({ path: path.join(OUTPUT, "admin-object.png"), fullPage: true });

      // edit the desc in its row of the attribute table
      const descBox = page.getByLabel("Value of desc");
      expect(await descBox.inputValue()).toBe("'A statue of somebody famous.'");
      await descBox.fill("A statue of Anna, freshly <polished>.");
      await page.locator("form.inline-edit", { has: descBox }).getByRole("button", { name: "Save" }).click();
      await page.locator(".flash", { hasText: "Modified attribute marble statue/desc" }).waitFor({ timeout: WAIT_MS });
      expect(await page.getByLabel("Value of desc").inputValue()).toBe("'A statue of Anna, freshly <polished>.'");
      await page.screenshot({ path: path.join(OUTPUT, "admin-object-saved.png"), fullPage: true });
      // the status page, with the telnet player among the sessions
      await page.goto(`${base}/admin/status`);
      expect(await page.locator("#sessions").textContent()).toContain("telnet: 1");
      expect(await page.locator("#commands").textContent()).toMatch(/per second/);
      await page.screenshot({ path: path.join(OUTPUT, "admin-status.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    // the game's own instance changed: the telnet player sees it at once
    expect(statue.db.desc).toBe("A statue of Anna, freshly <polished>.");
    telnet.send("look marble statue");
    await telnet.waitFor("A statue of Anna, freshly <polished>.");
  });
});
