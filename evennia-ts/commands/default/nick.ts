/**
 * `nick`: a player's own replacements of what they type (`inputline`), of the
 * names they search for (`object`) and of account names (`account`), stored with
 * `caller.nicks` (see `typeclasses/nick-handler.ts`). As Evennia's `CmdNick`:
 *
 *     nick hi = say Hello, I'm Sarah!        map a line
 *     nick/object tom = the tall man         map a searched name
 *     nick tell $1 $2 = page $1=$2           with arguments
 *     nick hi                                show what `hi` maps to
 *     nicks                                  list (also nick/list)
 *     nick/delete hi  or  nick/delete 2      remove
 *     nick/clearall                          remove all (the account's too)
 */
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { Nick, NickHandler } from "../../typeclasses/nick-handler.ts";
import { NickTemplateInvalid } from "../../typeclasses/nick-template.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { EvTable } from "../../utils/text/evtable.ts";
import { MuxCommand } from "../mux-command.ts";

/** The nick types the command manages, in the order it lists and searches them. */
const NICK_TYPES = ["inputline", "object", "account"] as const;

/** Highlight `$1`, `*`, `?` and `[...]` in a nick text. */
function highlight(text: string): string {
  return text.replace(/(\$[0-9]+|\*|\?|\[.+?\])/g, "|Y$1|n");
}

/** Markup typed by a player is shown as typed (`|` doubled). */
function asTyped(text: string): string {
  return text.replace(/\|/g, "||");
}

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

/** Define, show, list and remove your nicks. */
export class CmdNick extends MuxCommand {
  override key = "nick";
  override aliases = ["nickname", "nicks"];
  override switchOptions = ["inputline", "object", "account", "list", "delete", "clearall"];
  override help = `Define a personal alias (nick): a text replaced by another as you use it.

Usage:
  nick[/switches] <string> [= [replacement_string]]
  nick[/switches] <template> = <replacement_template>
  nick/delete <string> or number
  nicks

Switches:
  inputline - replace what you type (the default)
  object    - replace names of objects you search for
  account   - replace names of accounts you search for
  list      - list your nicks (so does "nicks")
  delete    - remove a nick, by its string or its number in the list
  clearall  - remove all your nicks

A nick replaces only for you: nothing is renamed. A line giving the nick
command itself is never replaced, so you can always remove a nick.

Catch arguments with $1, $2 ... (up to $9 is usual) and put them in the
replacement; the last $-marker with no text after it catches the rest of the
line. The string may also use wildcards:

  *       matches anything
  ?       matches one character
  [abcd]  matches one of these characters
  [!abcd] matches one character that is not one of these
  \\=      a literal '=' in the string

Without a replacement, shows what the nicks starting with <string> map to.

Examples:
  nick hi = say Hello, I'm Sarah!
  nick/object tom = the tall man
  nick build $1 $2 = create/drop $1;$2
  nick tell $1 $2=page $1=$2
  nick tm?$1=page tallman=$1
  nick tm\\=$1=page tallman=$1`;

