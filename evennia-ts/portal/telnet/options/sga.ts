/**
 * SUPPRESS-GO-AHEAD (RFC 858). Offered by the server at connect (`IAC WILL SGA`),
 * as Evennia does. A client that agrees (DO SGA) gets no IAC GA after prompts; one
 * that refuses (DONT SGA) or never answers keeps getting GA (unless EOR is on).
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** SGA handler: offers SGA, and reports `nogoahead` while the server suppresses go-aheads. */
export const sgaOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.SGA,
  name: "SGA",
  start() {
    ctx.requestLocal(TelnetOption.SGA, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local") ctx.updateClientOptions({ nogoahead: enabled });
  },
});
