/**
 * The webclient in a real browser (headless Chromium through playwright-core) against
 * an in-process game: log in, play, talk with a telnet player, colours, links, prompt,
 * password mode, screen size, a server reload and a dropped connection.
 * Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Socket } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { packageRoot } from "../../../evennia-ts/testing/game-folder.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[webclient-browser] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);
}

/** Where the screenshot of the played session goes. */
const SCREENSHOT = path.join(packageRoot, ".tmp", "webclient.png");
const WAIT_MS = 10_000;

let game: InProcessGame;
let browser: Browser;
const closers: (() => void | Promise<void>)[] = [];

async function openClient(): Promise<{ page: Page; consoleLines: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  closers.push(() => context.close());
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on("console", (m) => consoleLines.push(m.text()));
  page.on("pageerror", (err) => consoleLines.push(`PAGEERROR ${err.message}`));
  const response = await page.goto(`http://127.0.0.1:${game.status.webPort}/webclient/`);
  expect(response?.status()).toBe(200);
  return { page, consoleLines };
}

/** Wait for an output block containing `text`. */
async function waitForOutput(page: Page, text: string | RegExp): Promise<void> {
  await page.locator("#output .msg", { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

async function outputCount(page: Page, text: string | RegExp): Promise<number> {
  return page.locator("#output .msg", { hasText: text }).count();
}

async function command(page: Page, line: string): Promise<void> {
  await page.locator("#input").fill(line);
  await page.locator("#input").press("Enter");
}

async function waitForState(page: Page, state: string): Promise<void> {
  await page.locator(`#status[data-state="${state}"]`).waitFor({ timeout: WAIT_MS });
}

/** The server session of the (one) websocket player. */
function webSession(): ServerSession {
  const session = game.server()?.allSessions().find((s) => s.protocolKey === "websocket");
  if (!session) throw new Error("no websocket session on the server");
  return session;
}

async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!hasChromium)("webclient in Chromium", () => {
  beforeAll(async () => {
    game = await startInProcessGame();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-quic",
        "--disable-sync",
      ],
    });
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  afterAll(async () => {
    await browser?.close();
    await game?.stop();
  });

  it("plays a session: login, look, say with a telnet player, links, prompt, password mode, reload", async () => {
    const { page, consoleLines } = await openClient();
    expect(page.url()).toBe(`http://127.0.0.1:${game.status.webPort}/webclient/`);
    await waitForState(page, "connected");
    await waitForOutput(page, "create <username> <password>");
    expect(await page.getAttribute("#output", "aria-live")).toBe("polite");
    expect(await page.locator("label[for=input]").textContent()).toBe("Command");

    // the screen width went out, measured from the output area (not the default 78)
    await waitUntil(() => typeof webSession().clientOptions.screenwidth === "number" && webSession().clientOptions.screenwidth !== 78, "screenwidth");
    const wide = webSession().clientOptions.screenwidth as number;
    expect(wide).toBeGreaterThan(90);

    // a password on a create line is shown back masked, and kept out of the history
    await command(page, "create Anna secret123");
    await waitForOutput(page, "A new account 'Anna' was created");
    await waitForOutput(page, "create Anna ********");
    // connect without the password: the server asks, the input turns into a password field
    await command(page, "connect Anna");
    await page.locator("#input[type=password]").waitFor({ timeout: WAIT_MS });
    await command(page, "secret123");
    await waitForOutput(page, "You become");
    await page.locator("#input[type=text]").waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#output").textContent()).not.toContain("secret123");
    await page.locator("#input").press("ArrowUp");
    expect(await page.locator("#input").inputValue()).toBe("connect Anna");
    await page.locator("#input").fill("");
    await command(page, "look");
    await waitForOutput(page, "Limbo");

    // colour classes are rendered with the palette
    const coloured = page.locator("#output [class*='color-']").first();
    await coloured.waitFor({ timeout: WAIT_MS });
    const colour = await coloured.evaluate((el) => (globalThis as any).getComputedStyle(el).color as string);
    const plain = await page.locator("#output").evaluate((el) => (globalThis as any).getComputedStyle(el).color as string);
    expect(colour).not.toBe(plain);

    // a telnet player in the same room
    const bob = await TelnetTestClient.connect(game.telnetPort);
    closers.push(() => bob.close());
    await bob.waitFor("create <username> <password>");
    bob.send("create Bob secret456");
    await bob.waitFor("A new account 'Bob' was created");
    bob.send("connect Bob secret456");
    await bob.waitFor(/Limbo/);
    await waitForOutput(page, "Bob has entered the game.");

    await command(page, "say hello");
    await waitForOutput(page, 'You say, "hello"');
    await bob.waitFor('Anna says, "hello"');
    bob.send("say hi Anna, welcome to the web");
    await waitForOutput(page, 'Bob says, "hi Anna, welcome to the web"');

    // history: up brings back the last command, down the draft
    await page.locator("#input").fill("draft");
    await page.locator("#input").press("ArrowUp");
    expect(await page.locator("#input").inputValue()).toBe("say hello");
    await page.locator("#input").press("ArrowUp");
    expect(await page.locator("#input").inputValue()).toBe("look");
    await page.locator("#input").press("ArrowDown");
    await page.locator("#input").press("ArrowDown");
    expect(await page.locator("#input").inputValue()).toBe("draft");
    await page.locator("#input").fill("");

    // a command link sends its command
    webSession().msg("Try |lclook|ltthis link|le to look around.");
    const link = page.locator("#output a.mxplink[data-command='look']");
    await link.waitFor({ timeout: WAIT_MS });
    const limbos = await outputCount(page, "Limbo");
    await link.click();
    await page.locator("#output .msg", { hasText: "Limbo" }).nth(limbos).waitFor({ timeout: WAIT_MS });

    // markup in raw_text never becomes HTML: the server escaped it
    webSession().msg("<b>not bold</b> & |rred|n");
    await waitForOutput(page, "<b>not bold</b> & red");
    expect(await page.locator("#output b").count()).toBe(0);

    // prompt
    webSession().msg({ prompt: "HP: |g10|n > " });
    await page.locator("#prompt", { hasText: "HP: 10" }).waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#prompt .color-010, #prompt .color-002").count()).toBe(1);

    // password mode
    webSession().msg({ echo: [[], { hidden: true }] });
    await page.locator("#input[type=password]").waitFor({ timeout: WAIT_MS });
    webSession().msg({ echo: [[], { hidden: false }] });
    await page.locator("#input[type=text]").waitFor({ timeout: WAIT_MS });

    // other OOB messages go to the console
    webSession().msg({ char_vitals: [[], { hp: 10 }] });
    await waitUntil(() => consoleLines.some((l) => l.includes('OOB "char_vitals"')), "OOB logged to the console");

    // the screen width follows the window
    await page.setViewportSize({ width: 640, height: 600 });
    await waitUntil(() => (webSession().clientOptions.screenwidth as number) < wide, "a narrower screenwidth");

    // reload of the server: the page stays, the messages show, play goes on
    await page.evaluate("window.__sameDocument = true");
    game.portal.reload();
    await waitForOutput(page, "Server restarting...");
    await waitForOutput(page, "... done.");
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    await waitForState(page, "connected");
    await command(page, "say still here");
    await waitForOutput(page, 'You say, "still here"');
    await bob.waitFor('Anna says, "still here"');

    await page.setViewportSize({ width: 1000, height: 700 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(consoleLines.filter((l) => l.startsWith("PAGEERROR"))).toEqual([]);
  });

  it("reconnects by itself after a dropped connection", async () => {
    const { page } = await openClient();
    await waitForState(page, "connected");
    await waitForOutput(page, "create <username> <password>");
    await waitUntil(() => game.portal.sessions.all().some((s) => s.transport.protocolKey === "websocket"), "websocket session");
    const first = game.portal.sessions.all().find((s) => s.transport.protocolKey === "websocket")!;
    // drop the TCP connection without a close frame (the browser sees code 1006)
    (first.transport as unknown as { socket: Socket }).socket.destroy();
    await waitForOutput(page, "The connection was lost.");
    await waitForState(page, "connected");
    await waitForOutput(page, "Reconnected.");
    expect(await outputCount(page, "create <username> <password>")).toBe(2);
  });

  it("after a normal close by the server waits for the Reconnect button", async () => {
    const { page } = await openClient();
    await waitForState(page, "connected");
    await waitForOutput(page, "create <username> <password>");
    await command(page, "quit");
    await waitForState(page, "disconnected");
    await waitForOutput(page, "The connection was closed.");
    expect(await page.locator("#reconnect").isVisible()).toBe(true);
    await page.locator("#reconnect").click();
    await waitForState(page, "connected");
    await page.locator("#output .msg", { hasText: "create <username> <password>" }).nth(1).waitFor({ timeout: WAIT_MS });
  });
});
