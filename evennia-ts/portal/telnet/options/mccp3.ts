/**
 * MCCP3 (option 87): client-to-server compression. The server offers WILL MCCP3; after
 * the client's DO, the client sends `IAC SB MCCP3 IAC SE` and every byte after it is a
 * zlib stream, which the session inflates before parsing. When the client ends the
 * zlib stream, input is plain again.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** MCCP3 handler: reports `mccp3`. */
export const mccp3Option: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.MCCP3,
  name: "MCCP3",
  start() {
    ctx.requestLocal(TelnetOption.MCCP3, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local") ctx.updateClientOptions({ mccp3: enabled });
  },
  subnegotiation() {
    if (!ctx.isEnabled(TelnetOption.MCCP3, "local")) {
      ctx.log.debug("ignored MCCP3 start: the option was not agreed");
      return;
    }
    ctx.startInputDecompression();
  },
});
