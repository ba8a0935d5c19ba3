/**
 * `throttles` (Admin): list the login and account-creation throttles in force, and
 * clear them.
 *
 *     throttles                  list every address and account with counted failures
 *     throttles/clear            clear every throttle
 *     throttles/clear <target>   clear those of one address or account name
 */
import { Command } from "../command.ts";

/** The admin command over the server's throttles. */
export class CmdThrottles extends Command {
  override key = "throttles";
  // "throttles/clear" is listed as a name too, for a parser without switches
  override aliases = ["throttle", "throttles/clear", "throttle/clear"];
  override locks = "cmd:perm(Admin)";
  override helpCategory = "admin";

  override async func(): Promise<void> {
    let raw = this.args.trim();
    let clearing = this.cmdstring.toLowerCase().endsWith("/clear");
    const switchInArgs = /^\/clear\b/i.exec(raw);
    if (switchInArgs) {
      clearing = true;
      raw = raw.slice(switchInArgs[0].length).trim();
    }
    if (clearing) {
      const target = raw;
      const n = this.services.throttles.clear(target || undefined);
      this.msg(target ? `Cleared ${n} throttle entr${n === 1 ? "y" : "ies"} for ${target}.` : `Cleared all throttles (${n} entr${n === 1 ? "y" : "ies"}).`);
      return;
    }
    if (raw) {
      this.msg("Usage: throttles, throttles/clear, throttles/clear <address or account>");
      return;
    }
    const rows = this.services.throttles.list();
    if (rows.length === 0) {
      this.msg("No throttles: no failed logins or account creations are being counted.");
      return;
    }
    const header = ["What", "Who", "Count", "Effect", "Expires in"];
    const lines = rows.map((r) => [r.kind, r.key, String(r.count), r.effect, `${r.secondsLeft} s`]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    this.msg(["|wThrottles|n", fmt(header), ...lines.map(fmt)].join("\n"));
  }
}
