/**
 * NEW-ENVIRON (RFC 1572) as the MUD New-Environ Standard (MNES) uses it. The server
 * asks DO NEW-ENVIRON; when the client agrees it requests the variables CLIENT_NAME,
 * CLIENT_VERSION, CHARSET, MTTS and TERMINAL_TYPE, and reads the client's IS and
 * INFO answers (INFO arrives when a value changes).
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { ClientOptions } from "../../session-transport.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";
import { decodeMtts, decodeTerminalType } from "../mtts.ts";

const IS = 0;
const SEND = 1;
const INFO = 2;
const VAR = 0;
const VALUE = 1;
const ESC = 2;
const USERVAR = 3;

const REQUESTED = ["CLIENT_NAME", "CLIENT_VERSION", "CHARSET", "MTTS", "TERMINAL_TYPE"];

/** Parse `(VAR|USERVAR) name [VALUE value]...` into name → value (null when no VALUE). */
export function parseEnvironList(body: Buffer): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  let i = 0;
  const readText = (): string => {
    const bytes: number[] = [];
    while (i < body.length) {
      const b = body[i]!;
      if (b === ESC) {
        if (i + 1 < body.length) bytes.push(body[i + 1]!);
        i += 2;
        continue;
      }
      if (b === VAR || b === VALUE || b === USERVAR) break;
      bytes.push(b);
      i++;
    }
    return Buffer.from(bytes).toString("utf8");
  };
  while (i < body.length) {
    const type = body[i]!;
    if (type !== VAR && type !== USERVAR) {
      i++;
      continue;
    }
    i++;
    const name = readText();
    let value: string | null = null;
    if (body[i] === VALUE) {
      i++;
      value = readText();
    }
    if (name.length > 0) vars.set(name, value);
  }
  return vars;
}

/** NEW-ENVIRON handler: reports `client_name`, `client_version`, `utf-8`, MTTS flags. */
export const newEnvironOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.NEW_ENVIRON,
  name: "NEW-ENVIRON",
  start() {
    ctx.requestRemote(TelnetOption.NEW_ENVIRON, true);
  },
  accept(side) {
    return side === "remote";
  },
  changed(side, enabled) {
    if (side !== "remote" || !enabled) return;
    const parts: Buffer[] = [Buffer.from([SEND])];
    for (const name of REQUESTED) parts.push(Buffer.from([VAR]), Buffer.from(name, "ascii"));
    ctx.sendSubnegotiation(TelnetOption.NEW_ENVIRON, Buffer.concat(parts));
  },
  subnegotiation(payload) {
    if (payload.length === 0 || (payload[0] !== IS && payload[0] !== INFO)) return;
    const update: ClientOptions = {};
    // MTTS first: the explicit variables (CHARSET ...) refine what its bits say
    const vars = [...parseEnvironList(payload.subarray(1))].sort(([a], [b]) => Number(b.toUpperCase() === "MTTS") - Number(a.toUpperCase() === "MTTS"));
    for (const [name, value] of vars) {
      if (value === null || value === "") continue;
      switch (name.toUpperCase()) {
        case "CLIENT_NAME":
          update.client_name = value;
          break;
        case "CLIENT_VERSION":
          update.client_version = value;
          break;
        case "CHARSET":
          update["utf-8"] = /^utf-?8$/i.test(value.trim());
          break;
        case "TERMINAL_TYPE":
          Object.assign(update, decodeTerminalType(value), { terminal_type: value });
          break;
        case "MTTS": {
          const bits = Number(value.trim());
          if (Number.isSafeInteger(bits) && bits >= 0) Object.assign(update, decodeMtts(bits), { mtts: bits });
          break;
        }
      }
    }
    if (Object.keys(update).length > 0) ctx.updateClientOptions(update);
  },
});
