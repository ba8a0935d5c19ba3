/**
 * The server's end of the link: connect to the portal's link port (retrying while
 * the portal is not there yet) and say hello with the shared token.
 */
import net from "node:net";
import { LinkConnection } from "../protocol/link-connection.ts";
import { parsePortalMessage, type PortalToServer, type ServerToPortal } from "../protocol/link-messages.ts";
import { EvenniaError } from "../utils/errors.ts";
import { coalesceOutput } from "./output-coalescing.ts";

/** The server's link. */
export type PortalLink = LinkConnection<PortalToServer, ServerToPortal>;

/** Open one connection: to a local socket (`path`) or a host and port. */
function connectSocket(to: { path: string } | { host: string; port: number }): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const s = "path" in to ? net.connect(to.path) : net.connect(to.port, to.host);
    s.once("connect", () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

/** Connect to the portal (its local socket first, when given); retries every 250 ms until `timeoutMs`. */
export async function connectToPortal(options: {
  host: string;
  port: number;
  /** The portal's local socket (Unix socket or pipe), tried first; the port when it fails. */
  path?: string | null;
  token: string;
  maxFrameBytes: number;
  /** Bytes allowed to wait for the portal to read them (see `LinkConnection`). */
  maxBufferedBytes?: number;
  timeoutMs?: number;
}): Promise<PortalLink> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: Error | undefined;
  while (Date.now() < deadline) {
    try {
      const port = { host: options.host, port: options.port };
      const socket = await (options.path ? connectSocket({ path: options.path }).catch(() => connectSocket(port)) : connectSocket(port));
      const link: PortalLink = new LinkConnection(socket, parsePortalMessage, {
        maxFrameBytes: options.maxFrameBytes,
        maxBufferedBytes: options.maxBufferedBytes,
        peer: "portal",
        // identical output for several sessions in one turn crosses the link once, as a multicast
        prepareBatch: (batch) => coalesceOutput(batch).messages,
      });
      link.send({ t: "hello", token: options.token, pid: process.pid });
      return link;
    } catch (err) {
      lastError = err as Error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new EvenniaError(
    "EV_ERR_LINK_AUTH",
    `could not reach the portal's link on ${options.host}:${options.port}: ${lastError?.message ?? "timed out"}`,
  );
}
