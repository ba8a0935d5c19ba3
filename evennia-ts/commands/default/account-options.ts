/**
 * A player's settings: `option` (the session's client options: colours, screen
 * reader, encoding, screen size ...; `/save` keeps them for the next logins) and
 * `style` (the account's display style: border colours, fill characters, time zone).
 */
import { displayOptionValue } from "../../typeclasses/option-handler.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { MuxCommand } from "../mux-command.ts";
import { styledTable } from "../styled-table.ts";
import { CLIENT_OPTION_SPECS, optionUpdate, UNSUPPORTED_OPTIONS, type ClientOptionSpec } from "./client-option-specs.ts";

/** Client options not worth listing (negotiation details). */
const HIDDEN_OPTIONS = new Set(["ttype", "mtts"]);

/** An option value as the player reads it. */
function showValue(value: unknown): string {
  if (value === undefined || value === null) return "None";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** `option[/save|/clear] [name = value]`: show or set the session's client options. */
export class CmdOption extends MuxCommand {
  override key = "option";
  override aliases = ["options"];
  override switchOptions = ["save", "clear"];
  override helpCategory = "general";
  override help = `Set an account option.

Usage:
  option[/save] [name = value]
  option/clear [name]

Switches:
  save  - keep the options (or this one) for your future logins
  clear - forget the saved options (or this one)

Without arguments, lists the options of this session as your client reported
them or you set them. With name = value, changes one; the game renders what
follows by it. Settable: ANSI, XTERM256, TRUECOLOR, NOCOLOR, SCREENREADER, RAW,
MXP, NOGOAHEAD, AUTORESIZE (on/off), ENCODING (utf-8, latin-1), SCREENWIDTH,
SCREENHEIGHT (numbers; setting one turns AUTORESIZE off). Saved options may
not suit a client with other abilities you connect with later.

Examples:
  option
  option screenreader = on
  option/save nocolor = on
  option/clear`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const session = this.session;
    if (!this.args) {
      if (this.switches.includes("save")) {
        const toSave: Record<string, unknown> = {};
        for (const spec of CLIENT_OPTION_SPECS.values()) if (session.clientOptions[spec.key] !== undefined) toSave[spec.key] = session.clientOptions[spec.key];
        account.savedClientOptions = toSave;
        this.msg("|gSaved all options. Use option/clear to remove.|n");
      }
      if (this.switches.includes("clear")) {
        account.savedClientOptions = {};
        this.msg("|gCleared all saved options.|n");
      }
      this.listOptions();
      return;
    }
    const name = this.lhs.toUpperCase();
    if (this.rhs === null && this.switches.includes("clear")) {
      this.clearSaved(name);
      return;
    }
    if (!this.rhs) {
      this.msg("Usage: option [name = [value]]");
      return;
    }
    const spec = CLIENT_OPTION_SPECS.get(name);
    if (!spec) {
      this.msg(UNSUPPORTED_OPTIONS.has(name) ? `|rOption '|w${name}|r' cannot be set on this server.|n` : `|rNo option named '|w${name}|r'.|n`);
      return;
    }
    this.setOption(spec, this.rhs);
  }

  private listOptions(): void {
    const options = this.session.clientOptions;
    const saved = this.account!.savedClientOptions;
    const withSaved = Object.keys(saved).length > 0;
    const table = styledTable(this, withSaved ? ["Name", "Value", "Saved"] : ["Name", "Value"]);
    for (const key of Object.keys(options).filter((k) => !HIDDEN_OPTIONS.has(k)).sort()) {
      const row: string[] = [key.toUpperCase(), showValue(options[key])];
      if (withSaved) {
        const isSaved = key in saved;
        const differs = isSaved && JSON.stringify(saved[key]) !== JSON.stringify(options[key]);
        row.push(`${isSaved ? " |YYes|n" : ""}${differs ? "|y*|n" : ""}`);
      }
      table.addRow(...row);
    }
    this.msg(`|wClient settings (${this.session.protocolKey}):|n\n${table.toString()}|n`);
  }

  private clearSaved(name: string): void {
    const spec = CLIENT_OPTION_SPECS.get(name);
    if (!spec) {
      this.msg(`|rNo option named '|w${name}|r'.|n`);
      return;
    }
    const saved = this.account!.savedClientOptions;
    delete saved[spec.key];
    this.account!.savedClientOptions = saved;
    this.msg(`|gCleared saved ${name}.|n`);
  }

  private setOption(spec: ClientOptionSpec, raw: string): void {
    let value: unknown;
    try {
      value = spec.parse(raw);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|rCould not set option |w${spec.name}|r:|n ${err.message}`);
        return;
      }
      throw err;
    }
    const old = this.session.clientOptions[spec.key] ?? false;
    if (JSON.stringify(old) === JSON.stringify(value)) {
      this.msg(`Option |w${spec.name}|n was kept as '|w${showValue(old)}|n'.`);
    } else {
      this.session.updateClientOptions(optionUpdate(spec, value));
      this.msg(`Option |w${spec.name}|n was changed from '|w${showValue(old)}|n' to '|w${showValue(value)}|n'.`);
    }
    const account = this.account!;
    if (this.switches.includes("save")) {
      account.savedClientOptions = { ...account.savedClientOptions, ...optionUpdate(spec, value) };
      this.msg(`|gSaved option ${spec.name}.|n`);
    }
    if (this.switches.includes("clear")) {
      const saved = account.savedClientOptions;
      delete saved[spec.key];
      account.savedClientOptions = saved;
      this.msg(`|gCleared saved ${spec.name}.|n`);
    }
  }
}

/** `style [<option> = <value>]`, `style/clear <option>`: the account's display style options. */
export class CmdStyle extends MuxCommand {
  override key = "style";
  override switchOptions = ["clear"];
  override helpCategory = "general";
  override help = `In-game style options.

Usage:
  style
  style <option> = <value>
  style/clear <option>

Switches:
  clear - put the option back to the game's default

Sets how things are drawn for you: the colour of table borders and column
names, the characters filling header and footer lines, your time zone. Without
arguments, lists every option with its value. Colours are colour codes without
the leading | (r, 500, #ff8800, [b ...); a unique start of the option's name is
enough.

Examples:
  style
  style border_color = r
  style column = 035
  style timezone = Europe/Paris
  style/clear border_color`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    if (!this.args) {
      const table = styledTable(this, ["Option", "Description", "Type", "Value"], { width: Math.min(78, this.clientWidth()) });
      for (const option of account.options.all()) table.addRow(option.key, option.description, option.type, displayOptionValue(option.type, option.value));
      this.msg(table.toString());
      return;
    }
    try {
      if (this.switches.includes("clear")) {
        const option = account.options.clear(this.lhs);
        this.msg(`Style ${option.key} reset to ${displayOptionValue(option.type, option.value)}`);
        return;
      }
      if (this.rhs === null) {
        this.msg("Usage: style <option> = <value>");
        return;
      }
      const option = account.options.set(this.lhs, this.rhs);
      this.msg(`Style ${option.key} set to ${displayOptionValue(option.type, option.value)}`);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(err.message);
        return;
      }
      throw err;
    }
  }
}
