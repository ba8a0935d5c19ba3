/**
 * TTYPE, terminal type (RFC 1091), with the MTTS cycle. The server asks DO TTYPE and,
 * once the client agrees, sends `SB TTYPE SEND` repeatedly: the first answer is the
 * client name (and version), the second the terminal type, the third `MTTS <bits>`.
 * The cycle stops at an MTTS answer, when an answer repeats, or after a few requests.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";
import { decodeClientName, decodeMtts, decodeTerminalType, parseMttsString } from "../mtts.ts";

const IS = 0;
const SEND = 1;
/** Most SEND requests made (guards against a client cycling forever). */
const MAX_REQUESTS = 6;

/** TTYPE handler: reports `client_name`, `client_version`, colour and MTTS flags. */
export const ttypeOption: TelnetOptionFactory = (ctx) => {
  let requests = 0;
  let last: string | null = null;
  let done = false;

  const request = (): void => {
    if (done || requests >= MAX_REQUESTS) {
      done = true;
      return;
    }
    requests++;
    ctx.sendSubnegotiation(TelnetOption.TTYPE, Buffer.from([SEND]));
  };

  return {
    code: TelnetOption.TTYPE,
    name: "TTYPE",
    start() {
      ctx.requestRemote(TelnetOption.TTYPE, true);
    },
    accept(side) {
      return side === "remote";
    },
    changed(side, enabled) {
      if (side !== "remote") return;
      if (enabled) {
        requests = 0;
        last = null;
        done = false;
        request();
      } else {
        done = true;
      }
    },
    subnegotiation(payload) {
      if (payload.length === 0 || payload[0] !== IS || done || requests === 0) return; // unasked: ignored
      const answer = payload.subarray(1).toString("latin1").trim();
      if (answer === last) {
        done = true;
        return;
      }
      last = answer;
      const step = requests; // 1 for the first answer
      const mtts = parseMttsString(answer);
      if (mtts !== null) {
        ctx.updateClientOptions({ ...decodeMtts(mtts), mtts });
        done = true;
        return;
      }
      if (step === 1) ctx.updateClientOptions({ ...decodeTerminalType(answer), ...decodeClientName(answer) });
      else ctx.updateClientOptions({ ...decodeTerminalType(answer), terminal_type: answer });
      request();
    },
  };
};
