/**
 * Creates the portal's player-facing listeners from settings: telnet, telnet over
 * TLS, and the web front (webclient, websocket `/ws`, comet `/webclientdata`, and
 * the proxy to the server's web app on the port `serverWebPort()` gives). Errors name the port and the setting
 * that chose it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Settings } from "../conf/settings.ts";
import { EvenniaError } from "../utils/errors.ts";
import type { SessionRegistry } from "./session-transport.ts";
import { TelnetServer } from "./telnet/telnet-server.ts";
import { DEFAULT_MAX_FRAME_BYTES, PortalWebServer } from "./websocket/portal-web-server.ts";

/** Anything that listens for players. */
export interface ProtocolServer {
  close(): Promise<void>;
}

/** Something that can listen on a port. */
interface Listener extends ProtocolServer {
  listen(port: number, host: string): Promise<number>;
}

/** The listeners and the ports they bound. */
export interface ProtocolServers {
  servers: ProtocolServer[];
  telnetPorts: number[];
  sslPorts: number[];
  /** Port of the web front (webclient, websocket), or null when not serving one. */
  webPort: number | null;
}

/** Start every listener the settings ask for; on failure, close what was started. */
export async function createProtocolServers(
  settings: Settings,
  registry: SessionRegistry,
  msspData: () => Record<string, string>,
  serverWebPort: () => number | null = () => null,
): Promise<ProtocolServers> {
  const result: ProtocolServers = { servers: [], telnetPorts: [], sslPorts: [], webPort: null };
  const common = {
    maxLineLength: settings.maxLineLength,
    maxOutputBuffer: settings.maxOutputBuffer,
    broadcastBatchMs: settings.broadcastBatchMs,
    serverName: settings.serverName,
    msspData,
    telnetOptions: { mxp: settings.telnetMxp },
    keepAliveMs: settings.telnetKeepAlive * 1000,
    rateLimits: {
      replyRatePerSecond: settings.replyRatePerSecond,
      replyBurst: settings.replyBurst,
      optionChangeRate: settings.telnetOptionChangeRate,
      optionChangeBurst: settings.telnetOptionChangeBurst,
    },
  };
  try {
    for (const port of settings.telnetPorts) {
      const server = new TelnetServer(registry, common);
      result.servers.push(server);
      result.telnetPorts.push(await listenNamed(server, port, settings.telnetInterface, "telnet", "telnetPorts"));
    }
    if (settings.sslPorts.length > 0) {
      const tls = loadCertificate(settings);
      for (const port of settings.sslPorts) {
        const server = new TelnetServer(registry, { ...common, tls });
        result.servers.push(server);
        result.sslPorts.push(await listenNamed(server, port, settings.telnetInterface, "telnet/TLS", "sslPorts"));
      }
    }
    const web = new PortalWebServer(registry, {
      maxLineLength: settings.maxLineLength,
      maxOutputBuffer: settings.maxOutputBuffer,
      broadcastBatchMs: settings.broadcastBatchMs,
      // room for a maximal text line even if every character is JSON-escaped
      maxFrameBytes: Math.max(DEFAULT_MAX_FRAME_BYTES, settings.maxLineLength * 8),
      gameDir: settings.gameDir,
      keepAliveTimeoutMs: settings.webKeepAliveTimeout * 1000,
      headersTimeoutMs: settings.webHeadersTimeout * 1000,
      maxHeaderBytes: settings.webMaxHeaderBytes,
      replyRatePerSecond: settings.replyRatePerSecond,
      replyBurst: settings.replyBurst,
      webSessionCookie: settings.webSessionCookie,
      cometPollSeconds: settings.cometPollSeconds,
      cometSessionTimeout: settings.cometSessionTimeout,
      websocketPingMs: settings.websocketPingInterval * 1000,
      upstreamPort: serverWebPort,
      proxyTimeoutMs: settings.webProxyTimeout * 1000,
      serverName: settings.serverName,
    });
    result.servers.push(web);
    result.webPort = await listenNamed(web, settings.webPort, settings.webInterface, "web", "webPort");
  } catch (err) {
    await Promise.all(result.servers.map((s) => s.close()));
    throw err;
  }
  return result;
}

async function listenNamed(server: Listener, port: number, host: string, what: string, setting: string): Promise<number> {
  try {
    return await server.listen(port, host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || (err instanceof EvenniaError && err.code === "EV_ERR_PORT_IN_USE")) {
      throw new EvenniaError("EV_ERR_PORT_IN_USE", `${what} port ${port} is already in use (setting ${setting})`);
    }
    throw err;
  }
}

function loadCertificate(settings: Settings): { cert: Buffer; key: Buffer } {
  const certFile = path.resolve(settings.gameDir, settings.sslCertificate);
  const keyFile = path.resolve(settings.gameDir, settings.sslKey);
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (err) {
    throw new EvenniaError(
      "EV_ERR_CONFIG",
      `cannot read the TLS certificate (settings sslCertificate=${settings.sslCertificate}, sslKey=${settings.sslKey}): ${(err as Error).message}. ` +
        `Create a self-signed one for development with "evennia-ts cert".`,
    );
  }
}
