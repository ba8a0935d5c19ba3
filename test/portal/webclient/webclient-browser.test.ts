/**
 * The webclient in a real browser (headless Chromium through playwright-core) against
 * an in-process demo game, the page served under a strict Content-Security-Policy:
 * log in, play, talk with a telnet player, colours, links, prompt, password mode,
 * screen size, the connection state, a server reload and a dropped connection; the
 * vitals bar, the Channels tab, the scrollback cap; markup sent by another player
 * that must not run; and the comet fallback when websockets cannot connect.
 * Screenshots go to test-output/webclient-*.png.
 * Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Socket } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WEBCLIENT_OPTIONS_ATTRIBUTE } from "../../../evennia-ts/server/oob/webclient-options.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { packageRoot } from "../../../evennia-ts/testing/game-folder.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[webclient-browser] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);
}

/** Where the screenshots go. */
const SCREENSHOTS = path.join(packageRoot, "test-output");
const WAIT_MS = 10_000;
/** The policy the website will send: scripts, styles and connections of the game's own origin only. */
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'";

/** An init script for a network that does not pass websockets: each attempt closes before it opens. */
const BLOCKED_WEBSOCKET = `
      window.__wsAttempts = { count: 0 };
      class BlockedWebSocket extends EventTarget {
        static CONNECTING = 0;
        static OPEN = 1;
        static CLOSING = 2;
        static CLOSED = 3;
        readyState = 0;
        constructor(url) {
          super();
          this.url = url;
          window.__wsAttempts.count++;
          setTimeout(() => {
            this.readyState = 3;
            this.dispatchEvent(new Event("error"));
            this.dispatchEvent(new CloseEvent("close", { code: 1006, wasClean: false }));
          }, 10);
        }
        send() {
          throw new Error("not open");
        }
        close() {}
      }
      window.WebSocket = BlockedWebSocket;`;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `webclient-${name}.png`) });
}

let game: InProcessGame;
let browser: Browser;
const closers: (() => void | Promise<void>)[] = [];

/**
 * A page of the webclient, served with {@link STRICT_CSP}; `initScript` runs before the
 * page's own scripts. `consoleLines` gathers the console, page errors, CSP violations
 * ("CSP ...") and dialogs ("DIALOG ...").
 */
async function openClient(initScript?: string): Promise<{ page: Page; consoleLines: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  closers.push(() => context.close());
  if (initScript) await context.addInitScript(initScript);
  await context.addInitScript(
    'document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));',
  );
  await context.route("**/webclient/", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": STRICT_CSP } });
  });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on("console", (m) => consoleLines.push(m.text()));
  page.on("pageerror", (err) => consoleLines.push(`PAGEERROR ${err.message}`));
  page.on("dialog", (d) => {
    consoleLines.push(`DIALOG ${d.message()}`);
    void d.dismiss();
  });
  const response = await page.goto(`http://127.0.0.1:${game.status.webPort}/webclient/`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-security-policy"]).toBe(STRICT_CSP);
  return { page, consoleLines };
}

/** Lines that show a problem: page errors, CSP violations, dialogs. */
function problems(consoleLines: string[]): string[] {
  return consoleLines.filter((l) => /^(PAGEERROR|CSP|DIALOG)/.test(l));
}

/** Create account `name` and log in with it (its character puppeted). */
async function logIn(page: Page, name: string, password: string): Promise<void> {
  await waitForOutput(page, "create <username> <password>");
  await command(page, `create ${name} ${password}`);
  await waitForOutput(page, `A new account '${name}' was created`);
  await command(page, `connect ${name} ${password}`);
  await waitForOutput(page, "You become");
}

