/**
 * The baseline the load tester compares a game with: a minimal Node server that
 * answers every line at once — over telnet with the line and IAC GA (the same
 * end-of-command marker the game sends), over websocket (`/ws`) with a `text` and
 * a `prompt` message. Same sockets, same clients, same profiles, no game: the ratio
 * of a game's figures to these is what the game costs.
 *
 * It runs in a process of its own (`spawnEchoServer`), like the game, so it does
 * not share the generator's CPU; `node --import tsx echo-server.ts --serve` prints
 * `{"telnetPort":..,"webPort":..}` on stdout once listening.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { tsxNodeArgs } from "../../utils/node-command.ts";
import { EvenniaError } from "../../utils/errors.ts";

const IAC_GA = Buffer.from([255, 249]);

/** A listening echo server. */
export interface EchoServer {
  telnetPort: number;
  webPort: number;
  close(): Promise<void>;
}

/** Answer one telnet line (the text, then IAC GA). */
function echoTelnet(socket: net.Socket, line: string): void {
  socket.write(Buffer.concat([Buffer.from(`Echo: ${line}\r\n`, "utf8"), IAC_GA]));
}

/** Listen for telnet and websocket clients on `host`, ports chosen by the system. */
export async function startEchoServer(host = "127.0.0.1"): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  const telnet = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.write("Echo baseline: every line is answered at once.\r\n");
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      // telnet commands from the client (IAC ...) are dropped; lines end with LF
      pending += chunk.toString("latin1").replace(/\xff[\xfb-\xfe]./gs, "").replace(/\xff./gs, "");
      let end: number;
      while ((end = pending.indexOf("\n")) >= 0) {
        const line = Buffer.from(pending.slice(0, end).replace(/\r$/, ""), "latin1").toString("utf8");
        pending = pending.slice(end + 1);
        echoTelnet(socket, line);
      }
      if (pending.length > 65536) socket.destroy();
    });
  });
  const web = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: web, path: "/ws", perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.on("error", () => undefined);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!Array.isArray(message) || message[0] !== "text") return;
      const line = String((message[1] as unknown[] | undefined)?.[0] ?? "");
      ws.send(JSON.stringify(["text", [`Echo: ${line}`], { raw_text: `Echo: ${line}` }]));
      ws.send(JSON.stringify(["prompt", [""], { raw_text: "" }]));
    });
  });
  const listen = (server: net.Server): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });
  const telnetPort = await listen(telnet);
  const webPort = await listen(web);
  return {
    telnetPort,
    webPort,
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all([new Promise((r) => telnet.close(r)), new Promise((r) => web.close(r))]);
    },
  };
}

/** An echo server in a child process. */
export interface EchoServerProcess extends EchoServer {
  pid: number;
}

/** Start the echo server in a process of its own; resolves once it listens. */
export function spawnEchoServer(host = "127.0.0.1"): Promise<EchoServerProcess> {
  const child = spawn(process.execPath, tsxNodeArgs(fileURLToPath(import.meta.url), ["--serve", host]), {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const onExit = (code: number | null): void => reject(new EvenniaError("EV_ERR_NOT_RUNNING", `the echo server exited (code ${code}) before it listened`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf("\n");
      if (end < 0) return;
      child.off("exit", onExit);
      const ports = JSON.parse(out.slice(0, end)) as { telnetPort: number; webPort: number };
      resolve({
        ...ports,
        pid: child.pid!,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--serve")) {
  const host = process.argv[process.argv.indexOf("--serve") + 1] ?? "127.0.0.1";
  const server = await startEchoServer(host);
  process.stdout.write(`${JSON.stringify({ telnetPort: server.telnetPort, webPort: server.webPort })}\n`);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
  process.on("disconnect", () => process.exit(0));
}
