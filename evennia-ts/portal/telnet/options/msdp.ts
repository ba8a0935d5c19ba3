/**
 * MSDP, MUD Server Data Protocol (option 69). The server offers WILL MSDP; once agreed,
 * `IAC SB MSDP VAR name VAL value IAC SE` carries out-of-band data both ways (see
 * `msdp-codec.ts` for the mapping to message triples). Used for output only when GMCP
 * is not on.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";
import { decodeMsdp, encodeMsdp } from "../msdp-codec.ts";

/** MSDP handler: reports `msdp`; forwards MSDP variables both ways. */
export const msdpOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.MSDP,
  name: "MSDP",
  start() {
    ctx.requestLocal(TelnetOption.MSDP, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local") ctx.updateClientOptions({ msdp: enabled });
  },
  subnegotiation(payload) {
    const messages = decodeMsdp(payload);
    if (messages.length > 0) ctx.input(messages);
  },
  oobPayload(message) {
    return ctx.isEnabled(TelnetOption.MSDP, "local") ? encodeMsdp(message) : null;
  },
});
