/**
 * SUPPRESS-GO-AHEAD (RFC 858). Not offered by the server; when the client asks for it
 * (DO SGA) the server agrees and stops sending IAC GA after prompts.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** SGA handler: reports `nogoahead` while the server suppresses go-aheads. */
export const sgaOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.SGA,
  name: "SGA",
  accept: () => true,
  changed: (side, enabled) => {
    if (side === "local") ctx.updateClientOptions({ nogoahead: enabled });
  },
});
