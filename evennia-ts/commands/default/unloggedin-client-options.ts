/**
 * Client options before login: `encoding` (the text encoding of the connection)
 * and `screenreader` (plain text, no colours or decoration). Logged in, the
 * `option` command sets these and more.
 */
import { TEXT_ENCODINGS } from "../../protocol/text-encodings.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { Command } from "../command.ts";
import { MuxCommand } from "../mux-command.ts";
import { parseEncoding } from "./client-option-specs.ts";

/** `encoding[/clear] [<encoding>]`: show or set the connection's text encoding. */
export class CmdUnconnectedEncoding extends MuxCommand {
  override key = "encoding";
  override aliases = ["encode"];
  override switchOptions = ["clear"];
  override help = `Set which text encoding to use before logging in.

Usage:
  encoding[/clear] [<encoding>]

Switches:
  clear - go back to the default encoding (utf-8)

Sets the text encoding used between the game and your client. It matters for
letters and symbols outside plain English: if they look garbled, set the
encoding your client uses. This server speaks utf-8 (the default) and latin-1
(also called iso-8859-1). Without an argument, shows the current encoding.

Examples:
  encoding
  encoding latin-1
  encoding/clear`;

  override async func(): Promise<void> {
    const session = this.session;
    const current = typeof session.clientOptions.encoding === "string" ? session.clientOptions.encoding : null;
    if (this.switches.includes("clear")) {
      this.msg(current && current !== "utf-8" ? `Your custom text encoding ('${current}') was cleared.` : "No custom encoding was set.");
      session.updateClientOptions({ encoding: "utf-8" });
      return;
    }
    const wanted = this.args.replace(/^=/, "").trim();
    if (!wanted) {
      const lines = [];
      if (current) lines.push(`Default encoding: |g${current}|n (change with |wencoding <encoding>|n)`);
      lines.push(`Encodings this server speaks:\n   |g${TEXT_ENCODINGS.join(", ")}|n`);
      this.msg(lines.join("\n"));
      return;
    }
    let encoding: string;
    try {
      encoding = parseEncoding(wanted);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(`|rThe encoding '|w${wanted}|r' is invalid. Keeping the previous encoding '|w${current ?? "utf-8"}|r'.|n`);
        return;
      }
      throw err;
    }
    session.updateClientOptions({ encoding });
    this.msg(`Your custom text encoding was changed from '|w${current ?? "None"}|n' to '|w${encoding}|n'.`);
  }
}

/** `screenreader`: turn screen reader mode on or off. */
export class CmdUnconnectedScreenreader extends Command {
  override key = "screenreader";
  override help = `Turn screen reader mode on or off.

Usage:
  screenreader

Flips screen reader mode before you log in: text comes without colours and
decoration lines, which read badly aloud. Once logged in, use
option screenreader = on (or off) instead.

Examples:
  screenreader`;

  override async func(): Promise<void> {
    const on = this.session.clientOptions.screenreader !== true;
    this.session.updateClientOptions({ screenreader: on });
    this.msg(`Screenreader mode turned |w${on ? "on" : "off"}|n.`);
  }
}
