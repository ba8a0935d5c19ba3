/**
 * CHARSET (RFC 2066). The server offers WILL CHARSET; when the client agrees it sends
 * `SB CHARSET REQUEST ;UTF-8;ISO-8859-1` and switches to whichever the client ACCEPTs
 * (UTF-8 preferred, Latin-1 as the fallback). A REQUEST from the client is answered
 * the same way; translation tables (TTABLE-IS) are refused.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetCharset } from "../line-decoder.ts";
import type { TelnetOptionContext, TelnetOptionFactory } from "../telnet-option.ts";

const REQUEST = 1;
const ACCEPTED = 2;
const REJECTED = 3;
const TTABLE_IS = 4;
const TTABLE_REJECTED = 5;

/** The character set a CHARSET name stands for, or null if not supported. */
export function charsetFromName(name: string): TelnetCharset | null {
  const n = name.trim().toLowerCase();
  if (n === "utf-8" || n === "utf8") return "utf-8";
  if (/^(iso[-_ ]?8859[-_]1(:1987)?|latin-?1|l1|cp819|ibm819|iso-ir-100|windows-1252|cp1252)$/.test(n)) return "latin1";
  return null;
}

/** CHARSET handler: reports `encoding` and `utf-8`. */
export const charsetOption: TelnetOptionFactory = (ctx) => {
  let requested = false;
  return {
    code: TelnetOption.CHARSET,
    name: "CHARSET",
    start() {
      ctx.requestLocal(TelnetOption.CHARSET, true);
    },
    accept() {
      return true;
    },
    changed(side, enabled) {
      if (side === "local" && enabled && !requested) {
        requested = true;
        ctx.sendSubnegotiation(TelnetOption.CHARSET, Buffer.concat([Buffer.from([REQUEST]), Buffer.from(";UTF-8;ISO-8859-1", "ascii")]));
      }
    },
    subnegotiation(payload) {
      if (payload.length === 0) return;
      switch (payload[0]) {
        case ACCEPTED: {
          const name = payload.subarray(1).toString("latin1");
          const charset = charsetFromName(name);
          if (charset) switchTo(ctx, charset);
          else ctx.log.debug(`client accepted a charset we did not offer: ${name}`);
          break;
        }
        case REJECTED:
          ctx.log.debug("client rejected our charsets; staying with UTF-8");
          break;
        case REQUEST:
          answerRequest(ctx, payload.subarray(1));
          break;
        case TTABLE_IS:
          ctx.sendSubnegotiation(TelnetOption.CHARSET, Buffer.from([TTABLE_REJECTED]));
          break;
      }
    },
  };
};

function answerRequest(ctx: TelnetOptionContext, body: Buffer): void {
  let rest = body;
  const ttable = Buffer.from("[TTABLE]", "ascii");
  if (rest.subarray(0, ttable.length).equals(ttable)) rest = rest.subarray(ttable.length + 1); // skip version byte
  if (rest.length < 2) {
    ctx.sendSubnegotiation(TelnetOption.CHARSET, Buffer.from([REJECTED]));
    return;
  }
  const separator = String.fromCharCode(rest[0]!);
  const names = rest.subarray(1).toString("latin1").split(separator).filter((n) => n.length > 0);
  const pick = names.find((n) => charsetFromName(n) === "utf-8") ?? names.find((n) => charsetFromName(n) === "latin1");
  if (!pick) {
    ctx.sendSubnegotiation(TelnetOption.CHARSET, Buffer.from([REJECTED]));
    return;
  }
  ctx.sendSubnegotiation(TelnetOption.CHARSET, Buffer.concat([Buffer.from([ACCEPTED]), Buffer.from(pick, "latin1")]));
  switchTo(ctx, charsetFromName(pick)!);
}

function switchTo(ctx: TelnetOptionContext, charset: TelnetCharset): void {
  ctx.setCharset(charset);
  ctx.updateClientOptions({ encoding: charset === "utf-8" ? "utf-8" : "latin-1", "utf-8": charset === "utf-8" });
}
