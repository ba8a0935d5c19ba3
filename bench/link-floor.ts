/**
 * The floor under a command's round trip: two node processes passing 300 bytes back
 * and forth, over loopback TCP and over a Unix socket, nothing else. A command makes
 * two such round trips (client ⇄ portal, portal ⇄ server); with the portal and the
 * server on one core, this is what is left when the game itself costs nothing.
 *
 *   taskset -c 0 node --import tsx bench/link-floor.ts [--trips 50000]
 *
 * Prints the round trip in µs and this process's CPU per round trip, for each kind of
 * socket. Pin it to one core to compare with the load tester's runs (portal and server
 * on core 0).
 */
import { fork } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const PAYLOAD = Buffer.alloc(300, 97);

/** Where to listen: loopback TCP on a free port, or a socket file in the temporary folder. */
type Kind = "tcp" | "unix";

/** The echoing child: connect to `address` and send back whatever comes. */
function echoChild(address: string): void {
  const socket = /^\d+$/.test(address) ? net.connect(Number(address), "127.0.0.1") : net.connect(address);
  socket.setNoDelay(true);
  socket.on("data", (data) => socket.write(data));
  socket.on("close", () => process.exit(0));
}

/** Round trips over one kind of socket: mean µs, and this process's CPU µs per round trip. */
function measure(kind: Kind, trips: number): Promise<{ kind: Kind; roundTripUs: number; cpuUs: number }> {
  const socketPath = path.join(os.tmpdir(), `evennia-link-floor-${process.pid}.sock`);
  if (kind === "unix") rmSync(socketPath, { force: true });
  return new Promise((resolve, reject) => {
    const server = net.createServer((conn) => {
      conn.setNoDelay(true);
      let n = 0;
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      conn.on("data", () => {
        if (++n < trips) {
          conn.write(PAYLOAD);
          return;
        }
        const wall = Number(process.hrtime.bigint() - started) / 1000;
        const used = process.cpuUsage(cpu);
        conn.destroy();
        server.close();
        if (kind === "unix") rmSync(socketPath, { force: true });
        resolve({ kind, roundTripUs: wall / trips, cpuUs: (used.user + used.system) / trips });
      });
      conn.write(PAYLOAD);
    });
    server.on("error", reject);
    const listening = () => {
      const address = kind === "unix" ? socketPath : String((server.address() as net.AddressInfo).port);
      fork(fileURLToPath(import.meta.url), ["--child", address], { execArgv: process.execArgv }).on("error", reject);
    };
    if (kind === "unix") server.listen(socketPath, listening);
    else server.listen(0, "127.0.0.1", listening);
  });
}

const { values } = parseArgs({ options: { trips: { type: "string", default: "50000" }, child: { type: "string" } } });
if (values.child !== undefined) echoChild(values.child);
else {
  const trips = Number(values.trips);
  for (const kind of ["tcp", "unix", "tcp", "unix"] as const) {
    const r = await measure(kind, trips);
    console.log(`${r.kind.padEnd(4)} round trip ${r.roundTripUs.toFixed(1)} µs, this process's CPU ${r.cpuUs.toFixed(1)} µs a round trip`);
  }
}
