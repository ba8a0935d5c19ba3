/**
 * Which feed URLs the bot accepts: `http:` and `https:` only, and never one that
 * points at the game's own ports on this machine (the portal's telnet, TLS and web
 * ports, the server's web app, the link) — a feed must not make the game talk to
 * itself.
 */
import { networkInterfaces, hostname } from "node:os";

/** The ports of this game that a feed URL may not name on a local host. */
export interface GamePorts {
  telnetPorts: readonly number[];
  sslPorts: readonly number[];
  webPort: number;
  serverWebPort: number;
  linkPort: number;
}

/** Either the URL, normalised, or why it is refused. */
export type FeedUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** Host names and addresses that mean "this machine". */
function localHosts(): Set<string> {
  const hosts = new Set(["localhost", "127.0.0.1", "::1", "0.0.0.0", "::", hostname().toLowerCase()]);
  for (const list of Object.values(networkInterfaces())) for (const nic of list ?? []) hosts.add(nic.address.toLowerCase());
  return hosts;
}

/** True when `host` (a URL's hostname, IPv6 without brackets) is this machine. */
function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  // 127.0.0.0/8, also written as an IPv4-mapped IPv6 address (the URL parser gives ::ffff:7f00:1)
  if (h.endsWith(".localhost") || /^127\./.test(h) || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(h)) return true;
  return localHosts().has(h);
}

/** The game's own ports (0 = "any free port" in tests: not a real port, left out). */
function gamePortList(ports: GamePorts): number[] {
  return [...ports.telnetPorts, ...ports.sslPorts, ports.webPort, ports.serverWebPort, ports.linkPort].filter((p) => p > 0);
}

/**
 * Check a feed URL an admin typed, or a redirect's target. `ports` are the game's;
 * `extraPorts` are ports actually bound (when settings said 0).
 */
export function checkFeedUrl(raw: string, ports: GamePorts, extraPorts: readonly number[] = []): FeedUrlCheck {
  const text = raw.trim();
  if (!text) return { ok: false, reason: "No feed URL given." };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${text}" is not a URL; give a full http:// or https:// address.` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `Only http:// and https:// feeds are supported, not ${url.protocol}//.` };
  }
  if (url.username || url.password) return { ok: false, reason: "A feed URL may not carry a user name or password." };
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const own = new Set([...gamePortList(ports), ...extraPorts.filter((p) => p > 0)]);
  if (own.has(port) && isLocalHost(url.hostname)) {
    return { ok: false, reason: `${url.host} is this game's own port ${port}; a feed cannot point at the game itself.` };
  }
  url.hash = "";
  return { ok: true, url: url.href };
}
