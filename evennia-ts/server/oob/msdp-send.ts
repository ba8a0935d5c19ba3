/**
 * MSDP `SEND` (cmdname `msdp_send`): `SEND ROOM_NAME SERVER_ID` answers the current
 * values of the known variables in one message; unknown names are ignored.
 */
import type { InputFunc } from "../inputfuncs.ts";
import { sendVariables } from "./report-tracker.ts";

/** `msdp_send`: send the variables' current values. */
export const msdpSendInputFunc: InputFunc = (session, args) => {
  sendVariables(
    session,
    args.filter((a) => typeof a === "string").map((a) => a.trim().toUpperCase()),
  );
};
