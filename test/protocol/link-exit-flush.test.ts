/**
 * A process that closes its end of the link and exits at once (the server after a
 * `reload`) must not lose what the socket still holds: the answers to the commands it
 * ran last. A child process plays the server: it sends 16 MiB to a portal end that does
 * not read, closes the link, and exits; the portal end reads only after the child is gone.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it } from "vitest";
import { LinkServer, type ServerLink } from "../../evennia-ts/portal/link-server.ts";
import type { ServerToPortal } from "../../evennia-ts/protocol/link-messages.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

const TOKEN = "exit-flush-token";
const MESSAGES = 1024;
const linkClient = pathToFileURL(path.join(packageRoot, "evennia-ts", "server", "link-client.ts")).href;

let linkServer: LinkServer | null = null;
afterEach(async () => {
  await linkServer?.close();
  linkServer = null;
});

/**
 * Run the child: connect, send {@link MESSAGES} messages of 16 KiB (one frame each), close
 * (it says "closed"; `onClosed` runs then), optionally wait for `flushed`, exit.
 */
function runChild(port: number, waitForFlush: boolean, onClosed: () => void): Promise<number> {
  const script = `
    const { connectToPortal } = await import(${JSON.stringify(linkClient)});
    const link = await connectToPortal({ host: "127.0.0.1", port: Number(process.argv[1]), token: ${JSON.stringify(TOKEN)}, maxFrameBytes: 1 << 20, timeoutMs: 5000 });
    const payload = "x".repeat(16 * 1024);
    for (let i = 0; i < ${MESSAGES}; i++) {
      link.send({ t: "msg", sessid: 1, msgs: [["text", [i + ":" + payload], {}]] });
      await new Promise((r) => setImmediate(r));
    }
    link.close("done");
    process.stdout.write("closed\\n");
    if (process.argv[2] === "wait") await link.flushed(20000);
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, String(port), waitForFlush ? "wait" : "no"], { cwd: packageRoot, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (data: Buffer) => {
      if (data.toString().includes("closed")) onClosed();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

/** A portal end that reads nothing until `resume()`; resolves to what it received once the link closed. */
async function pausedPortal(): Promise<{ port: number; resume(): void; closed: Promise<ServerToPortal[]> }> {
  const received: ServerToPortal[] = [];
  let link!: ServerLink;
  let accepted!: () => void;
  const ready = new Promise<void>((resolve) => (accepted = resolve));
  let closedResolve!: (msgs: ServerToPortal[]) => void;
  const closed = new Promise<ServerToPortal[]>((resolve) => (closedResolve = resolve));
  linkServer = new LinkServer({ token: TOKEN, maxFrameBytes: 1 << 20 }, (l) => {
    link = l;
    l.onMessage((msg) => {
      received.push(msg);
      if (received.length === 1) l.socket.pause(); // the first message read; nothing more until resume()
    });
    l.onClose(() => closedResolve(received));
    accepted();
  });
  const port = await linkServer.listen(0, "127.0.0.1");
  return {
    port,
    resume: () => void ready.then(() => link.socket.resume()),
    closed,
  };
}

it("delivers everything a process sent before it closed its link and exited", { timeout: 60_000 }, async () => {
  const portal = await pausedPortal();
  // the portal reads again a little after the child closed: the child must still be there to hand the rest over
  expect(await runChild(portal.port, true, () => setTimeout(() => portal.resume(), 300))).toBe(0);
  const received = await portal.closed;
  expect(received.length).toBe(MESSAGES);
  expect(received.map((m) => (m.t === "msg" ? Number(String(m.msgs[0]![1]![0]).split(":")[0]) : -1))).toEqual([...Array(MESSAGES).keys()]);
});

it("(the control) loses the end of it when the process exits without waiting", { timeout: 60_000 }, async () => {
  const portal = await pausedPortal();
  expect(await runChild(portal.port, false, () => undefined)).toBe(0);
  portal.resume();
  expect((await portal.closed).length).toBeLessThan(MESSAGES);
});