/** A telnet player logged in as `name` (closed after the test). */
async function telnetPlayer(name: string, password: string): Promise<TelnetTestClient> {
  const client = await TelnetTestClient.connect(game.telnetPort);
  closers.push(() => client.close());
  await client.waitFor("create <username> <password>");
  client.send(`create ${name} ${password}`);
  await client.waitFor(`A new account '${name}' was created`);
  client.send(`connect ${name} ${password}`);
  await client.waitFor(/Limbo/);
  return client;
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

/** The server session of the (first) websocket player, or of the one logged in as `account`. */
function webSession(account?: string): ServerSession {
  const session = game
    .server()
    ?.allSessions()
    .find((s) => s.protocolKey === "websocket" && (account === undefined || s.account?.key === account));
  if (!session) throw new Error(`no websocket session${account ? ` of ${account}` : ""} on the server`);
  return session;
}

async function statusOf(page: Page): Promise<{ state: string | null; transport: string | null; text: string | null; announced: string | null }> {
  return {
    state: await page.getAttribute("#status", "data-state"),
    transport: await page.getAttribute("#status", "data-transport"),
    text: await page.locator("#status-text").textContent(),
    announced: await page.locator("#status-announce").textContent(),
  };
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
    // every page, script and player of this file comes from 127.0.0.1: the per-IP limits are raised
    game = await startInProcessGame({ demoWorld: true, connectionsPerIpPerMinute: 1000, maxConnectionsPerIp: 100, accountCreationsPerIp: 100 });
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
        // a page whose response a route fulfilled (to add the CSP header) counts as public
        // to Chromium, which would then refuse its websocket to 127.0.0.1
        "--disable-features=LocalNetworkAccessChecks",
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
    await waitForState(page, "connected");
    expect(await statusOf(page)).toEqual({ state: "connected", transport: "websocket", text: "connected (websocket)", announced: "Connected over websocket" });
    await waitForOutput(page, "create <username> <password>");
    expect(await page.getAttribute("#output", "aria-live")).toBe("polite");
    expect(await page.getAttribute("#output", "role")).toBe("log");
    expect(await page.getAttribute("#status-announce", "role")).toBe("status");
    expect(await page.getAttribute("#tabs", "role")).toBe("tablist");
    expect(await page.locator("label[for=input]").textContent()).toBe("Command");
    expect(await page.evaluate("document.activeElement.id")).toBe("input");

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

    // OOB messages no handler listens to go to the console
    webSession().msg({ weather: [[], { sky: "grey" }] });
    await waitUntil(() => consoleLines.some((l) => l.includes('OOB "weather"')), "OOB logged to the console");

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
    expect((await statusOf(page)).text).toBe("connected (websocket)");
    await command(page, "say still here");
    await waitForOutput(page, 'You say, "still here"');
    await bob.waitFor('Anna says, "still here"');
    expect(await page.evaluate("document.activeElement.id")).toBe("input");

    await page.setViewportSize({ width: 1000, height: 700 });
    await screenshot(page, "session");
    expect(problems(consoleLines)).toEqual([]);
  });

  it("reconnects by itself after a dropped connection, counting down in the state", async () => {
    // every text the state shows, in order
    const { page } = await openClient(`
      window.__states = [];
      document.addEventListener("DOMContentLoaded", () => {
        const text = document.getElementById("status-text");
        new MutationObserver(() => window.__states.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
      });`);
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
    // consecutive repeats (the countdown ticking on the same second) left out
    const states = ((await page.evaluate("window.__states")) as string[]).filter((t, i, all) => t !== all[i - 1]);
    expect(states.slice(states.indexOf("connected (websocket)"))).toEqual(["connected (websocket)", "reconnecting in 1 s…", "reconnecting…", "connected (websocket)"]);
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

  it("shows the demo vitals as labelled bars and puts channel messages in the Channels tab", async () => {
    const { page, consoleLines } = await openClient();
    await waitForState(page, "connected");
    expect(await page.locator("#vitals").isHidden()).toBe(true);
    await logIn(page, "Vera", "secret789");
    // the demo game sends char_vitals when the character is puppeted
    const hp = page.locator('#vitals .vital[data-key="hp"] [role="meter"]');
    await hp.waitFor({ timeout: WAIT_MS });
    expect(await hp.getAttribute("aria-valuenow")).toBe("7");
    expect(await hp.getAttribute("aria-valuemax")).toBe("10");
    expect(await hp.getAttribute("aria-valuetext")).toBe("7 of 10");
    expect(await page.locator(`#${await hp.getAttribute("aria-labelledby")}`).textContent()).toBe("HP");
    expect(await page.locator('#vitals .vital[data-key="mp"] .vital-numbers').textContent()).toBe("3/5");
    expect(await page.locator("#vitals [role=meter]").count()).toBe(2);
    // an update changes only what it names; a bad value is ignored
    webSession("Vera").msg({ char_vitals: [[], { hp: 2, level: 3, mp: { evil: true } }] });
    await page.locator('#vitals .vital[data-key="hp"] [aria-valuenow="2"]').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#vitals .vital[data-key="hp"] .vital-fill').getAttribute("data-low")).toBe("true");
    expect(await page.locator('#vitals .vital[data-key="mp"] .vital-numbers').textContent()).toBe("3/5");
    expect(await page.locator('#vitals .vital[data-key="level"]').textContent()).toBe("Level 3");

    // a telnet player talks on the Public channel: the web player gets it in the Channels tab
    const tom = await telnetPlayer("Tom", "secret321");
    tom.send("pub anyone on the web?");
    await tom.waitFor("anyone on the web?");
    const inChannels = page.locator("#channel-output .msg", { hasText: "anyone on the web?" });
    await inChannels.waitFor({ state: "attached", timeout: WAIT_MS });
    expect(await inChannels.getAttribute("data-type")).toBe("channel");
    expect(await outputCount(page, "anyone on the web?")).toBe(0);
    expect(await page.locator("#pane-channels").isHidden()).toBe(true);
    const channelsTab = page.locator("#tab-channels");
    expect(await channelsTab.locator(".unread").textContent()).toBe("1");
    expect(await channelsTab.getAttribute("aria-label")).toBe("Channels, 1 unread");
    // the Main tab shows; text that is not a channel message stays in Main
    tom.send("say and here");
    await waitForOutput(page, 'Tom says, "and here"');
    expect(await page.locator("#tab-main .unread").isHidden()).toBe(true);

    await channelsTab.click();
    expect(await channelsTab.getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#pane-channels").isVisible()).toBe(true);
    expect(await page.locator("#pane-main").isHidden()).toBe(true);
    expect(await channelsTab.locator(".unread").isHidden()).toBe(true);
    expect(await channelsTab.getAttribute("aria-label")).toBeNull();
    expect(await page.evaluate("document.activeElement.id")).toBe("input");
    await command(page, "pub hello Tom");
    await page.locator("#channel-output .msg", { hasText: "hello Tom" }).waitFor({ timeout: WAIT_MS });
    await tom.waitFor("hello Tom");
    tom.send("say back to the room");
    await page.locator("#output .msg", { hasText: "back to the room" }).waitFor({ state: "attached", timeout: WAIT_MS });
    expect(await page.locator("#tab-main .unread").textContent()).toBe("1");
    await screenshot(page, "channels");

    // keyboard: arrows move between tabs
    await channelsTab.focus();
    await page.keyboard.press("ArrowLeft");
    expect(await page.locator("#tab-main").getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate("document.activeElement.id")).toBe("tab-main");
    expect(await page.locator("#tab-main .unread").isHidden()).toBe(true);
    await screenshot(page, "vitals");

    // the scrollback cap: set in the page, older lines go
    await page.locator("#settings summary").click();
    await page.locator("#scrollback").fill("100");
    await page.locator("#scrollback").dispatchEvent("change");
    for (let i = 0; i < 150; i++) webSession("Vera").msg(`filler line ${i}`);
    await waitForOutput(page, "filler line 149");
    expect(await page.locator("#output .msg").count()).toBe(100);
    expect(await outputCount(page, /^filler line 50$/)).toBe(1);
    expect(await outputCount(page, /^filler line 49$/)).toBe(0);
    // a message of several lines counts them all
    webSession("Vera").msg(Array.from({ length: 10 }, (_, i) => `multi ${i}`).join("\n"));
    await waitForOutput(page, "multi 9");
    expect(await page.locator("#output .msg").count()).toBe(91);
    expect(await page.evaluate("localStorage.getItem('evennia.scrollback')")).toBe("100");
    await screenshot(page, "settings");
    expect(problems(consoleLines)).toEqual([]);
  });

  it("keeps the scrollback cap on the account (webclient_options): another browser takes it at login", async () => {
    const first = await openClient();
    await waitForState(first.page, "connected");
    await logIn(first.page, "Wanda", "secret654");
    await first.page.locator("#settings summary").click();
    await first.page.locator("#scrollback").fill("321");
    await first.page.locator("#scrollback").dispatchEvent("change");
    await expect.poll(() => webSession("Wanda").account?.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE), { timeout: WAIT_MS }).toEqual({ scrollback: 321 });
    // a fresh browser (nothing in its localStorage) logs in to the same account
    const second = await openClient();
    await waitForState(second.page, "connected");
    expect(await second.page.locator("#scrollback").inputValue()).toBe("2000");
    await waitForOutput(second.page, "create <username> <password>");
    await command(second.page, "connect Wanda secret654");
    await waitForOutput(second.page, "You become");
    await expect.poll(() => second.page.locator("#scrollback").inputValue(), { timeout: WAIT_MS }).toBe("321");
    expect(await second.page.evaluate("localStorage.getItem('evennia.scrollback')")).toBe("321");
    expect(problems(first.consoleLines)).toEqual([]);
    expect(problems(second.consoleLines)).toEqual([]);
  });

  it("never runs markup another player sends through say", async () => {
    const { page, consoleLines } = await openClient("window.__pwned = 0;");
    await waitForState(page, "connected");
    await logIn(page, "Wendy", "secret654");
    const mallory = await telnetPlayer("Mallory", "secret987");
    await waitForOutput(page, "Mallory has entered the game.");
    const attacks = [
      "<script>window.__pwned = 1; alert('script')</script>",
      "<img src=x onerror=\"window.__pwned = 2; alert('img')\">",
      "<svg onload=\"window.__pwned = 3\"></svg><a href=\"javascript:window.__pwned=4\">js link</a>",
      "|lujavascript:window.__pwned=5|ltclick me|le and |lchttps://x\" onmouseover=\"window.__pwned=6|ltlink two|le",
    ];
    for (const attack of attacks) mallory.send(`say ${attack}`);
    await mallory.waitFor("link two");
    await waitForOutput(page, "link two");
    // every attack shows as the text it is
    for (const attack of attacks.slice(0, 3)) expect(await outputCount(page, attack)).toBe(1);
    // the links that remain are inert: no javascript: URL, no event handler attribute
    for (const link of await page.locator("#output a").all()) {
      expect(await link.getAttribute("href")).toMatch(/^(#|https?:)/);
      await link.hover();
      await link.click();
    }
    const handlerAttributes = await page.evaluate(
      '[...document.querySelectorAll("#client *")].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => n.startsWith("on"))',
    );
    expect(handlerAttributes).toEqual([]);
    expect(await page.locator("#output script, #output img, #output svg").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBe(0);
    await screenshot(page, "hostile-say");
    expect(problems(consoleLines)).toEqual([]);
  });

  it("copies only allowed elements and attributes of server HTML into the page (its own guard, past the portal's escaping)", async () => {
    const { page, consoleLines } = await openClient("window.__pwned = 0;");
    await waitForState(page, "connected");
    const hostile = [
      '<span class="color-009 bold" style="position:fixed" onclick="window.__pwned=1">red</span>',
      "<script>window.__pwned=2</script>after script",
      '<img src=x onerror="window.__pwned=3">',
      '<a href="javascript:window.__pwned=4">js</a>',
      '<a class="mxplink" href="#" data-command="look" onclick="window.__pwned=5">look</a>',
      '<a href="https://example.org/x" target="_self">web</a>',
      '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe><div onmouseover="window.__pwned=7">div text</div>',
      '<span class="x&quot; onclick=&quot;y evil()">class</span>',
    ].join("<br>");
    const html = (await page.evaluate(
      `import("./output.js").then(({ safeFragment }) => {
        const box = document.createElement("div");
        box.appendChild(safeFragment(${JSON.stringify(hostile)}));
        document.body.appendChild(box);
        box.querySelectorAll("a, span").forEach((el) => el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true })));
        return box.innerHTML;
      })`,
    )) as string;
    expect(html).toBe(
      [
        '<span class="color-009 bold">red</span>',
        "after script",
        "",
        "<a>js</a>",
        '<a class="mxplink" href="#" data-command="look">look</a>',
        '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">web</a>',
        "div text",
        "<span>class</span>",
      ].join("<br>"),
    );
    expect(await page.evaluate("window.__pwned")).toBe(0);
    // palette.css colours the classes (bright red is 9)
    expect(await page.evaluate('getComputedStyle(document.querySelector("body > div > span.color-009")).color')).toBe("rgb(241, 76, 76)");
    // the policy reports the inline handlers and style it refused while the inert copy was parsed
    expect(problems(consoleLines).filter((l) => !/^CSP (script|style)-src-attr inline$/.test(l))).toEqual([]);
  });

  it("falls back to comet when the websocket cannot connect, and plays on through a reload", async () => {
    const { page, consoleLines } = await openClient(BLOCKED_WEBSOCKET);
    await waitForState(page, "connected");
    expect(await statusOf(page)).toEqual({ state: "connected", transport: "comet", text: "connected (comet)", announced: "Connected over comet" });
    expect(await page.evaluate("window.__wsAttempts.count")).toBe(2);
    await waitForOutput(page, "using comet (long polling) instead");
    expect(await page.evaluate("window.evennia.transport")).toBe("comet");
    await logIn(page, "Cora", "secret111");
    await page.locator('#vitals .vital[data-key="hp"] [role="meter"]').waitFor({ timeout: WAIT_MS });
    const ned = await telnetPlayer("Ned", "secret222");
    await waitForOutput(page, "Ned has entered the game.");
    await command(page, "say over comet");
    await waitForOutput(page, 'You say, "over comet"');
    await ned.waitFor('Cora says, "over comet"');
    ned.send("say heard you");
    await waitForOutput(page, 'Ned says, "heard you"');

    // the server reloads: the comet session (held by the portal) stays, play goes on
    await page.evaluate("window.__sameDocument = true");
    game.portal.reload();
    await waitForOutput(page, "... done.");
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    expect((await statusOf(page)).text).toBe("connected (comet)");
    await command(page, "say still polling");
    await ned.waitFor('Cora says, "still polling"');
    await waitForOutput(page, 'You say, "still polling"');
    await screenshot(page, "comet");

    // an input the portal refuses is shown as an error; the session stays
    expect(await page.evaluate('window.evennia.send("text", [42], {})')).toBe(true);
    await page.locator("#output .msg.error", { hasText: "text needs a string" }).waitFor({ timeout: WAIT_MS });
    await command(page, "say after the refusal");
    await ned.waitFor('Cora says, "after the refusal"');

    // quit: the game closes the session on purpose; the page waits for the Reconnect button
    await command(page, "quit");
    await waitForState(page, "disconnected");
    await waitForOutput(page, "The connection was closed.");
    await page.locator("#reconnect").click();
    await waitForState(page, "connected");
    expect((await statusOf(page)).text).toBe("connected (comet)");
    await page.locator("#output .msg", { hasText: "create <username> <password>" }).nth(1).waitFor({ timeout: WAIT_MS });
    expect(await page.evaluate("window.__wsAttempts.count")).toBe(2);
    expect(problems(consoleLines)).toEqual([]);

    // leaving the page closes the comet session on the portal at once (no waiting for its timeout)
    const cometSessions = () => game.portal.sessions.all().filter((s) => s.transport.protocolKey === "comet").length;
    expect(cometSessions()).toBeGreaterThan(0);
    await page.goto("about:blank");
    await waitUntil(() => cometSessions() === 0, "the comet session closed");
  });

  it("over comet: a session the portal forgot starts over, a busy portal is waited out", async () => {
    const { page, consoleLines } = await openClient(BLOCKED_WEBSOCKET);
    await waitForState(page, "connected");
    expect((await statusOf(page)).transport).toBe("comet");
    await waitForOutput(page, "create <username> <password>");
    // the portal, from here: one receive answered 404 (it forgot the session), one input 503 (busy)
    const pending = { forget: 1, busy: 0 };
    const seen: string[] = [];
    await page.route("**/webclientdata", async (route) => {
      const mode = (route.request().postDataJSON() as { mode: string }).mode;
      seen.push(mode);
      if (mode === "receive" && pending.forget > 0) {
        pending.forget--;
        await route.fulfill({ status: 404, contentType: "application/json", body: '{"error":"unknown session"}' });
      } else if (mode === "input" && pending.busy > 0) {
        pending.busy--;
        await route.fulfill({ status: 503, contentType: "application/json", headers: { "retry-after": "1" }, body: '{"error":"busy"}' });
      } else {
        await route.continue();
      }
    });
    // the poll waiting now went out before the route; the next one is forgotten
    await command(page, "look");
    await waitForOutput(page, "The connection was lost.");
    await waitForOutput(page, "Reconnected.");
    await waitForState(page, "connected");
    expect((await statusOf(page)).text).toBe("connected (comet)");
    expect(seen).toContain("init");
    await page.locator("#output .msg", { hasText: "create <username> <password>" }).nth(1).waitFor({ timeout: WAIT_MS });

    pending.busy = 1;
    const before = seen.length;
    await command(page, "create Bea secret333");
    await waitForOutput(page, "A new account 'Bea' was created");
    expect(pending.busy).toBe(0);
    // the input answered 503 went again, once
    expect(seen.slice(before).filter((m) => m === "input")).toEqual(["input", "input"]);
    expect(problems(consoleLines)).toEqual([]);
  });
});
