/**
 * What the portal's proxy adds to a website request: sequential GETs of a 2 KB page
 * straight to a plain loopback http server, then through a portal web port that
 * proxies to it (both measured twice; the first round warms up).
 *
 *   node --import tsx bench/proxy-bench.ts [--quick]
 */
import http from "node:http";
import type net from "node:net";
import type { SessionRegistry } from "../evennia-ts/portal/session-transport.ts";
import { PortalWebServer } from "../evennia-ts/portal/websocket/portal-web-server.ts";

const requests = process.argv.includes("--quick") ? 300 : 2000;
const app = http.createServer((_req, res) => res.end("x".repeat(2000)));
await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
const appPort = (app.address() as net.AddressInfo).port;
const noSessions: SessionRegistry = {
  connect: () => {
    throw new Error("this benchmark opens no sessions");
  },
};
const portal = new PortalWebServer(noSessions, { maxLineLength: 1000, maxOutputBuffer: 1 << 20, upstreamPort: () => appPort });
const portalPort = await portal.listen(0, "127.0.0.1");
const client = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/", agent: client }, (res) => {
        res.resume();
        res.on("end", resolve);
      })
      .on("error", reject);
  });
}

for (const round of [1, 2]) {
  for (const [name, port] of [["straight to the app", appPort], ["through the portal", portalPort]] as const) {
    const start = performance.now();
    for (let i = 0; i < requests; i++) await get(port);
    const micros = ((performance.now() - start) / requests) * 1000;
    console.log(`round ${round}, ${name}: ${micros.toFixed(0)} µs per request (${requests} requests)`);
  }
}
client.destroy();
await portal.close();
app.close();
