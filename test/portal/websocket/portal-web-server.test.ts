import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { defaultSettings } from "../../../evennia-ts/conf/default-settings.ts";
import { createProtocolServers } from "../../../evennia-ts/portal/protocol-servers.ts";
import { PortalWebServer, type PortalWebServerOptions } from "../../../evennia-ts/portal/websocket/portal-web-server.ts";
import type { WebSocketSession } from "../../../evennia-ts/portal/websocket/websocket-session.ts";
import { isEvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { RecordingRegistry, waitUntil } from "../telnet/telnet-test-client.ts";
import { WsTestClient } from "./ws-test-client.ts";

let server: PortalWebServer | null = null;
const clients: WsTestClient[] = [];

async function start(options: Partial<PortalWebServerOptions> = {}): Promise<{ registry: RecordingRegistry; port: number }> {
  const registry = new RecordingRegistry();
  server = new PortalWebServer(registry, { maxLineLength: 1000, maxOutputBuffer: 1024 * 1024, ...options });
  const port = await server.listen(0, "127.0.0.1");
  return { registry, port };
}

async function connect(port: number): Promise<WsTestClient> {
  const c = await WsTestClient.connect(port);
  clients.push(c);
  return c;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

describe("HTTP", () => {
  it("proxies / and unknown paths to the server's web app (none here: 503), and answers /ws without upgrade with 426", async () => {
    const { port } = await start();
    expect((await get(port, "/")).status).toBe(503);
    const other = await get(port, "/elsewhere");
    expect(other.status).toBe(503);
    expect(other.body).toContain("is restarting");
    expect((await get(port, "/ws")).status).toBe(426);
  });

  it("refuses a websocket upgrade on another path", async () => {
    const { port, registry } = await start();
    await expect(WsTestClient.connect(port, "/elsewhere")).rejects.toThrow(/404/);
    expect(registry.sessions).toHaveLength(0);
  });
});

describe("websocket sessions", () => {
  it("registers a websocket session and forwards valid triples as input", async () => {
    const { port, registry } = await start();
    const c = await connect(port);
    const rec = await registry.session();
    expect(rec.transport.protocolKey).toBe("websocket");
    expect(rec.transport.address).toBe("127.0.0.1");
    expect(rec.initialOptions).toMatchObject({ xterm256: true, truecolor: true, webclient: true });
    c.send(["text", ["look"], {}]);
    c.send(["core_hello", [], { client: "test", version: "1" }]);
    c.send(["client_options"]);
    await waitUntil(() => rec.inputs.length >= 3, "3 inputs");
    expect(rec.inputs).toEqual([
      ["text", ["look"], {}],
      ["core_hello", [], { client: "test", version: "1" }],
      ["client_options", [], {}],
    ]);
  });

  it("updates the portal's client options from a client_options frame (scalars only)", async () => {
    const { port, registry } = await start();
    const c = await connect(port);
    const rec = await registry.session();
    c.send(["client_options", [], { ScreenWidth: 120, screenreader: true, nested: { a: 1 }, __proto__: 5 }]);
    await waitUntil(() => rec.inputs.length >= 1, "input");
    expect(rec.options).toEqual([{ screenwidth: 120, screenreader: true }]);
  });

  it("answers malformed frames with an error and keeps the connection", async () => {
    const { port, registry } = await start();
    const c = await connect(port);
    const rec = await registry.session();
    c.sendRaw("not json at all");
    const err1 = (await c.waitForMessage("error")) as [string, string[], object];
    expect(err1[1][0]).toMatch(/JSON/);
    c.send({ cmd: "look" });
    const err2 = (await c.waitForMessage("error")) as [string, string[], object];
    expect(err2[1][0]).toMatch(/array/);
    c.send(["text", [42], {}]);
    await c.waitForMessage("error");
    c.sendRaw(Buffer.from([1, 2, 3]), true);
    const err4 = (await c.waitForMessage("error")) as [string, string[], object];
    expect(err4[1][0]).toMatch(/binary/);
    c.send(["text", ["still here"], {}]);
    await waitUntil(() => rec.inputs.length >= 1, "input");
    expect(rec.inputs).toEqual([["text", ["still here"], {}]]);
    expect(c.closeCode).toBeNull();
    expect(rec.disconnects).toEqual([]);
  });

  it("cuts a too long text line with a notice", async () => {
    const { port, registry } = await start({ maxLineLength: 10 });
    const c = await connect(port);
    const rec = await registry.session();
    c.command("say 123456789012345");
    await c.waitForText("cut to 10 characters");
    await waitUntil(() => rec.inputs.length >= 1, "input");
    expect(rec.inputs[0]).toEqual(["text", ["say 123456"], {}]);
  });

  it("closes the connection with 1009 on a frame over the limit", async () => {
    const { port, registry } = await start({ maxFrameBytes: 1024 });
    const c = await connect(port);
    const rec = await registry.session();
    c.send(["text", ["x".repeat(2000)], {}]);
    expect(await c.waitForClose()).toBe(1009);
    await waitUntil(() => rec.disconnects.length === 1, "disconnect reported");
    expect(rec.inputs).toEqual([]);
  });

  it("sends each message as one JSON triple, in order, text rendered as HTML", async () => {
    const { port, registry } = await start();
    const c = await connect(port);
    const rec = await registry.session();
    rec.transport.send([
      ["text", ["|gHello|n"], {}],
      ["char_vitals", [], { hp: 10 }],
      ["prompt", ["> "], {}],
    ]);
    await c.waitForMessage("prompt");
    expect(c.frames).toEqual([
      ["text", ['<span class="color-010">Hello</span>'], { raw_text: "Hello" }],
      ["char_vitals", [], { hp: 10 }],
      ["prompt", ["&gt; "], { raw_text: "> " }],
    ]);
  });

  it("drops a connection whose unsent output exceeds the buffer cap", async () => {
    const { port, registry } = await start({ maxOutputBuffer: 64 * 1024 });
    const c = await connect(port);
    const rec = await registry.session();
    c.ws.pause(); // stop reading: output piles up in the server
    const line = "y".repeat(16 * 1024);
    for (let i = 0; i < 2000 && rec.disconnects.length === 0; i++) {
      rec.transport.send([["text", [line], {}]]);
      await new Promise((r) => setImmediate(r));
    }
    expect(rec.disconnects).toEqual(["output buffer overflow"]);
    expect((rec.transport as WebSocketSession).isFinished).toBe(true);
  });

  it("close() sends the reason, closes open connections and resolves", async () => {
    const { port, registry } = await start();
    const c = await connect(port);
    const rec = await registry.session();
    rec.transport.close("Bye now.");
    await c.waitForText("Bye now.");
    expect(await c.waitForClose()).toBe(1000);
    await waitUntil(() => rec.disconnects.length === 1, "disconnect reported");
    const d = await connect(port);
    await registry.session(2);
    await server!.close();
    expect(await d.waitForClose()).toBe(1000);
    server = null;
  });
});

describe("createProtocolServers", () => {
  it("starts the web server on webPort and names the setting when the port is taken", async () => {
    const settings = { ...defaultSettings, telnetPorts: [0], telnetInterface: "127.0.0.1", webPort: 0, webInterface: "127.0.0.1" };
    const registry = new RecordingRegistry();
    const first = await createProtocolServers(settings, registry, () => ({}));
    try {
      expect(first.webPort).toBeGreaterThan(0);
      const c = await WsTestClient.connect(first.webPort!);
      clients.push(c);
      await registry.session();
      const err = await createProtocolServers({ ...settings, webPort: first.webPort! }, registry, () => ({})).catch((e: unknown) => e);
      expect(isEvenniaError(err, "EV_ERR_PORT_IN_USE")).toBe(true);
      expect((err as Error).message).toContain("webPort");
      expect((err as Error).message).toContain(String(first.webPort));
    } finally {
      await Promise.all(first.servers.map((s) => s.close()));
    }
  });
});
