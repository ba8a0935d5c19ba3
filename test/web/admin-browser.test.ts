/**
 * The web admin in a real browser (headless Chromium through playwright-core)
 * against an in-process game: an Admin opens an object in the admin, edits its
 * description, and a telnet player looking at the object sees the new text at
 * once — the admin changed the live object the game holds. Screenshots go to
 * `test-output/admin-*.png`. Skipped, with a notice, where /usr/bin/chromium is missing.
 *
 * The admin logs in as an admin would: the admin page sends the browser to the
 * website's login form (`/auth/login?next=…`), which brings it back after login.
 * The admin then creates an object from the object list and teleports it.
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

  it("an admin logs in through the login form, edits a description, creates and teleports an object; a telnet player sees each", async () => {
    const services: WebServices = (await game.server()!.web!.app()).context.services;
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

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      // every file the pages ask for is there (the browser's own favicon guess aside)
      page.on("response", (r) => {
        if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on("pageerror", (err) => problems.push(`PAGEERROR ${err.message}`));
      const base = game.serverWebUrl()!;

      // the admin page sends an anonymous browser to the login form, which brings it back
      await page.goto(`${base}/admin/objects?q=statue`);
      expect(new URL(page.url()).pathname).toBe("/auth/login");
      await page.getByLabel("Account name").fill("anna");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.screenshot({ path: path.join(OUTPUT, "admin-login.png"), fullPage: true });
      await page.getByRole("button", { name: "Log in" }).click();
      await page.locator("h1", { hasText: "Objects" }).waitFor({ timeout: WAIT_MS });
      expect(page.url()).toBe(`${base}/admin/objects?q=statue`);

      // find the statue in the object list, by its name
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
      telnet!.send("look marble statue");
      await telnet!.waitFor("A statue of Anna, freshly <polished>.");
      await page.screenshot({ path: path.join(OUTPUT, "admin-object-saved.png"), fullPage: true });

      // create a lantern in Limbo from the object list's form: the telnet player sees it arrive there
      await page.goto(`${base}/admin/objects`);
      const create = page.locator("#create");
      await create.getByLabel("Name").fill("paper lantern");
      await create.getByLabel("Location").fill(`#${limbo.id}`);
      await page.screenshot({ path: path.join(OUTPUT, "admin-objects-create.png"), fullPage: true });
      await create.getByRole("button", { name: "Create" }).click();
      await page.locator("h1", { hasText: "paper lantern" }).waitFor({ timeout: WAIT_MS });
      await page.screenshot({ path: path.join(OUTPUT, "admin-object-created.png"), fullPage: true });
      telnet!.send("look");
      await telnet!.waitFor("paper lantern");
      // and teleport the statue away from the player, through the location form
      const lantern = page.url();
      await page.goto(`${base}/admin/objects/${statue.id}`);
      await page.getByLabel("Location").fill(`#${new URL(lantern).pathname.split("/").pop()}`);
      await page.getByRole("button", { name: "Teleport" }).click();
      // the page it comes back to shows the new location
      await page.locator("dd", { hasText: "paper lantern" }).first().waitFor({ timeout: WAIT_MS });
      await page.screenshot({ path: path.join(OUTPUT, "admin-object-teleported.png"), fullPage: true });
      // the status page, with the telnet player among the sessions
      await page.goto(`${base}/admin/status`);
      expect(await page.locator("#sessions").textContent()).toContain("telnet: 1");
      expect(await page.locator("#commands").textContent()).toMatch(/per second/);
      await page.screenshot({ path: path.join(OUTPUT, "admin-status.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    // the game's own instance changed: the telnet player saw the desc at once, and the statue is in the lantern now
    expect(statue.db.desc).toBe("A statue of Anna, freshly <polished>.");
    expect(statue.location?.key).toBe("paper lantern");
    telnet.send("look marble statue");
    await telnet.waitFor(/Could not find|no match|not find/i);
  }, 120_000);
});
