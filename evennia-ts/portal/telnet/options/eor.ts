/**
 * END-OF-RECORD (RFC 885). Offered by the server (WILL EOR); while on, every prompt is
 * followed by IAC EOR instead of IAC GA so MUD clients can tell prompts from text.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** EOR handler: reports `eor`. */
export const eorOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.EOR,
  name: "EOR",
  start() {
    ctx.requestLocal(TelnetOption.EOR, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local") ctx.updateClientOptions({ eor: enabled });
  },
});
