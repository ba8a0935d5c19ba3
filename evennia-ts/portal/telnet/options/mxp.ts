/**
 * MXP, MUD eXtension Protocol (option 91); opt-in (off unless the `mxp` toggle is on).
 * The server offers WILL MXP; after the client's DO it sends `IAC SB MXP IAC SE` to
 * start MXP. While on, outgoing text has `&`, `<`, `>` escaped and Evennia's link markup
 * turned into MXP tags: `|lc<command>|lt<text>|le` → a SEND link, `|lu<url>|lt<text>|le`
 * → an A link, each tag preceded by the temp-secure escape `ESC [4z`.
 *
 * The colour renderer removes escape sequences and link markup from text, so the
 * conversion runs in two steps around it: before rendering, links become tags marked
 * with a private-use character; after rendering, the marks become `ESC [4z`.
 */
import { TelnetOption } from "../telnet-codes.ts";
import type { TelnetOptionFactory } from "../telnet-option.ts";

/** Escape that makes the next MXP tag secure (SEND and A are secure tags). */
const TEMP_SECURE = "\x1b[4z";
/** Stands for {@link TEMP_SECURE} while the text is being rendered. */
const MARK = "\uE000";

/** Step 1 (before colour rendering): escape `& < >` and turn link markup into marked MXP tags. */
export function mxpBeforeRender(text: string): string {
  const escaped = text.replaceAll(MARK, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return escaped
    .replace(/\|lc([\s\S]*?)\|lt([\s\S]*?)\|le/g, (_m, cmd: string, label: string) => `${MARK}<SEND HREF="${attr(cmd)}">${label}${MARK}</SEND>`)
    .replace(/\|lu([\s\S]*?)\|lt([\s\S]*?)\|le/g, (_m, url: string, label: string) => `${MARK}<A HREF="${attr(url)}">${label}${MARK}</A>`);
}

/** Step 2 (after colour rendering): put the temp-secure escapes in. */
export function mxpAfterRender(text: string): string {
  return text.replaceAll(MARK, TEMP_SECURE);
}

function attr(value: string): string {
  // '|' is doubled so that colour rendering after us gives it back as one '|'
  return value.replaceAll('"', "&quot;").replaceAll("|", "||");
}

/** MXP handler: reports `mxp`; converts outgoing text while on. */
export const mxpOption: TelnetOptionFactory = (ctx) => {
  // negotiated, and not switched off by the game (the `option mxp = off` command)
  const on = (): boolean => ctx.isEnabled(TelnetOption.MXP, "local") && ctx.clientOptions.mxp !== false;
  return {
    code: TelnetOption.MXP,
    name: "MXP",
    start: () => ctx.requestLocal(TelnetOption.MXP, true),
    accept: (side) => side === "local",
    changed: (side, enabled) => {
      if (side !== "local") return;
      if (enabled) ctx.sendSubnegotiation(TelnetOption.MXP, Buffer.alloc(0));
      ctx.updateClientOptions({ mxp: enabled });
    },
    beforeRender: (text) => (on() ? mxpBeforeRender(text) : text),
    afterRender: (text) => (on() ? mxpAfterRender(text) : text),
    renderKey: () => (on() ? "mxp" : ""),
  };
};
