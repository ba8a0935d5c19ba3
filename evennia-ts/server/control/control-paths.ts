/**
 * Where the server's runtime files are: `<game>/server/logs/`, and in it the control
 * socket `server.sock` that `evennia-ts memory` and `heapdump` talk to.
 *
 * A Unix socket path is limited to about 100 bytes; a game folder deep enough to pass
 * that gets a socket in the temporary folder instead, named after a hash of the game
 * folder so that the server and the launcher compute the same path. On Windows the
 * channel is a named pipe.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";

/** Longest socket path used as is (macOS allows 103 bytes, Linux 107; the server binds a name 7 bytes longer first). */
const MAX_SOCKET_PATH_BYTES = 92;

/** `<game>/server/logs`: pid files, status, logs, the control socket, heap snapshots. */
export function serverLogsDir(gameDir: string): string {
  return path.join(path.resolve(gameDir), "server", "logs");
}

/** The path of the control socket of the game in `gameDir`. */
export function controlSocketPath(gameDir: string, platform: NodeJS.Platform = process.platform): string {
  const dir = path.resolve(gameDir);
  const hash = createHash("sha256").update(dir).digest("hex").slice(0, 16);
  if (platform === "win32") return `\\\\.\\pipe\\evennia-ts-${hash}`;
  const natural = path.join(serverLogsDir(dir), "server.sock");
  if (Buffer.byteLength(natural) <= MAX_SOCKET_PATH_BYTES) return natural;
  return path.join(tmpdir(), `evennia-ts-${hash}.sock`);
}
