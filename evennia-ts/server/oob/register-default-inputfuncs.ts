/**
 * Registers the default out-of-band inputfuncs (Evennia's, mapped to GMCP and MSDP)
 * and starts MSDP report tracking. The server calls it at start, before the game's
 * code loads, so a game replaces any of these by registering the same cmdname.
 *
 * | cmdname | from | does |
 * |---|---|---|
 * | `client_options`, `get_client_options` | any (GMCP `Core.Supports.Get`) | set or send the client options |
 * | `core_hello` | GMCP `Core.Hello` | keep client name and version |
 * | `core_supports_set` / `_add` / `_remove` | GMCP `Core.Supports.*` | keep the announced packages |
 * | `core_ping` | GMCP `Core.Ping` | answer `Core.Ping` |
 * | `char_login`, `char_login_credentials` | GMCP `Char.Login(.Credentials)` | log in, once the game called `enableGmcpLogin()` |
 * | `msdp_list`, `msdp_report`, `msdp_unreport`, `msdp_send`, `msdp_reset` | MSDP commands | see their modules |
 * | `client_name`, `client_id`, `client_version`, `plugin_id` | MSDP configurable variables | keep them in the client options |
 */
import type { CommandServices } from "../../commands/command.ts";
import { registerInputFunc } from "../inputfuncs.ts";
import { charLoginInputFunc } from "./char-login.ts";
import { clientOptionsInputFunc, getClientOptionsInputFunc } from "./client-options.ts";
import { coreHelloInputFunc } from "./core-hello.ts";
import { corePingInputFunc } from "./core-ping.ts";
import { coreSupportsAddInputFunc, coreSupportsRemoveInputFunc, coreSupportsSetInputFunc } from "./core-supports.ts";
import { CONFIGURABLE_OPTION_KEYS, configurableVariableInputFunc } from "./msdp-configurable.ts";
import { msdpListInputFunc } from "./msdp-list.ts";
import { msdpReportInputFunc, msdpUnreportInputFunc } from "./msdp-report.ts";
import { msdpResetInputFunc } from "./msdp-reset.ts";
import { msdpSendInputFunc } from "./msdp-send.ts";
import { setOobServices } from "./oob-context.ts";
import { startReportTracking } from "./report-tracker.ts";

/** Register the default OOB inputfuncs for a starting server and start report tracking. */
export function registerDefaultInputFuncs(services: CommandServices): void {
  setOobServices(services);
  registerInputFunc("client_options", clientOptionsInputFunc);
  registerInputFunc("get_client_options", getClientOptionsInputFunc);
  registerInputFunc("core_hello", coreHelloInputFunc);
  registerInputFunc("core_supports_set", coreSupportsSetInputFunc);
  registerInputFunc("core_supports_add", coreSupportsAddInputFunc);
  registerInputFunc("core_supports_remove", coreSupportsRemoveInputFunc);
  registerInputFunc("core_ping", corePingInputFunc);
  registerInputFunc("char_login", charLoginInputFunc);
  registerInputFunc("char_login_credentials", charLoginInputFunc);
  registerInputFunc("msdp_list", msdpListInputFunc);
  registerInputFunc("msdp_report", msdpReportInputFunc);
  registerInputFunc("msdp_unreport", msdpUnreportInputFunc);
  registerInputFunc("msdp_send", msdpSendInputFunc);
  registerInputFunc("msdp_reset", msdpResetInputFunc);
  for (const cmdname of Object.keys(CONFIGURABLE_OPTION_KEYS)) {
    registerInputFunc(cmdname, configurableVariableInputFunc(cmdname));
  }
  startReportTracking();
}
