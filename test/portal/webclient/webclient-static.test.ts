/**
 * The webclient's static files on the portal's web front: redirects, content types,
 * caching headers, path traversal refused, the game's override folder first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startInProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { PortalWebServer, WEBCLIENT_DIR } from "../../../evennia-ts/portal/websocket/portal-web-server.ts";
import { RecordingRegistry } from "../telnet/telnet-test-client.ts";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: PortalWebServer | null = null;
const tmpDirs: string[] = [];

async function start(gameDir?: string): Promise<number> {
  server = new PortalWebServer(new RecordingRegistry(), { maxLineLength: 1000, maxOutputBuffer: 1 << 20, gameDir });
  return server.listen(0, "127.0.0.1");
}

/** A request with the path sent exactly as given (no client-side normalisation). */
function request(port: number, rawPath: string, method = "GET", headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: rawPath, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A game folder holding `files` under `web/webclient/`. */
function gameWithOverrides(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "webclient-game-"));
  tmpDirs.push(dir);
  const folder = path.join(dir, "web", "webclient");
  mkdirSync(folder, { recursive: true });
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), body);
  }
  return dir;
}

afterEach(async () => {
  await server?.close();
  server = null;
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("webclient routes", () => {
  it("redirects /webclient to /webclient/; / belongs to the server's website (proxied)", async () => {
    const port = await start();
    const r = await request(port, "/webclient");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("/webclient/");
    // no server web app in this test: the proxy answers "restarting"
    for (const p of ["/", "/?x=1"]) expect((await request(port, p)).status, p).toBe(503);
  });

  it("serves index.html, the script and the stylesheet with their content types and no-cache", async () => {
    const port = await start();
    const index = await request(port, "/webclient/");
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.headers["x-content-type-options"]).toBe("nosniff");
    expect(index.body).toContain('<script type="module" src="webclient.js"></script>');
    expect(index.body).toMatch(/id="output"[^>]*aria-live="polite"/);
    expect((await request(port, "/webclient/index.html")).body).toBe(index.body);

    const js = await request(port, "/webclient/webclient.js?v=2");
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("no-cache");
    expect(js.body).toContain("new WebSocket(");

    const css = await request(port, "/webclient/webclient.css");
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(Number(css.headers["content-length"])).toBe(Buffer.byteLength(css.body));
  });

  it("answers HEAD without a body, a matching If-None-Match with 304, and other methods with 405", async () => {
    const port = await start();
    const head = await request(port, "/webclient/webclient.css", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(100);
    const etag = head.headers.etag!;
    expect(etag).toMatch(/^".+"$/);
    const again = await request(port, "/webclient/webclient.css", "GET", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
    const post = await request(port, "/webclient/index.html", "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("refuses path traversal, encoded or not, hidden files, sub-folders and unknown files with 404", async () => {
    const gameDir = gameWithOverrides({ "sub/inner.js": "inner", ".secret": "hidden" });
    writeFileSync(path.join(gameDir, "web", "outside.txt"), "outside");
    const port = await start(gameDir);
    const attempts = [
      "/webclient/../../package.json",
      "/webclient/../portal.ts",
      "/webclient/%2e%2e/%2e%2e/package.json",
      "/webclient/%2e%2e%2f%2e%2e%2fpackage.json",
      "/webclient/..%2fportal.ts",
      "/webclient/..%5cportal.ts",
      "/webclient/%252e%252e%252fportal.ts",
      "/webclient/..",
      "/webclient/.",
      "/webclient/%2e%2e",
      "/webclient/.secret",
      "/webclient/sub",
      "/webclient/sub/inner.js",
      "/webclient/sub%2finner.js",
      "/webclient/%2Fetc%2Fpasswd",
      "/webclient//etc/passwd",
      "/webclient/%E0%A4%A",
      "/webclient/nothing.js",
      "/webclient/index.html%00.js",
      "/webclient/..%2foutside.txt",
    ];
    for (const p of attempts) {
      const r = await request(port, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).toBe("Not found.\n");
    }
    // paths outside /webclient/ are the server's (proxied), never files of the portal
    for (const p of ["/package.json", "/webclientx/index.html"]) {
      const r = await request(port, p);
      expect(r.status, p).toBe(503);
      expect(r.body, p).not.toContain("evennia");
    }
  });

  it("keeps /ws for websockets (426 without upgrade); other paths go to the server's web app", async () => {
    const port = await start();
    expect((await request(port, "/ws")).status).toBe(426);
    expect((await request(port, "/elsewhere")).status).toBe(503);
    const api = await request(port, "/api/things");
    expect(api.status).toBe(503);
    expect(api.headers["content-type"]).toBe("application/json; charset=utf-8");
  });
});

describe("game overrides", () => {
  it("serves the game's web/webclient/ file when there is one, the built-in one otherwise", async () => {
    const gameDir = gameWithOverrides({ "webclient.css": "/* my game */ body { color: red; }", "extra.svg": "<svg/>" });
    const port = await start(gameDir);
    const css = await request(port, "/webclient/webclient.css");
    expect(css.status).toBe(200);
    expect(css.body).toBe("/* my game */ body { color: red; }");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    const svg = await request(port, "/webclient/extra.svg");
    expect(svg.headers["content-type"]).toBe("image/svg+xml");
    const js = await request(port, "/webclient/webclient.js");
    expect(js.status).toBe(200);
    expect(js.body).toContain("new WebSocket(");
  });

  it("the built-in folder is the one beside the portal", () => {
    expect(WEBCLIENT_DIR.split(path.sep).slice(-3)).toEqual(["evennia-ts", "portal", "webclient"]);
  });

  it("a running game serves its own override (the game folder comes from the settings)", async () => {
    const game = await startInProcessGame({}, (dir) => {
      mkdirSync(path.join(dir, "web", "webclient"), { recursive: true });
      writeFileSync(path.join(dir, "web", "webclient", "index.html"), "<!doctype html><title>My game's client</title>");
    });
    try {
      const index = await request(game.status.webPort!, "/webclient/");
      expect(index.status).toBe(200);
      expect(index.body).toContain("My game's client");
      const css = await request(game.status.webPort!, "/webclient/webclient.css");
      expect(css.body).toContain(".underline");
    } finally {
      await game.stop();
    }
  });
});
