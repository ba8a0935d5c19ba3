/**
 * `throttles` (Admin): list the login and account-creation throttles in force, and
 * clear them.
 *
 *     throttles                  list every address and account with counted failures
 *     throttles/clear            clear every throttle
 *     throttles/clear <target>   clear those of one address or account name
 */
import { MuxCommand } from "../mux-command.ts";

/** The admin command over the server's throttles. */
export class CmdThrottles extends MuxCommand {
  override key = "throttles";
  override aliases = ["throttle"];
  override switchOptions = ["clear"];
  override locks = "cmd:perm(Admin)";
  override helpCategory = "admin";
  override help = `See and clear the login and account-creation throttles.

Usage:
  throttles
  throttles/clear
  throttles/clear <address or account>

Lists every address and account with failed logins or account creations being
counted, what the throttle does to them now and when the count ages out. With
/clear, forgets every count, or those of one address or account name (for a
player locked out by someone else's guessing). See docs/security.md.

Examples:
  throttles
  throttles/clear 203.0.113.7
  throttles/clear Anna`;

  override async func(): Promise<void> {
    const raw = this.args.trim();
    const clearing = this.switches.includes("clear");
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
