/**
 * ECHO (RFC 857). The server offers WILL ECHO to stop the client echoing what is typed
 * (passwords) and WONT ECHO to restore it; see `TelnetSession.setEcho`. The server
 * never echoes input itself, so an unasked DO ECHO or a client WILL ECHO is refused.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** ECHO handler (negotiated on demand, never offered at connect). */
export const echoOption: TelnetOptionFactory = () => ({
  code: TelnetOption.ECHO,
  name: "ECHO",
  accept() {
    return false;
  },
});
