/**
 * MSDP configurable variables: what a client may set about itself by sending the
 * variable (`VAR CLIENT_NAME VAL Mudlet` arrives as cmdname `client_name`). Kept in
 * `session.clientOptions` as `client_name`, `client_version` and `plugin_id`
 * (`CLIENT_ID`, an older name of `CLIENT_NAME`, is accepted too).
 */
import type { InputFunc } from "../inputfuncs.ts";

/** Variables listed by `LIST CONFIGURABLE_VARIABLES`. */
export const CONFIGURABLE_VARIABLES: readonly string[] = ["CLIENT_NAME", "CLIENT_VERSION", "PLUGIN_ID"];

/** Client option each configurable variable (lower-case cmdname) is stored as. */
export const CONFIGURABLE_OPTION_KEYS: Readonly<Record<string, string>> = {
  client_name: "client_name",
  client_id: "client_name",
  client_version: "client_version",
  plugin_id: "plugin_id",
};

/** Longest value kept. */
const MAX_LENGTH = 64;

/** Build the inputfunc storing configurable variable `cmdname`. */
export function configurableVariableInputFunc(cmdname: string): InputFunc {
  const option = CONFIGURABLE_OPTION_KEYS[cmdname] ?? cmdname;
  return (session, args) => {
    const value = args[0];
    if (typeof value !== "string" && typeof value !== "number") return;
    const text = String(value).trim();
    if (text) session.clientOptions[option] = text.slice(0, MAX_LENGTH);
    else delete session.clientOptions[option];
  };
}
