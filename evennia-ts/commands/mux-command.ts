/**
 * `MuxCommand`: the base of Evennia's default commands, parsing the MUX syntax
 *
 *     name[/switch[/switch...]] lhs[,lhs...] [= rhs[,rhs...]]
 *
 * into `switches`, `lhs`, `rhs`, `lhslist`, `rhslist` and `arglist`
 * (`@set sword/weight = 5`, `@dig Kitchen = north;n, south;s`). Set
 * `switchOptions` to the switches the command knows: an abbreviation picks the one
 * it starts (`/del` for `/delete`), an ambiguous one and unknown ones are reported
 * with the valid switches named, and only valid switches reach `func`.
 */
import { Command } from "./command.ts";

/** A command with MUX-style switches and `=` arguments. */
export class MuxCommand extends Command {
  /** Switches this command knows (without `/`); null: accept any. */
  switchOptions: readonly string[] | null = null;
  /** What splits left and right sides (or several, the first present wins). */
  rhsSplit: string | readonly string[] = "=";

  /** The valid switches given, lower-case. */
  switches: string[] = [];
  /** Everything left of the split (or all arguments), trimmed. */
  lhs = "";
  /** Everything right of the split, trimmed; null when there is no split. */
  rhs: string | null = null;
  /** `lhs` split on commas, each trimmed. */
  lhslist: string[] = [];
  /** `rhs` split on commas, each trimmed (empty when there is no rhs). */
  rhslist: string[] = [];
  /** The arguments split on whitespace. */
  arglist: string[] = [];
  /** The arguments as typed, switches included (after `parse`; `args` loses the switches). */
  rawArgs = "";

  override parse(): void {
    const raw = this.args;
    let args = raw.trim();
    let switches: string[] = [];
    if (args.length > 1 && raw.startsWith("/")) {
      const [switchPart, ...rest] = args.slice(1).split(/\s+/);
      args = rest.length ? args.slice(1 + switchPart!.length).trim() : "";
      switches = switchPart!.split("/").filter(Boolean).map((s) => s.toLowerCase());
      if (switches.length && this.switchOptions) switches = this.checkSwitches(switches, this.switchOptions.map((s) => s.toLowerCase()));
    }
    let lhs = args;
    let rhs: string | null = null;
    if (lhs) {
      const delimiters = typeof this.rhsSplit === "string" ? [this.rhsSplit] : this.rhsSplit;
      const best = delimiters.find((d) => d && lhs.includes(d)) ?? delimiters[0];
      if (best && lhs.includes(best)) {
        const at = lhs.indexOf(best);
        rhs = lhs.slice(at + best.length).trim();
        lhs = lhs.slice(0, at);
      }
    }
    lhs = lhs.trim();
    this.rawArgs = raw;
    this.switches = switches;
    this.args = args;
    this.arglist = args.split(/\s+/).filter(Boolean);
    this.lhs = lhs;
    this.rhs = rhs;
    this.lhslist = lhs ? lhs.split(",").map((a) => a.trim()) : [""];
    this.rhslist = rhs !== null ? rhs.split(",").map((a) => a.trim()) : [];
  }

  /** True when the input had an `=` but nothing on either side of it. */
  get emptySides(): boolean {
    return this.rhs !== null && this.lhs === "" && this.rhs === "";
  }

  private checkSwitches(given: string[], options: string[]): string[] {
    const valid: string[] = [];
    const unknown: string[] = [];
    const ambiguous: string[] = [];
    for (const sw of given) {
      const exact = options.filter((o) => o === sw);
      const found = exact.length ? exact : options.filter((o) => o.startsWith(sw));
      if (found.length > 1) ambiguous.push(...found);
      else if (found.length === 1) valid.push(found[0]!);
      else unknown.push(sw);
    }
    const name = this.cmdname || this.key;
    if (ambiguous.length) this.msg(`|g${name}|n: |wAmbiguous switch supplied: Did you mean /|C${ambiguous.join(" |nor /|C")}|w?`);
    if (unknown.length) {
      const plural = unknown.length === 1 ? "" : "es";
      const known = options.length ? ` Valid switches: ${options.map((o) => `/${o}`).join(", ")}.` : " It takes no switches.";
      this.msg(`|g${name}|n: |wExtra switch${plural} "/|C${unknown.join("|n, /|C")}|w" ignored.|n${known}`);
    }
    return [...new Set(valid)];
  }
}
