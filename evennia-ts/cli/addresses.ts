/**
 * How the launcher tells the user where to connect.
 */

/** The ports a running game listens on. */
export interface ListeningPorts {
  telnetPorts: number[];
  sslPorts?: number[];
  webPort: number | null;
}

/** Lines naming the telnet and web addresses of a running game. */
export function formatAddresses(ports: ListeningPorts): string[] {
  const lines = ports.telnetPorts.map((port) => `  telnet 127.0.0.1 ${port}`);
  for (const port of ports.sslPorts ?? []) lines.push(`  telnet over TLS: 127.0.0.1 port ${port}`);
  if (ports.webPort !== null) {
    lines.push(`  http://127.0.0.1:${ports.webPort}/webclient/   (browser webclient)`);
    lines.push(`  http://127.0.0.1:${ports.webPort}/   (website)`);
  }
  return lines;
}
