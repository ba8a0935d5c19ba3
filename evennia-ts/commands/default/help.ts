/**
 * `help` and `sethelp`, shaped like Evennia's: an index of topics by category,
 * entries with aliases, subtopics and suggestions, database entries made in game.
 */
import { parseLockString } from "../../locks/lock-string.ts";
import type { PermissionHolder } from "../../locks/permissions.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { dedent, formatGrid, pad } from "../../utils/text/format.ts";
import type { Command } from "../command.ts";
import { MuxCommand } from "../mux-command.ts";
import { evmore } from "../evmore.ts";
import { EvEditor } from "../eveditor/editor.ts";
import { registerEditorFunction, type EditorCaller, type EditorHandle } from "../eveditor/editor-hooks.ts";
import { allDbHelpEntries, deleteDbHelpEntry, findDbHelpEntry, saveDbHelpEntry } from "../help/db-help-entries.ts";
import {
  canListTopic,
  canReadTopic,
  commandHelpEntry,
  dbHelpTopic,
  fileHelpEntries,
  findSubtopic,
  parseSubtopics,
  searchHelp,
  trimHelpBlock,
  type HelpEntry,
} from "../help/help-entries.ts";

/** Title-case a category as Evennia's index does (`building` → `Building`). */
function titleCase(text: string): string {
  return text.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

const INDEX_CATEGORY = "|W";
const INDEX_TOPIC = "|G";
const INDEX_SEPARATOR = "|w";

/** `help`: the index of help topics, or one topic (its text is in `help` below). */
export class CmdHelp extends MuxCommand {
  override key = "help";
  override aliases = ["?"];
  override locks = "cmd:all()";
  override argRegex: RegExp | string | null = "\\s|$";
  override help = `Get help.

Usage:
  help
  help <topic, command or category>
  help <topic>/<subtopic>
  help <topic>/<subtopic>/<subsubtopic> ...

Use the 'help' command alone to see an index of all help topics, organized
by category. Some big topics may offer additional sub-topics.

Examples:
  help
  help look
  help building
  help sethelp/subtopics`;

  /** Page long help with EvMore. */
  helpMore = true;
  /** Suggestions shown at most. */
  suggestionMaxnum = 5;
  /** Make topics clickable links (webclient, MXP). */
  clickableTopics = true;

  /** The topic asked for, lower-case. */
  topic = "";
  /** Subtopics asked for, lower-case. */
  subtopics: string[] = [];

  override parse(): void {
    super.parse();
    const parts = this.args.split("/").map((p) => p.trim().toLowerCase());
    this.topic = this.args.trim() ? parts.shift()! : "";
    this.subtopics = this.args.trim() ? parts.filter(Boolean) : [];
  }

  /** Who locks are checked against. */
  protected accessor(): PermissionHolder | null {
    return this.account ?? (this.caller as unknown as PermissionHolder);
  }

  /** The ignored command prefixes (`@&/+`). */
  protected prefixes(): string {
    return this.services?.settings?.cmdIgnorePrefixes ?? "@&/+";
  }

  /** Send help text (paged when long). */
  msgHelp(text: string): void {
    if (this.helpMore) evmore(this, text, { textKwargs: { type: "help" } });
    else this.msg({ text: [text, { type: "help" }] });
  }

  /**
   * Topics from every source the caller may list (`mode` "list") or read ("query"):
   * commands they may use, database entries and help files.
   */
  async collectTopics(mode: "list" | "query"): Promise<{ commands: HelpEntry[]; others: HelpEntry[] }> {
    const accessor = this.accessor();
    const allowed = mode === "list" ? canListTopic : canReadTopic;
    const seen = new Map<string, Command>();
    for (const cmd of this.cmdset ?? []) {
      if (cmd.key.startsWith("__") || !cmd.access(accessor, "cmd")) continue;
      const other = seen.get(cmd.key);
      if (!other || (cmd.obj === this.caller && other.obj !== this.caller)) seen.set(cmd.key, cmd);
    }
    const commands = [...seen.values()].map((c) => commandHelpEntry(c, this.caller)).filter((e) => allowed(e, accessor));
    const byKey = new Map<string, HelpEntry>();
    for (const e of fileHelpEntries(this.services?.settings?.gameDir)) byKey.set(e.key.toLowerCase(), e);
    for (const e of await allDbHelpEntries(getStore().db)) byKey.set(e.key.toLowerCase(), dbHelpTopic(e));
    const commandKeys = new Set(commands.map((c) => c.key.toLowerCase()));
    const others = [...byKey.values()].filter((e) => !commandKeys.has(e.key.toLowerCase()) && allowed(e, accessor));
    return { commands, others };
  }

  /** Hide an ignored prefix (`@open` → `open`) unless the unprefixed name is another command. */
  stripCmdPrefix(key: string, allNames: ReadonlySet<string>): string {
    const prefixes = this.prefixes();
    if (key.length > 1 && prefixes.includes(key[0]!) && !allNames.has(key.slice(1))) return key.slice(1);
    return key;
  }

  private link(topic: string, shown = topic): string {
    return this.clickableTopics ? `|lchelp ${topic}|lt${shown}|le` : shown;
  }

  /** The index: topics by category, commands and other topics apart (Evennia's layout). */
  formatHelpIndex(commandsByCategory: Map<string, string[]>, othersByCategory: Map<string, string[]>, titleLoneCategory = false): string {
    const width = this.clientWidth();
    const grid = (byCategory: Map<string, string[]>): string => {
      const items: string[] = [];
      const verbatim = new Set<number>();
      const categories = [...byCategory.keys()].sort();
      if (categories.length === 1 && !titleLoneCategory) {
        items.push(...[...new Set(byCategory.get(categories[0]!))].sort().map((t) => this.link(t)));
      } else {
        for (const category of categories) {
          const label = `-- ${titleCase(category)} `;
          verbatim.add(items.length);
          items.push(INDEX_CATEGORY + label + "-".repeat(Math.max(0, width - label.length)) + INDEX_TOPIC);
          items.push(...[...new Set(byCategory.get(category))].sort().map((t) => this.link(t)));
        }
      }
      return formatGrid(items, width, "  ", verbatim)
        .map((l) => INDEX_TOPIC + l)
        .join("\n");
    };
    const hasAny = (m: Map<string, string[]>) => [...m.values()].some((v) => v.length > 0);
    const cmdGrid = hasAny(commandsByCategory) ? grid(commandsByCategory) : "";
    const otherGrid = hasAny(othersByCategory) ? grid(othersByCategory) : "";
    if (cmdGrid && otherGrid) {
      const sep1 = INDEX_SEPARATOR + pad("Commands", width, "c", "-") + INDEX_TOPIC;
      const sep2 = INDEX_SEPARATOR + pad("Game & World", width, "c", "-") + INDEX_TOPIC;
      return `${sep1}\n${cmdGrid}\n${sep2}\n${otherGrid}`;
    }
    return cmdGrid + otherGrid;
  }

  /** One entry: a rule, the title (and aliases), the text, subtopics, suggestions, a rule. */
  formatHelpEntry(topic: string | null, text: string, options: { aliases?: string[]; subtopics?: string[]; suggested?: string[] } = {}): string {
    const width = this.clientWidth();
    const separator = `|C${"-".repeat(width)}|n`;
    const title = topic ? `|CHelp for |w${topic}|n` : "|rNo help found|n";
    const aliases = options.aliases?.length ? ` |C(aliases: ${options.aliases.map((a) => `|w${a}|n`).join("|C,|n ")}|C)|n` : "";
    const body = text ? "\n" + dedent(trimHelpBlock(text)) : "";
    let subtopics = "";
    if (options.subtopics?.length && topic) {
      const items = options.subtopics.map((s) => this.link(`${topic}/${s}`, `|w${topic}/${s}|n`));
      subtopics = "\n|CSubtopics:|n\n  " + formatGrid(items, width).map((l) => INDEX_TOPIC + l).join("\n  ");
    }
    let suggested = "";
    if (options.suggested?.length) {
      const items = [...options.suggested].sort().map((s) => this.link(s, `|w${s}|n`));
      suggested = "\n|COther topic suggestions:|n\n" + formatGrid(items, width).map((l) => INDEX_TOPIC + l).join("\n  ");
    }
    return [separator, title + aliases, body, subtopics, suggested, separator]
      .filter(Boolean)
      .map((p) => p.trimEnd())
      .join("\n");
  }

  override async func(): Promise<void> {
    if (!this.topic) {
      const { commands, others } = await this.collectTopics("list");
      const names = new Set(commands.flatMap((c) => [c.key, ...c.aliases]));
      const cmdByCategory = new Map<string, string[]>();
      for (const c of commands) push(cmdByCategory, c.category, this.stripCmdPrefix(c.key, names));
      const otherByCategory = new Map<string, string[]>();
      for (const e of others) push(otherByCategory, e.category, e.key);
      this.msgHelp(this.formatHelpIndex(cmdByCategory, otherByCategory));
      return;
    }
    const { commands, others } = await this.collectTopics("query");
    const names = new Set(commands.flatMap((c) => [c.key, ...c.aliases]));
    const { match, suggestions } = searchHelp(this.topic, [...commands, ...others], { prefixes: this.prefixes(), maxnum: this.suggestionMaxnum });
    const shownSuggestions = suggestions.map((s) => this.stripCmdPrefix(s, names));
    if (!match) {
      this.msgHelp(this.formatHelpEntry(null, `There is no help topic matching '${this.topic}'.`, { suggested: shownSuggestions }));
      return;
    }
    if ("category" in match && !("key" in match)) {
      const category = match.category;
      const inCategory = (e: HelpEntry) => e.category === category;
      this.msgHelp(
        this.formatHelpIndex(
          new Map([[category, commands.filter(inCategory).map((c) => this.stripCmdPrefix(c.key, names))]]),
          new Map([[category, others.filter(inCategory).map((e) => e.key)]]),
          true,
        ),
      );
      return;
    }
    const entry = match as HelpEntry;
    let topic = entry.key;
    let tree = parseSubtopics(entry.text);
    for (const query of this.subtopics) {
      const found = findSubtopic(tree, query);
      if (!found) {
        this.msgHelp(
          this.formatHelpEntry(this.stripCmdPrefix(topic, names), `No help entry found for '${topic}/${query}'`, { subtopics: [...tree.children.keys()] }),
        );
        return;
      }
      topic = `${topic}/${found[0]}`;
      tree = found[1];
    }
    this.msgHelp(
      this.formatHelpEntry(this.stripCmdPrefix(topic, names), tree.text, {
        aliases: this.subtopics.length ? [] : entry.aliases.map((a) => this.stripCmdPrefix(a, names)),
        subtopics: [...tree.children.keys()],
        suggested: shownSuggestions,
      }),
    );
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `sethelp`: create, change and delete help entries in the database. */
export class CmdSetHelp extends CmdHelp {
  override key = "sethelp";
  override aliases: string[] = [];
  override switchOptions = ["edit", "replace", "append", "extend", "category", "locks", "delete"];
  override locks = "cmd:perm(Helper)";
  override helpCategory = "building";
  override argRegex = null;
  override help = `Edit the help database.

Usage:
  sethelp[/switches] <topic>[;alias;alias][,category[,locks]] [= <text or new value>]

Switches:
  edit - open the line editor (EvEditor) on the topic's help text, creating
         the topic if it is new (text after = is appended first).
  replace - overwrite existing help topic.
  append - add text to the end of existing topic with a newline between.
  extend - as append, but don't add a newline.
  category - change category of existing help topic.
  locks - change locks of existing help topic.
  delete - remove help topic.

Examples:
  sethelp lore = In the beginning was ...
  sethelp/append pickpocketing,Thievery = This steals ...
  sethelp/replace pickpocketing, ,attr(is_thief) = This steals ...
  sethelp/edit thievery
  sethelp/locks thievery = read:all()
  sethelp/category thievery = classes
  sethelp/delete thievery

If not assigning a category, the "general" category will be used. If no
lockstring is specified, everyone will be able to read the help entry.
Sub-topics are embedded in the help text. This cannot change the help of
commands: that is written in their code.

# SUBTOPICS

## subtopics

After the main text, a line '# SUBTOPICS' starts the subtopics. Each starts
with a line '## <name>', followed by its text; '### <name>' starts a
sub-subtopic, and so on. Players read them with 'help <topic>/<name>'.`;

  override parse(): void {
    MuxCommand.prototype.parse.call(this);
  }

  override async func(): Promise<void> {
    const db = getStore().db;
    if (!this.args) {
      this.msg("Usage: sethelp[/switches] <topic>[[;alias;alias][,category[,locks]] [= <text or new category>]");
      return;
    }
    const topicSpec = this.lhslist[0] ?? "";
    if (!topicSpec.trim()) {
      this.msg("You have to define a topic!");
      return;
    }
    const [rawTopic, ...rawAliases] = topicSpec.split(";").map((s) => s.trim());
    const topic = rawTopic!;
    // `lore;;history` or a trailing `;` give no empty alias
    const aliases = rawAliases.filter(Boolean);
    const aliasText = aliases.length ? ` (aliases: ${aliases.join(", ")})` : "";
    const switches = this.switches;
    const old = await findDbHelpEntry(db, topic);

    if (!old) {
      const { commands, others } = await this.collectTopics("query");
      for (const name of [topic, ...aliases]) {
        const { match } = searchHelp(name, [...commands, ...others.filter((e) => e.source !== "database")], { prefixes: this.prefixes() });
        if (!match) continue;
        if ("source" in match && (match.key.toLowerCase() !== name.toLowerCase() && !match.aliases.includes(name.toLowerCase()))) continue;
        const what =
          !("source" in match)
            ? `the name of help-category '${match.category}'`
            : match.source === "command"
              ? `the key/alias of Command '${match.key}'. Command-help take precedence over other help entries so your help *may* be impossible to reach for those with access to that command`
              : `the name/alias of the file-based help topic '${match.key}'. File-help entries cannot be modified from in-game`;
        this.msg(`|rWarning:\n|r'${name}' matches ${what}.|n\nAborted.`);
        return;
      }
    }

    let category = (this.lhslist.length > 1 && this.lhslist[1] ? this.lhslist[1] : (old?.category ?? "general")).toLowerCase();
    const lockstring = this.lhslist.length > 2 ? this.lhslist.slice(2).join(",") : (old?.locks ?? "read:all()");
    const lockError = this.lhslist.length > 2 ? lockStringProblem(lockstring) : null;
    if (lockError) {
      this.msg(`Lock string '${lockstring}' is malformed (${lockError} Use type:function(), e.g. read:perm(Builder)). Nothing was changed.`);
      return;
    }

    if (switches.includes("edit")) {
      let entry = old;
      if (entry) {
        if (this.rhs) entry = await saveDbHelpEntry(db, { ...entry, text: `${entry.text}\n${this.rhs}` });
      } else {
        entry = await saveDbHelpEntry(db, { key: topic, text: this.rhs ?? "", category, locks: lockstring, aliases });
      }
      await EvEditor.start(this, { key: `topic ${entry.key}`, loadfunc: HELP_LOAD, savefunc: HELP_SAVE, quitfunc: HELP_QUIT, persistent: true, data: { topic: entry.key } });
      return;
    }
    if (switches.includes("append") || switches.includes("extend")) {
      if (!old) {
        this.msg(`Could not find topic '${topic}'. You must give an exact name.`);
        return;
      }
      if (!this.rhs) {
        this.msg("You must supply text to append/merge.");
        return;
      }
      const text = old.text + (switches.includes("extend") ? " " : "\n") + this.rhs;
      const saved = await saveDbHelpEntry(db, { ...old, text, aliases: [...old.aliases, ...aliases] });
      this.msg(`Entry updated:\n${saved.text}${aliasText}`);
      return;
    }
    if (switches.includes("category")) {
      if (!old) {
        this.msg(`Could not find topic '${topic}'${aliasText}.`);
        return;
      }
      if (!this.rhs) {
        this.msg("You must supply a category.");
        return;
      }
      category = this.rhs.toLowerCase();
      await saveDbHelpEntry(db, { ...old, category });
      this.msg(`Category for entry '${topic}'${aliasText} changed to '${category}'.`);
      return;
    }
    if (switches.includes("locks")) {
      if (!old) {
        this.msg(`Could not find topic '${topic}'${aliasText}.`);
        return;
      }
      if (this.rhs === null) {
        this.msg(`Current locks for entry '${topic}'${aliasText} are: ${old.locks}`);
        return;
      }
      if (!this.rhs) {
        await saveDbHelpEntry(db, { ...old, locks: "read:all()" });
        this.msg(`Locks for entry '${topic}'${aliasText} reset to: read:all()`);
        return;
      }
      const locks = this.rhslist.join(",");
      const problem = lockStringProblem(locks);
      if (problem) {
        this.msg(`Lock string '${locks}' is malformed (${problem} Use type:function(), e.g. read:perm(Builder)). Locks not changed.`);
        return;
      }
      await saveDbHelpEntry(db, { ...old, locks });
      this.msg(`Locks for entry '${topic}'${aliasText} changed to: ${locks}`);
      return;
    }
    if (switches.includes("delete")) {
      if (!old) {
        this.msg(`Could not find topic '${topic}'${aliasText}.`);
        return;
      }
      await deleteDbHelpEntry(db, old.key);
      this.msg(`Deleted help entry '${topic}'${aliasText}.`);
      return;
    }
    if (!this.rhs) {
      this.msg("You must supply a help text to add.");
      return;
    }
    if (old) {
      if (switches.includes("replace")) {
        if (old.key !== topic) await deleteDbHelpEntry(db, old.key);
        await saveDbHelpEntry(db, { key: topic, text: this.rhs, category, locks: lockstring, aliases });
        this.msg(`Overwrote the old topic '${topic}'${aliasText}.`);
      } else {
        this.msg(`Topic '${topic}'${aliasText} already exists. Use /edit to open in editor, or /replace, /append and /merge to modify it directly.`);
      }
      return;
    }
    await saveDbHelpEntry(db, { key: topic, text: this.rhs, category, locks: lockstring, aliases });
    this.msg(`Topic '${topic}'${aliasText} was successfully created.`);
  }
}

/** Why `locks` does not parse as a lock string (`Lock "x": ...`), or null when it does. */
function lockStringProblem(locks: string): string | null {
  if (!/^\s*\w+\s*:/.test(locks)) return "it does not start with an access type and a colon.";
  try {
    parseLockString(locks, true);
    return null;
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_BAD_LOCK")) throw err;
    return err.message;
  }
}

/** Names of the help editor's hooks (registered, so `sethelp/edit` survives a reload). */
const HELP_LOAD = "evennia.help.sethelp.load";
const HELP_SAVE = "evennia.help.sethelp.save";
const HELP_QUIT = "evennia.help.sethelp.quit";

registerEditorFunction(HELP_LOAD, async (_caller: EditorCaller, editor: EditorHandle) => {
  const entry = await findDbHelpEntry(getStore().db, String(editor.data.topic ?? ""));
  return entry?.text ?? "";
});
registerEditorFunction(HELP_SAVE, async (caller: EditorCaller, buffer: string, editor: EditorHandle) => {
  const db = getStore().db;
  const entry = await findDbHelpEntry(db, String(editor.data.topic ?? ""));
  if (!entry) {
    caller.msg(`|rThe help entry '${String(editor.data.topic)}' is gone; nothing was saved.|n`);
    return false;
  }
  await saveDbHelpEntry(db, { ...entry, text: buffer });
  caller.msg("Saved help entry.");
  return true;
});
registerEditorFunction(HELP_QUIT, (caller: EditorCaller) => {
  caller.msg("Closing the editor.");
});
