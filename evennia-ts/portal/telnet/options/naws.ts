/**
 * NAWS, Negotiate About Window Size (RFC 1073). The server asks DO NAWS; the client
 * sends `IAC SB NAWS <width16> <height16> IAC SE` now and on every resize.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/**
 * NAWS handler: reports `screenwidth` and `screenheight` (a 0 means unknown and is
 * ignored); not while the client option `autoresize` is false.
 */
export const nawsOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.NAWS,
  name: "NAWS",
  start() {
    ctx.requestRemote(TelnetOption.NAWS, true);
  },
  accept(side) {
    return side === "remote";
  },
  subnegotiation(payload) {
    // the player fixed the size with `option screenwidth = ...` (which turns `autoresize` off)
    if (ctx.clientOptions.autoresize === false) return;
    if (payload.length < 4) {
      ctx.log.debug(`short NAWS sub-negotiation (${payload.length} bytes)`);
      return;
    }
    const width = payload.readUInt16BE(0);
    const height = payload.readUInt16BE(2);
    const update: Record<string, number> = {};
    if (width > 0) update.screenwidth = width;
    if (height > 0) update.screenheight = height;
    if (Object.keys(update).length > 0) ctx.updateClientOptions(update);
  },
});
