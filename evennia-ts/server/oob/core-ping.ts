/**
 * GMCP `Core.Ping` (cmdname `core_ping`): the client measures latency; the server
 * answers `Core.Ping` at once. The average the client may send along
 * (`Core.Ping 120`) is kept as `gmcp_ping_avg` (ms) in `session.clientOptions`.
 */
import type { InputFunc } from "../inputfuncs.ts";

/** `core_ping`: answer with `core_ping` (GMCP `Core.Ping`). */
export const corePingInputFunc: InputFunc = (session, args) => {
  const avg = Number(args[0]);
  if (args.length > 0 && Number.isFinite(avg) && avg >= 0) session.clientOptions.gmcp_ping_avg = avg;
  session.msg({ core_ping: [[], {}] });
};
