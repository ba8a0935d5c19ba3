/**
 * MCCP2, MUD Client Compression Protocol v2 (option 86): server-to-client compression.
 * The server offers WILL MCCP2; after the client's DO it sends `IAC SB MCCP2 IAC SE`
 * and deflates everything after it (zlib, flushed with Z_SYNC_FLUSH after each write).
 * DONT MCCP2 ends the compressed stream.
 */
import { TelnetOption, subnegotiationBytes } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** MCCP2 handler: reports `mccp`. */
export const mccp2Option: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.MCCP2,
  name: "MCCP2",
  start() {
    ctx.requestLocal(TelnetOption.MCCP2, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side !== "local") return;
    ctx.setOutputCompression(enabled, subnegotiationBytes(TelnetOption.MCCP2));
    ctx.updateClientOptions({ mccp: enabled });
  },
});
