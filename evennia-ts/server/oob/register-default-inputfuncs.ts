/**
 * Registers the default out-of-band inputfuncs (Evennia's, mapped to GMCP and MSDP)
 * and starts MSDP report tracking. The server calls it at start, before the game's
 * code loads, so a game replaces any of these by registering the same cmdname.
 *
 * | cmdname | from | does |
 * |---|---|---|
 * | `client_options`, `get_client_options` | any (GMCP `Core.Supports.Get`) | set or send the client options |
 * | `echo`, `get_inputfuncs`, `get_value` | any (GMCP `Core.Commands.Get` is `get_inputfuncs`) | echo the arguments, list the inputfuncs, send a named value |
 * | `core_hello` | GMCP `Core.Hello` | keep client name and version |
 * | `core_supports_set` / `_add` / `_remove` | GMCP `Core.Supports.*` | keep the announced packages |
 * | `core_ping` | GMCP `Core.Ping` | answer `Core.Ping` |
 * | `char_login`, `char_login_credentials` | GMCP `Char.Login(.Credentials)` | log in, once the game called `enableGmcpLogin()` |
 * | `login` | any (Evennia's inputfunc) | log in with `{name, password}`, once the game called `enableGmcpLogin()` |
 * | `monitor`, `unmonitor`, `monitored` | any | be sent a field or attribute of the character whenever it changes |
 * | `repeat`, `unrepeat` | any | have a whitelisted function called every so many seconds |
 * | `webclient_options` | webclient | send, save and follow the account's webclient options |
 * | `msdp_list`, `msdp_report`, `msdp_unreport`, `msdp_send`, `msdp_reset` | MSDP commands | see their modules |
 * | `client_name`, `client_id`, `client_version`, `plugin_id` | MSDP configurable variables | keep them in the client options |
 */
import type { CommandServices } from "../../commands/command.ts";
import { registerInputFunc } from "../inputfuncs.ts";
import { charLoginInputFunc, loginInputFunc } from "./char-login.ts";
import { clientOptionsInputFunc, getClientOptionsInputFunc } from "./client-options.ts";
import { coreHelloInputFunc } from "./core-hello.ts";
import { echoInputFunc, getInputFuncsInputFunc, getValueInputFunc } from "./introspection.ts";
import { corePingInputFunc } from "./core-ping.ts";
import { coreSupportsAddInputFunc, coreSupportsRemoveInputFunc, coreSupportsSetInputFunc } from "./core-supports.ts";
import { CONFIGURABLE_OPTION_KEYS, configurableVariableInputFunc } from "./msdp-configurable.ts";
import { msdpListInputFunc } from "./msdp-list.ts";
import { msdpReportInputFunc, msdpUnreportInputFunc } from "./msdp-report.ts";
import { msdpResetInputFunc } from "./msdp-reset.ts";
import { msdpSendInputFunc } from "./msdp-send.ts";
import { monitoredInputFunc, monitorInputFunc, unmonitorInputFunc } from "./monitors.ts";
import { setOobServices } from "./oob-context.ts";
import { repeatInputFunc, unrepeatInputFunc } from "./repeats.ts";
import { resetOobSubscriptions } from "./session-subscriptions.ts";
import { webclientOptionsInputFunc } from "./webclient-options.ts";
import { startReportTracking } from "./report-tracker.ts";

/** Register the default OOB inputfuncs for a starting server and start report tracking. */
export function registerDefaultInputFuncs(services: CommandServices): void {
  setOobServices(services);
  resetOobSubscriptions();
  registerInputFunc("client_options", clientOptionsInputFunc, "Set client options ({screenwidth: 120, ...}), or send them back when given none or get: true.");
  registerInputFunc("get_client_options", getClientOptionsInputFunc, "Send the client options.");
  registerInputFunc("echo", echoInputFunc, "Send the arguments back as text (for testing a client).");
  registerInputFunc("get_inputfuncs", getInputFuncsInputFunc, "Send every input function the server answers, with what it does.");
  registerInputFunc("get_value", getValueInputFunc, "Send one value: name (or key), location or servername.");
  registerInputFunc("monitor", monitorInputFunc, "Send {name, value} whenever name (name, location, desc, ...) of the character changes; stop: true ends it.");
  registerInputFunc("unmonitor", unmonitorInputFunc, "Stop monitoring name.");
  registerInputFunc("monitored", monitoredInputFunc, "Send what this session monitors.");
  registerInputFunc("repeat", repeatInputFunc, "Call callback (test1, test2, ...) every interval seconds (at least 5); stop: true ends it.");
  registerInputFunc("unrepeat", unrepeatInputFunc, "Stop repeating callback (at interval, or every interval).");
  registerInputFunc("webclient_options", webclientOptionsInputFunc, "Send the account's webclient options and follow their changes, or save the options given.");
  registerInputFunc("core_hello", coreHelloInputFunc, "GMCP Core.Hello: keep the client's name and version.");
  registerInputFunc("core_supports_set", coreSupportsSetInputFunc, "GMCP Core.Supports.Set: keep the packages the client supports.");
  registerInputFunc("core_supports_add", coreSupportsAddInputFunc, "GMCP Core.Supports.Add: add packages the client supports.");
  registerInputFunc("core_supports_remove", coreSupportsRemoveInputFunc, "GMCP Core.Supports.Remove: drop packages the client supports.");
  registerInputFunc("core_ping", corePingInputFunc, "GMCP Core.Ping: answered at once.");
  registerInputFunc("char_login", charLoginInputFunc, "GMCP Char.Login: log in (when the game enabled it).");
  registerInputFunc("char_login_credentials", charLoginInputFunc, "GMCP Char.Login.Credentials: log in (when the game enabled it).");
  registerInputFunc("login", loginInputFunc, "Log in with {name, password}, as connect does (when the game enabled out-of-band login).");
  registerInputFunc("msdp_list", msdpListInputFunc, "MSDP LIST: the commands, lists and variables there are.");
  registerInputFunc("msdp_report", msdpReportInputFunc, "MSDP REPORT: send a variable now and whenever it changes.");
  registerInputFunc("msdp_unreport", msdpUnreportInputFunc, "MSDP UNREPORT: stop reporting a variable.");
  registerInputFunc("msdp_send", msdpSendInputFunc, "MSDP SEND: send a variable now.");
  registerInputFunc("msdp_reset", msdpResetInputFunc, "MSDP RESET: reset a list of reported variables.");
  for (const cmdname of Object.keys(CONFIGURABLE_OPTION_KEYS)) {
    registerInputFunc(cmdname, configurableVariableInputFunc(cmdname), `MSDP configurable variable ${cmdname.toUpperCase()}: kept in the client options.`);
  }
  startReportTracking();
}
