/**
 * Static files of the web port: validators computed once per file version, 304s,
 * cache policy, large files streamed, path traversal refused; and a slow request
 * body cut by the server's request deadline.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_CACHED_BODY, safeFileName } from "../../../evennia-ts/portal/web/static-files.ts";
import { PortalWebServer } from "../../../evennia-ts/portal/websocket/portal-web-server.ts";
import { RecordingRegistry } from "../telnet/telnet-test-client.ts";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let server: PortalWebServer | null = null;
let dir = "";

async function start(files: Record<string, string | Buffer>, headersTimeoutMs?: number): Promise<number> {
  dir = mkdtempSync(path.join(os.tmpdir(), "static-"));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  server = new PortalWebServer(new RecordingRegistry(), { maxLineLength: 1000, maxOutputBuffer: 1 << 20, webclientDir: dir, headersTimeoutMs });
  return server.listen(0, "127.0.0.1");
}

function request(port: number, rawPath: string, headers: http.OutgoingHttpHeaders = {}, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: rawPath, headers, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

afterEach(async () => {
  await server?.close();
  server = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

describe("validators and conditional requests", () => {
  it("computes ETag and Last-Modified once per file version and answers 304 to either validator", async () => {
    const port = await start({ "app.js": "console.log(1);" });
    const first = await request(port, "/webclient/app.js");
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(Date.parse(first.headers["last-modified"]!)).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await request(port, "/webclient/app.js")).headers.etag).toBe(etag);
    expect(server!.staticFiles.hashed).toBe(1);

    expect((await request(port, "/webclient/app.js", { "if-none-match": etag })).status).toBe(304);
    expect((await request(port, "/webclient/app.js", { "if-none-match": `W/${etag}` })).status).toBe(304);
    expect((await request(port, "/webclient/app.js", { "if-none-match": `"other", ${etag}` })).status).toBe(304);
    expect((await request(port, "/webclient/app.js", { "if-none-match": "*" })).status).toBe(304);
    expect((await request(port, "/webclient/app.js", { "if-none-match": '"other"' })).status).toBe(200);
    const notModified = await request(port, "/webclient/app.js", { "if-modified-since": first.headers["last-modified"]! });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(etag);
    expect((await request(port, "/webclient/app.js", { "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT" })).status).toBe(200);
    expect((await request(port, "/webclient/app.js", { "if-modified-since": "not a date" })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110)
    expect((await request(port, "/webclient/app.js", { "if-none-match": '"other"', "if-modified-since": first.headers["last-modified"]! })).status).toBe(200);
    expect(server!.staticFiles.hashed).toBe(1);
  });

  it("a changed file gets new validators (and the old ETag no longer matches)", async () => {
    const port = await start({ "app.css": "a{}" });
    const first = await request(port, "/webclient/app.css");
    writeFileSync(path.join(dir, "app.css"), "b{color:red}");
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, "app.css"), later, later);
    const second = await request(port, "/webclient/app.css", { "if-none-match": first.headers.etag! });
    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe("b{color:red}");
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(server!.staticFiles.hashed).toBe(2);
  });

  it("code is revalidated each time, media cached an hour; a large file is streamed whole", async () => {
    const big = Buffer.alloc(MAX_CACHED_BODY + 12345, 3);
    const port = await start({ "index.html": "<p>x</p>", "logo.png": "png", "music.ogg": big });
    expect((await request(port, "/webclient/")).headers["cache-control"]).toBe("no-cache");
    expect((await request(port, "/webclient/logo.png")).headers["cache-control"]).toBe("public, max-age=3600");
    const music = await request(port, "/webclient/music.ogg");
    expect(music.status).toBe(200);
    expect(music.body.equals(big)).toBe(true);
    expect(Number(music.headers["content-length"])).toBe(big.length);
    expect((await request(port, "/webclient/music.ogg", { "if-none-match": music.headers.etag! })).status).toBe(304);
    const head = await request(port, "/webclient/music.ogg", {}, "HEAD");
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });
});

describe("path traversal", () => {
  it("safeFileName accepts one plain segment only", () => {
    expect(safeFileName("webclient.js")).toBe("webclient.js");
    expect(safeFileName("my%20file.js")).toBeNull(); // a space is not a safe character
    for (const bad of ["..", "%2e%2e", "..%2fx", "a%2fb", "a%5cb", "%2fetc%2fpasswd", "/etc/passwd", "C:%5cwin.ini", "a%00.js", "%00", ".env", "%E0%A4%A", ""]) {
      expect(safeFileName(bad), bad).toBeNull();
    }
  });

  it("refuses traversal, encoded slashes, absolute paths and NUL with 404", async () => {
    const port = await start({ "index.html": "ok" });
    for (const p of [
      "/webclient/../static-files.test.ts",
      "/webclient/%2e%2e/%2e%2e/package.json",
      "/webclient/%2e%2e%2fpackage.json",
      "/webclient/..%2f..%2fpackage.json",
      "/webclient/%2F%2Fetc%2Fpasswd",
      "/webclient//etc/passwd",
      "/webclient/%2fetc%2fpasswd",
      "/webclient/index.html%00",
      "/webclient/%00",
      "/webclient/.%2e/.%2e/package.json",
    ]) {
      const r = await request(port, p);
      expect(r.status, p).toBe(404);
    }
  });
});

describe("slow clients", () => {
  it("a request body trickled byte by byte is cut by the request deadline (twice webHeadersTimeout), not held open", { timeout: 5000 }, async () => {
    const port = await start({ "index.html": "ok" }, 300);
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d: Buffer) => received.push(d));
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("POST /webclientdata HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    const timer = setInterval(() => socket.writable && socket.write(" "), 100);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    clearInterval(timer);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408/);
  });
});
