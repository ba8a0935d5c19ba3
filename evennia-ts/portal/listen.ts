/**
 * Starting a listener with a clear error: a port in use becomes
 * `EV_ERR_PORT_IN_USE` naming what wanted the port (the caller adds the setting).
 */
import type net from "node:net";
import { EvenniaError, type EvenniaErrorCode } from "../utils/errors.ts";

/**
 * Listen on `host:port` (port 0 picks a free one); resolves with the bound port.
 * @param what names the listener in errors, e.g. "telnet" or "web"
 * @param otherCode the error code for failures other than a port in use
 * @param setting the setting that chose the port, named in the error when given
 */
export function listenOn(
  server: net.Server,
  port: number,
  host: string,
  what: string,
  otherCode: EvenniaErrorCode,
  setting?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        const which = setting ? ` (setting ${setting})` : "";
        reject(new EvenniaError("EV_ERR_PORT_IN_USE", `${what} port ${port} on ${host} is already in use${which}`, { cause: err }));
      } else {
        reject(new EvenniaError(otherCode, `cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
      }
    };
    const onListening = (): void => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ port, host });
  });
}
