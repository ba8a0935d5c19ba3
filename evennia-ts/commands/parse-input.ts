/**
 * Matching a typed line to a command in a merged cmdset: the longest command name
 * that starts the line and is followed by a space or the end (names that are not
 * letters, like `'` or `:`, may be followed by anything: `'hello`).
 */
import type { CmdSet, CommandClass } from "./cmdset.ts";

/** A matched command. */
export interface CommandMatch {
  cls: CommandClass;
  cmdstring: string;
  args: string;
}

/** Names → command class for a merged set. */
export function commandIndex(cmdset: CmdSet): Map<string, CommandClass> {
  const index = new Map<string, CommandClass>();
  for (const [, cls] of cmdset.entries()) {
    const probe = new cls();
    for (const name of probe.names) if (name && !index.has(name)) index.set(name, cls);
  }
  return index;
}

/** Find the command a line calls; undefined when none matches. */
export function matchCommand(line: string, index: Map<string, CommandClass>): CommandMatch | undefined {
  const lower = line.toLowerCase();
  let best: CommandMatch | undefined;
  for (const [name, cls] of index) {
    if (!lower.startsWith(name)) continue;
    const next = line.charAt(name.length);
    const wordLike = /\w$/.test(name);
    if (wordLike && next !== "" && !/\s/.test(next)) continue;
    if (!best || name.length > best.cmdstring.length) {
      best = { cls, cmdstring: line.slice(0, name.length), args: line.slice(name.length) };
    }
  }
  return best;
}

/**
 * Split arguments the way login commands want them: words, with double or single
 * quotes grouping a name that contains spaces (`connect "Anna Smith" secret`).
 */
export function splitQuoted(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}
