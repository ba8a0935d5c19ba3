/**
 * The set of telnet options a connection supports, and toggles to turn each off.
 */
import type { TelnetOptionFactory } from "./telnet-option.ts";
import { charsetOption } from "./options/charset.ts";
import { echoOption } from "./options/echo.ts";
import { eorOption } from "./options/eor.ts";
import { gmcpOption } from "./options/gmcp.ts";
import { mccp2Option } from "./options/mccp2.ts";
import { mccp3Option } from "./options/mccp3.ts";
import { msdpOption } from "./options/msdp.ts";
import { msspOption } from "./options/mssp.ts";
import { mxpOption } from "./options/mxp.ts";
import { nawsOption } from "./options/naws.ts";
import { newEnvironOption } from "./options/new-environ.ts";
import { sgaOption } from "./options/sga.ts";
import { ttypeOption } from "./options/ttype.ts";

/**
 * Turn individual options on or off. Each defaults to `all` (itself true by default),
 * except `mxp`, which is off unless set to true. An option that is off is refused
 * like any unknown option.
 */
export interface TelnetOptionToggles {
  /** Default for every option not named (default true; MXP still needs `mxp: true`). */
  all?: boolean;
  echo?: boolean;
  sga?: boolean;
  eor?: boolean;
  ttype?: boolean;
  naws?: boolean;
  charset?: boolean;
  newEnviron?: boolean;
  mssp?: boolean;
  mccp2?: boolean;
  mccp3?: boolean;
  mxp?: boolean;
  gmcp?: boolean;
  msdp?: boolean;
}

const FACTORIES: Array<[keyof TelnetOptionToggles, TelnetOptionFactory]> = [
  ["echo", echoOption],
  ["sga", sgaOption],
  ["eor", eorOption],
  ["ttype", ttypeOption],
  ["naws", nawsOption],
  ["charset", charsetOption],
  ["newEnviron", newEnvironOption],
  ["mssp", msspOption],
  ["mccp2", mccp2Option],
  ["mccp3", mccp3Option],
  ["mxp", mxpOption],
  ["gmcp", gmcpOption],
  ["msdp", msdpOption],
];

/** Option handlers for a new connection, as the toggles ask. */
export function defaultTelnetOptionFactories(toggles: TelnetOptionToggles = {}): TelnetOptionFactory[] {
  const all = toggles.all ?? true;
  return FACTORIES.filter(([key]) => {
    const value = toggles[key];
    if (key === "mxp") return value === true;
    return value ?? all;
  }).map(([, factory]) => factory);
}
