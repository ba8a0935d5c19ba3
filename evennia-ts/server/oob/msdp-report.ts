/**
 * MSDP `REPORT` and `UNREPORT` (cmdnames `msdp_report`, `msdp_unreport`).
 *
 * `REPORT HEALTH MANA` starts reporting: the current values are sent at once, and
 * each later change is sent without the client asking (see `report-tracker.ts`).
 * A name that is sendable but not reportable gets its value once and is not kept;
 * unknown names are ignored. `UNREPORT HEALTH` stops; nothing is answered.
 */
import type { InputFunc } from "../inputfuncs.ts";
import { reportVariables, sendVariables, unreportVariables } from "./report-tracker.ts";

function names(args: unknown[]): string[] {
  return args.filter((a) => typeof a === "string" || typeof a === "number").map((a) => String(a).trim().toUpperCase());
}

/** `msdp_report`: report the variables from now on, starting with their current values. */
export const msdpReportInputFunc: InputFunc = (session, args) => {
  const asked = names(args);
  reportVariables(session, asked);
  sendVariables(session, asked);
};

/** `msdp_unreport`: stop reporting the variables. */
export const msdpUnreportInputFunc: InputFunc = (session, args) => {
  unreportVariables(session, names(args));
};
