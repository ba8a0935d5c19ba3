/**
 * MSDP `LIST` (cmdname `msdp_list`): `LIST COMMANDS`, `LIST LISTS`,
 * `LIST REPORTABLE_VARIABLES`, `LIST REPORTED_VARIABLES`, `LIST SENDABLE_VARIABLES`,
 * `LIST CONFIGURABLE_VARIABLES`. Each known list is answered as an MSDP array under
 * the list's name, all in one message: `VAR COMMANDS VAL ARRAY_OPEN VAL LIST ...`.
 * Unknown list names are ignored.
 */
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { CONFIGURABLE_VARIABLES } from "./msdp-configurable.ts";
import { reportedVariableNames } from "./report-tracker.ts";
import { reportableVariableNames, sendableVariableNames } from "./reportable-variables.ts";

const log = getLogger("server.oob");

/** The MSDP commands this server answers. */
export const MSDP_COMMANDS: readonly string[] = ["LIST", "REPORT", "RESET", "SEND", "UNREPORT"];

/** The lists `LIST` knows. */
export const MSDP_LISTS: readonly string[] = [
  "COMMANDS",
  "LISTS",
  "CONFIGURABLE_VARIABLES",
  "REPORTABLE_VARIABLES",
  "REPORTED_VARIABLES",
  "SENDABLE_VARIABLES",
];

/** The contents of list `name` for `session`, or undefined for an unknown list. */
export function msdpList(session: ServerSession, name: string): string[] | undefined {
  switch (name) {
    case "COMMANDS":
      return [...MSDP_COMMANDS];
    case "LISTS":
      return [...MSDP_LISTS];
    case "CONFIGURABLE_VARIABLES":
      return [...CONFIGURABLE_VARIABLES];
    case "REPORTABLE_VARIABLES":
      return reportableVariableNames();
    case "REPORTED_VARIABLES":
      return reportedVariableNames(session);
    case "SENDABLE_VARIABLES":
      return sendableVariableNames();
    default:
      return undefined;
  }
}

/** `msdp_list`: answer each requested list. */
export const msdpListInputFunc: InputFunc = (session, args) => {
  const out: Record<string, string[]> = {};
  for (const arg of args) {
    // a client's JSON may hold anything; only text and numbers name a list (`{"toString": 1}` cannot even be printed)
    if (typeof arg !== "string" && typeof arg !== "number") continue;
    const name = String(arg).trim().toUpperCase();
    const list = msdpList(session, name);
    if (list) out[name] = list;
    else log.debug(`session ${session.sessid} asked for unknown MSDP list "${name.slice(0, 64)}"`);
  }
  if (Object.keys(out).length > 0) session.msg({ msdp: [[], out] });
};
