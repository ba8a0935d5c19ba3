/**
 * `styledTable(cmd, headers)`: an `EvTable` in the style the player chose with the
 * `style` command (Evennia's `Command.styled_table`): borders in the account's
 * `border_color`, column names in its `column_names_color`. Without an account
 * (before login) the defaults of the setting `optionsAccountDefault` apply.
 */
import { activeSettings } from "../conf/active-settings.ts";
import { EvTable, type EvTableOptions } from "../utils/text/evtable.ts";
import type { Command } from "./command.ts";

/** The value of style option `key` for the command's account, or the default. */
export function styleOption(cmd: Command, key: string): string {
  return cmd.account?.options.get(key) ?? activeSettings().optionsAccountDefault[key]?.[2] ?? "n";
}

/** A table with `headers`, styled by the caller's account options; `options` as EvTable's (no width limit unless given, as Evennia). */
export function styledTable(cmd: Command, headers: readonly string[], options: EvTableOptions = {}): EvTable {
  const border = styleOption(cmd, "border_color");
  const columns = styleOption(cmd, "column_names_color");
  // the default "n" needs no codes: plain characters keep the text small
  const paint = (ch: string) => (border === "n" ? ch : `|${border}${ch}|n`);
  return new EvTable(
    headers.map((h) => `|${columns}${h}|n`),
    {
      headerLineChar: paint("~"),
      cornerChar: paint("+"),
      borderVerticalChar: paint("||"),
      borderHorizontalChar: paint("-"),
      ...options,
    },
  );
}
