import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";

let game: InProcessGame | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await game?.stop();
});

function open(port: number): Promise<{ ok: true; ws: WebSocket } | { ok: false; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    sockets.push(ws);
    ws.once("open", () => resolve({ ok: true, ws }));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
    });
    ws.once("error", (err) => reject(err));
  });
}

describe("websocket admission", () => {
  it("refuses connections over the per-IP limit with 429 and a reason, and admits again after a close", async () => {
    game = await startInProcessGame({ maxConnectionsPerIp: 2, connectionsPerIpPerMinute: 100 });
    const port = game.status.webPort!;
    const a = await open(port);
    const b = await open(port);
    expect(a.ok && b.ok).toBe(true);
    const c = await open(port);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.status).toBe(429);
      expect(c.body.length).toBeGreaterThan(0);
    }
    if (a.ok) a.ws.close();
    await new Promise((r) => setTimeout(r, 200));
    const d = await open(port);
    expect(d.ok).toBe(true);
  });
});
