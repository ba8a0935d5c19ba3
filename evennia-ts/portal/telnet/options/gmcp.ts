/**
 * GMCP, Generic MUD Communication Protocol (option 201). The server offers WILL GMCP;
 * once agreed, `IAC SB GMCP Package.Sub <json> IAC SE` carries out-of-band messages both
 * ways (see `gmcp-codec.ts` for the mapping to message triples). `Core.Hello` also tells
 * the client's name and version.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";
import { decodeGmcp, encodeGmcp } from "../gmcp-codec.ts";
import { MAX_OOB_NESTING } from "../json-depth.ts";

/** GMCP handler: reports `gmcp`; forwards GMCP messages both ways. */
export const gmcpOption: TelnetOptionFactory = (ctx) => ({
  code: TelnetOption.GMCP,
  name: "GMCP",
  start() {
    ctx.requestLocal(TelnetOption.GMCP, true);
  },
  accept(side) {
    return side === "local";
  },
  changed(side, enabled) {
    if (side === "local") ctx.updateClientOptions({ gmcp: enabled });
  },
  subnegotiation(payload) {
    const message = decodeGmcp(payload.toString("utf8"));
    if (!message) {
      ctx.log.debug(`ignored a GMCP message without a package name, or nested deeper than ${MAX_OOB_NESTING}`);
      return;
    }
    if (message[0] === "core_hello") {
      const { client, version } = message[2];
      const update: Record<string, string> = {};
      if (typeof client === "string" && client) update.client_name = client;
      if (typeof version === "string" && version) update.client_version = version;
      if (Object.keys(update).length > 0) ctx.updateClientOptions(update);
    }
    ctx.input([message]);
  },
  oobPayload(message) {
    return ctx.isEnabled(TelnetOption.GMCP, "local") ? encodeGmcp(message) : null;
  },
});
