/**
 * MSDP `RESET` (cmdname `msdp_reset`) puts a group of variables back as they were at
 * connection: `RESET REPORTED_VARIABLES` (or `REPORTABLE_VARIABLES`) stops every
 * report; `RESET CONFIGURABLE_VARIABLES` forgets what the client said about itself
 * (`CLIENT_NAME`, ...). Nothing is answered.
 */
import type { InputFunc } from "../inputfuncs.ts";
import { CONFIGURABLE_OPTION_KEYS } from "./msdp-configurable.ts";
import { clearReports } from "./report-tracker.ts";

/** `msdp_reset`: reset the named groups. */
export const msdpResetInputFunc: InputFunc = (session, args) => {
  for (const arg of args) {
    // only text names a group (a client's `{"toString": 1}` cannot even be printed)
    if (typeof arg !== "string") continue;
    const group = arg.trim().toUpperCase();
    if (group === "REPORTED_VARIABLES" || group === "REPORTABLE_VARIABLES") {
      clearReports(session);
    } else if (group === "CONFIGURABLE_VARIABLES") {
      for (const option of new Set(Object.values(CONFIGURABLE_OPTION_KEYS))) delete session.clientOptions[option];
    }
  }
};
