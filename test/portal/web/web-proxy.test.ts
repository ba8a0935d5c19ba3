/**
 * The portal's proxy to the server's web app, against a plain http server on
 * 127.0.0.1:0 standing in for that app (the real app is built on another branch;
 * `web-reload.test.ts` runs the proxy with a real game).
 */
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PortalWebServer } from "../../../evennia-ts/portal/websocket/portal-web-server.ts";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_PAGE_CSP } from "../../../evennia-ts/portal/web/unavailable-page.ts";
import { RecordingRegistry } from "../telnet/telnet-test-client.ts";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  remote: string;
}

let portal: PortalWebServer | null = null;
const closers: (() => Promise<void> | void)[] = [];
let upstreamPort: number | null = null;

async function startPortal(proxyTimeoutMs = 30_000): Promise<number> {
  portal = new PortalWebServer(new RecordingRegistry(), {
    maxLineLength: 1000,
    maxOutputBuffer: 1 << 20,
    upstreamPort: () => upstreamPort,
    proxyTimeoutMs,
    serverName: "Test <Game>",
  });
  return portal.listen(0, "127.0.0.1");
}

/** A stand-in for the server's web app: records each request, answers with `handler`. */
async function startApp(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void): Promise<Seen[]> {
  const seen: Seen[] = [];
  const app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const record = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks), remote: req.socket.remoteAddress! };
      seen.push(record);
      handler(req, res, record);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  upstreamPort = (app.address() as net.AddressInfo).port;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        app.closeAllConnections();
        app.close(() => resolve());
      }),
  );
  return seen;
}

function request(port: number, path: string, method = "GET", headers: http.OutgoingHttpHeaders = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

afterEach(async () => {
  upstreamPort = null;
  await portal?.close();
  portal = null;
  for (const close of closers.splice(0)) await close();
});

describe("proxy to the server's web app", () => {
  it("passes method, path, query, headers, body and status through, and the answer's headers back", async () => {
    const seen = await startApp((_req, res, s) => {
      res.writeHead(201, "Made", {
        "content-type": "application/json",
        "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
        "x-app": "yes",
        connection: "keep-alive, x-hop",
        "x-hop": "must not pass",
        "keep-alive": "timeout=99",
      });
      res.end(JSON.stringify({ got: s.body.toString() }));
    });
    const port = await startPortal();
    const reply = await request(
      port,
      "/accounts/new?next=%2Fhome&x=1",
      "PUT",
      {
        "content-type": "application/x-www-form-urlencoded",
        cookie: "evennia_ts.sid=abc",
        "x-custom": "kept",
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-proto": "https",
        forwarded: "for=6.6.6.6",
        connection: "keep-alive, x-drop-me",
        "x-drop-me": "hop",
        te: "trailers",
        host: "game.example:4001",
      },
      "name=Ann&pw=secret",
    );
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({ got: "name=Ann&pw=secret" });
    expect(reply.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(reply.headers["x-app"]).toBe("yes");
    expect(reply.headers["x-hop"]).toBeUndefined();
    expect(reply.headers["keep-alive"]).not.toBe("timeout=99"); // the portal's own connection's, not the app's

    const [req] = seen;
    expect(req!.method).toBe("PUT");
    expect(req!.url).toBe("/accounts/new?next=%2Fhome&x=1");
    expect(req!.headers.cookie).toBe("evennia_ts.sid=abc");
    expect(req!.headers["x-custom"]).toBe("kept");
    expect(req!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    // the client's own forwarding headers are replaced by what the portal saw
    expect(req!.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(req!.headers["x-forwarded-proto"]).toBe("http");
    expect(req!.headers["x-forwarded-host"]).toBe("game.example:4001");
    expect(req!.headers.host).toBe("game.example:4001");
    expect(req!.headers.forwarded).toBeUndefined();
    expect(req!.headers["x-drop-me"]).toBeUndefined();
    expect(req!.headers.te).toBeUndefined();
    expect(req!.remote).toBe("127.0.0.1");
  });

  it("/ goes to the website; /webclient stays the portal's", async () => {
    const seen = await startApp((_req, res) => res.end("website front page"));
    const port = await startPortal();
    expect((await request(port, "/")).body).toBe("website front page");
    expect((await request(port, "/webclient")).status).toBe(302);
    expect((await request(port, "/webclient/")).body).toContain("<!doctype html>");
    expect(seen.map((s) => s.url)).toEqual(["/"]);
  });

  it("streams a large request body (chunked) and a large answer through", async () => {
    const seen = await startApp((_req, res, s) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.alloc(3 * 1024 * 1024, 7)); // the answer comes back whole
      void s;
    });
    const port = await startPortal();
    const body = Buffer.alloc(4 * 1024 * 1024, 1);
    const answer = await new Promise<{ status: number; size: number }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/upload", method: "POST", agent: false }, (res) => {
        let size = 0;
        res.on("data", (d: Buffer) => (size += d.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, size }));
      });
      req.on("error", reject);
      for (let i = 0; i < 4; i++) req.write(body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      req.end();
    });
    expect(answer).toEqual({ status: 200, size: 3 * 1024 * 1024 });
    expect(seen[0]!.headers["transfer-encoding"]).toBe("chunked");
    expect(createHash("sha1").update(seen[0]!.body).digest("hex")).toBe(createHash("sha1").update(body).digest("hex"));
  });

  it("HEAD and 304 answers carry no body", async () => {
    await startApp((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "content-length": 5, etag: '"v1"' });
      res.end(req.method === "HEAD" ? undefined : "hello");
    });
    const port = await startPortal();
    const head = await request(port, "/page", "HEAD");
    expect([head.status, head.body, head.headers["content-length"]]).toEqual([200, "", "5"]);
    const cached = await request(port, "/page", "GET", { "if-none-match": '"v1"' });
    expect([cached.status, cached.body]).toEqual([304, ""]);
  });
});