  override async parse(): Promise<void> {
    await super.parse();
    // split at the first '=' not escaped as '\='
    const at = this.args.search(/(?<!\\)=/);
    const lhs = at < 0 ? this.args : this.args.slice(0, at);
    const rhs = at < 0 ? "" : this.args.slice(at + 1).trim();
    this.lhs = lhs.trim().replace(/\\=/g, "=");
    this.rhs = rhs ? rhs : null;
  }

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject) && !(caller instanceof DefaultAccount)) return;
    const nicks = caller.nicks;
    const account = caller instanceof DefaultObject ? caller.account : null;
    const chosen = NICK_TYPES.filter((t) => this.switches.includes(t));
    const specified = chosen.length > 0;
    const types: readonly string[] = specified ? chosen : ["inputline"];
    const listed = NICK_TYPES.flatMap((category) => nicks.all({ category }));

    if (this.switches.includes("list") || this.cmdstring.toLowerCase() === "nicks") {
      this.msg(this.listing(listed));
      return;
    }
    if (this.switches.includes("clearall")) {
      nicks.clear();
      account?.nicks.clear();
      this.msg("Cleared all nicks.");
      return;
    }
    if (this.switches.includes("delete")) {
      this.delete(nicks, listed, specified ? types : NICK_TYPES);
      return;
    }
    if (this.lhs && this.rhs === null) {
      this.show(nicks, specified ? types : NICK_TYPES);
      return;
    }
    if (!this.args || !this.lhs || this.rhs === null) {
      this.msg("Usage: nick[/switches] nickname = [realname]");
      return;
    }
    this.define(nicks, types, this.lhs, this.rhs);
  }

  private listing(listed: Nick[]): string {
    if (listed.length === 0) return "|wNo nicks defined.|n";
    const table = new EvTable(["#", "Type", "Nick match", "Replacement"], { maxwidth: this.clientWidth() });
    listed.forEach((nick, i) => table.addRow(String(i + 1), nick.category, highlight(asTyped(nick.pattern)), highlight(asTyped(nick.replacement))));
    return `|wDefined Nicks:|n\n${table.toString()}`;
  }

  private delete(nicks: NickHandler, listed: Nick[], types: readonly string[]): void {
    if (!this.args || !this.lhs) {
      this.msg("usage nick/delete <nick> or <#num> ('nicks' for list)");
      return;
    }
    const arg = this.lhs.replace(/^#+/, "");
    let doomed: Nick[];
    if (/^\d+$/.test(arg)) {
      const index = Number(arg);
      if (index < 1 || index > listed.length) {
        this.msg("Not a valid nick index. See 'nicks' for a list.");
        return;
      }
      doomed = [listed[index - 1]!];
    } else {
      doomed = types.map((category) => nicks.getNick(arg, { category })).filter((n): n is Nick => n !== undefined);
    }
    if (doomed.length === 0) {
      this.msg("No matching nicks to remove.");
      return;
    }
    for (const nick of doomed) {
      nicks.remove(nick.pattern, { category: nick.category });
      this.msg(`${capitalize(nick.category)}-nick removed: '|w${asTyped(nick.pattern)}|n' -> |w${asTyped(nick.replacement)}|n.`);
    }
  }

  private show(nicks: NickHandler, types: readonly string[]): void {
    const lines: string[] = [];
    const wanted = this.lhs.toLowerCase();
    for (const category of types) {
      for (const nick of nicks.all({ category })) {
        if (nick.pattern.toLowerCase().startsWith(wanted)) lines.push(`${capitalize(category)}-nick: '${asTyped(nick.pattern)}' -> '${asTyped(nick.replacement)}'`);
      }
    }
    this.msg(lines.length ? lines.join("\n") : `No nicks found matching '${asTyped(this.lhs)}'`);
  }

  private define(nicks: NickHandler, types: readonly string[], pattern: string, replacement: string): void {
    if (replacement === pattern) {
      this.msg("No point in setting nick same as the string to replace...");
      return;
    }
    const lines: string[] = [];
    for (const category of types) {
      const label = `${capitalize(category)}-nick`;
      const old = nicks.getNick(pattern, { category });
      try {
        nicks.add(pattern, replacement, { category });
      } catch (err) {
        if (err instanceof NickTemplateInvalid && err.reason === "markers") {
          this.msg("You must use the same $-markers both in the nick and in the replacement.");
        } else if (isEvenniaError(err, "EV_ERR_BAD_INPUT") || isEvenniaError(err, "EV_ERR_LIMIT")) {
          this.msg(err.message);
        } else throw err;
        return;
      }
      if (!old) lines.push(`${label} '|w${asTyped(pattern)}|n' mapped to '|w${asTyped(replacement)}|n'.`);
      else if (old.replacement === replacement) lines.push(`Identical ${label.toLowerCase()} already set.`);
      else lines.push(`${label} '|w${asTyped(old.pattern)}|n' updated to map to '|w${asTyped(replacement)}|n'.`);
    }
    this.msg(highlight(lines.join("\n")));
  }
}
