/**
 * `evennia-ts cert`: create a self-signed TLS certificate for development, at the
 * paths the game's settings name (`sslCertificate`, `sslKey`), so that telnet over
 * TLS (`sslPorts`) can start. Browsers and MUD clients will warn about it: use a
 * real certificate in production.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadSettings } from "../../conf/settings.ts";
import { generateSelfSignedCertificate } from "../../portal/telnet/self-signed-cert.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";

/** Write a self-signed certificate and key for the game in `gameDir`; refuses to overwrite. */
export async function createCertificate(gameDir: string, io: CliIo): Promise<number> {
  requireGameDir(gameDir);
  const settings = await loadSettings(gameDir);
  const certFile = path.resolve(settings.gameDir, settings.sslCertificate);
  const keyFile = path.resolve(settings.gameDir, settings.sslKey);
  for (const file of [certFile, keyFile]) {
    if (existsSync(file)) {
      io.err(`${file} exists already; remove it first if you want a new certificate.`);
      return 1;
    }
  }
  const { cert, key } = generateSelfSignedCertificate("localhost");
  mkdirSync(path.dirname(certFile), { recursive: true });
  mkdirSync(path.dirname(keyFile), { recursive: true });
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  io.out(`Wrote a self-signed certificate to ${certFile} and its key to ${keyFile}.`);
  if (settings.sslPorts.length === 0) io.out("Set sslPorts (e.g. [4003]) in server/conf/settings.ts to serve telnet over TLS.");
  return 0;
}

/** The `cert` command. */
export const certCommand: CliCommand = {
  name: "cert",
  synopsis: "",
  summary: "create a self-signed TLS certificate for telnet over TLS (development)",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) => createCertificate(resolveGameDir(options.game, cwd), io),
};
