/**
 * Evennia's inputfuncs for a client finding its way: `echo` (the arguments sent back as
 * text), `get_inputfuncs` (every cmdname the server answers, with what it does) and
 * `get_value` (a few named values of the session's character or account).
 */
import { activeSettings } from "../../conf/active-settings.ts";
import { inputFuncDescriptions, type InputFunc } from "../inputfuncs.ts";
import { toOobValue } from "./oob-value.ts";

/** Longest echo sent back, in characters. */
const MAX_ECHO_LENGTH = 2000;

/** `echo`: `("text", ["Echo returns: <args>"], {})`, for testing a client's input. */
export const echoInputFunc: InputFunc = (session, args) => {
  const shown = JSON.stringify(toOobValue(args)) ?? "[]";
  session.msg(`Echo returns: ${shown.length > MAX_ECHO_LENGTH ? `${shown.slice(0, MAX_ECHO_LENGTH)}...` : shown}`);
};

/** `get_inputfuncs`: `("get_inputfuncs", [], {cmdname: description, ...})`. */
export const getInputFuncsInputFunc: InputFunc = (session) => {
  session.msg({ get_inputfuncs: [[], inputFuncDescriptions()] });
};

/**
 * `get_value` with one name: `("get_value", [value], {})`. Names: `name` or `key` (the
 * puppet's, else the account's), `location` (the puppet's location, or "None") and
 * `servername`. Other names, and a session not logged in asking for its name or
 * location, get no answer (a game widens this by registering its own `get_value`).
 */
export const getValueInputFunc: InputFunc = (session, args) => {
  const name = typeof args[0] === "string" ? args[0].trim().toLowerCase() : "";
  const obj = session.puppet ?? session.account;
  let value: string | null = null;
  if (name === "servername") value = activeSettings().serverName;
  else if ((name === "name" || name === "key") && obj) value = obj.key;
  else if (name === "location" && obj) value = session.puppet?.location?.key ?? "None";
  if (value !== null) session.msg({ get_value: [[value], {}] });
};
