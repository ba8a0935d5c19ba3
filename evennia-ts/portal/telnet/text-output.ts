/**
 * Rendering of outgoing text for a telnet client: Evennia colour markup is turned
 * into ANSI for the client's colour capability (by the portal's text renderer).
 */
import { renderText } from "../text/render.ts";

/** Colour and accessibility capabilities of a client, as the text renderer wants them. */
export interface TextCaps {
  color: "none" | "ansi" | "xterm256" | "truecolor";
  screenReader: boolean;
}

/** Render Evennia markup in `text` for `caps` (control characters in the text are removed). */
export function renderTelnetText(text: string, caps: TextCaps): string {
  return renderText(text, caps);
}

/**
 * Capabilities implied by Evennia client options: `truecolor`, `xterm256`, `ansi`
 * (colour depth, best first; `nocolor` or `ansi: false` without the others → none) and
 * `screenreader`.
 */
export function capsFromClientOptions(options: Readonly<Record<string, unknown>>): TextCaps {
  let color: TextCaps["color"];
  if (options.nocolor === true) color = "none";
  else if (options.truecolor === true) color = "truecolor";
  else if (options.xterm256 === true) color = "xterm256";
  else if (options.ansi === false) color = "none";
  else color = "ansi";
  return { color, screenReader: options.screenreader === true };
}