describe("connections to the app", () => {
  it("bodiless GETs reuse a kept-alive connection; one the app closes under a reused request is retried once on a new one", async () => {
    const perConnection = new Map<net.Socket, number>();
    const seen = await startApp((req, res) => {
      const n = (perConnection.get(req.socket) ?? 0) + 1;
      perConnection.set(req.socket, n);
      if (n === 2) {
        req.socket.destroy(); // the app closes the connection as its second request arrives
        return;
      }
      res.end(`answer ${n}`);
    });
    const port = await startPortal();
    expect((await request(port, "/a")).body).toBe("answer 1");
    expect((await request(port, "/b")).body).toBe("answer 1"); // reused, reset, sent again on a new connection
    expect(portal!.proxy.retried).toBe(1);
    expect(seen.map((s) => s.url)).toEqual(["/a", "/b", "/b"]);
    expect(perConnection.size).toBe(2);
  });

  it("a request with a body is never sent twice: its own connection, and a reset is a 503", async () => {
    const seen = await startApp((req) => req.socket.destroy());
    const port = await startPortal();
    const reply = await request(port, "/form", "POST", { "content-type": "text/plain" }, "pay once");
    expect(reply.status).toBe(503);
    expect(seen).toHaveLength(1);
    expect(portal!.proxy.retried).toBe(0);
  });
});

describe("when the server's web app is away", () => {
  it("no web port known: a 503 page at once, with Retry-After, its own CSP and no script", { timeout: 3000 }, async () => {
    const port = await startPortal();
    const page = await request(port, "/accounts/login", "GET", { accept: "text/html" });
    expect(page.status).toBe(503);
    expect(page.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.headers["content-security-policy"]).toBe(UNAVAILABLE_PAGE_CSP);
    expect(page.body).toContain("Test &#60;Game&#62; is restarting");
    expect(page.body).toContain('href="/webclient/"');
    expect(page.body).not.toMatch(/<script/i);
    // the CSP allows exactly the page's one inline style
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
    expect(UNAVAILABLE_PAGE_CSP).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    const head = await request(port, "/", "HEAD");
    expect([head.status, head.body]).toEqual([503, ""]);
  });

  it("JSON clients (Accept: application/json, or /api/) get a JSON 503", { timeout: 3000 }, async () => {
    const port = await startPortal();
    for (const [path, accept] of [["/api/characters", "*/*"], ["/anything", "application/json"]] as const) {
      const reply = await request(port, path, "POST", { accept, "content-type": "application/json" }, "{}");
      expect(reply.status, path).toBe(503);
      expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(reply.body)).toEqual({ error: expect.stringMatching(/restarting/), retryAfter: RETRY_AFTER_SECONDS });
    }
  });

  it("connection refused (a port nothing listens on): 503 at once", { timeout: 3000 }, async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    upstreamPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const port = await startPortal();
    const reply = await request(port, "/", "POST", { "content-type": "text/plain" }, "a body nobody reads");
    expect(reply.status).toBe(503);
    expect(reply.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
  });

  it("connection reset before an answer: 503 at once", { timeout: 3000 }, async () => {
    await startApp((req) => req.socket.destroy());
    const port = await startPortal();
    expect((await request(port, "/")).status).toBe(503);
  });

  it("an app that does not answer within webProxyTimeout: 504 (never a hang)", { timeout: 5000 }, async () => {
    await startApp(() => undefined); // never answers
    const port = await startPortal(300);
    const reply = await request(port, "/slow", "GET", { accept: "text/html" });
    expect(reply.status).toBe(504);
    expect(reply.body).toContain("is not answering");
    expect(reply.headers["retry-after"]).toBeDefined();
  });

  it("an app that dies mid-answer: the client sees the connection cut, the portal goes on", { timeout: 5000 }, async () => {
    await startApp((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const port = await startPortal();
    await expect(request(port, "/")).rejects.toThrow();
    while (portal!.proxy.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    upstreamPort = null;
    expect((await request(port, "/")).status).toBe(503);
  });

  it("a client that goes away mid-request releases the request to the app", { timeout: 5000 }, async () => {
    let appSawClose!: () => void;
    let appGotRequest!: () => void;
    const closed = new Promise<void>((resolve) => (appSawClose = resolve));
    const arrived = new Promise<void>((resolve) => (appGotRequest = resolve));
    const app = http.createServer((req) => {
      req.socket.once("close", () => appSawClose());
      appGotRequest();
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => app.close(() => resolve())));
    upstreamPort = (app.address() as net.AddressInfo).port;
    const port = await startPortal();
    const req = http.request({ host: "127.0.0.1", port, path: "/long", agent: false });
    req.on("error", () => undefined);
    req.end();
    await arrived;
    req.destroy();
    await closed;
    while (portal!.proxy.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  });
});
