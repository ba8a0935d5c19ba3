/**
 * MSSP, MUD Server Status Protocol (option 70). The server offers WILL MSSP; when a
 * client or crawler answers DO MSSP it gets `SB MSSP (VAR name (VAL value)+)* SE`. The
 * game's `msspData()` supplies the variables; NAME, PLAYERS, UPTIME, CODEBASE, PORT and
 * CRAWL DELAY get defaults when missing.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory, TelnetServerInfo } from "../telnet-option.ts";

const MSSP_VAR = 1;
const MSSP_VAL = 2;

/** The MSSP variables to send: defaults overridden by the game's data. */
export function msspVariables(server: TelnetServerInfo): Record<string, string | string[]> {
  const defaults: Record<string, string> = {
    NAME: server.serverName,
    PLAYERS: String(server.connectionCount),
    UPTIME: String(Math.floor(server.startedAt / 1000)),
    CODEBASE: "evennia-ts",
    "CRAWL DELAY": "-1",
  };
  if (server.port > 0) defaults.PORT = String(server.port);
  return { ...defaults, ...server.msspData() };
}

/** Encode MSSP variables as a sub-negotiation payload. */
export function encodeMssp(vars: Record<string, string | string[]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(vars)) {
    parts.push(Buffer.from([MSSP_VAR]), clean(name));
    for (const v of Array.isArray(value) ? value : [value]) parts.push(Buffer.from([MSSP_VAL]), clean(String(v)));
  }
  return Buffer.concat(parts);
}

/** UTF-8 bytes without NUL, MSSP_VAR and MSSP_VAL, which cannot appear in names or values. */
function clean(text: string): Buffer {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(text.replace(/[\u0000-\u0002]/g, ""), "utf8");
}

/** MSSP handler. */
export const msspOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.MSSP,
  name: "MSSP",
  start() {
    ctx.requestLocal(TelnetOption.MSSP, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local" && enabled) ctx.sendSubnegotiation(TelnetOption.MSSP, encodeMssp(msspVariables(ctx.server)));
  },
});
