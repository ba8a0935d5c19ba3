/**
 * The Mud Terminal Type Standard (MTTS): the bit vector a client reports as its third
 * TTYPE answer (`MTTS 137`) or as the NEW-ENVIRON variable `MTTS`, and what client
 * names and terminal types tell about colour support.
 */
import type { ClientOptions } from "../session-transport.ts";

/** MTTS bits as the specification (tintin.mudhalla.net/protocols/mtts) defines them. */
export const MttsBit = {
  ANSI: 1,
  VT100: 2,
  UTF8: 4,
  COLORS_256: 8,
  MOUSE_TRACKING: 16,
  OSC_COLOR_PALETTE: 32,
  SCREEN_READER: 64,
  PROXY: 128,
  TRUECOLOR: 256,
  MNES: 512,
  MSLP: 1024,
  SSL: 2048,
} as const;

/** Client options implied by an MTTS bit vector (every flag is reported, true or false). */
export function decodeMtts(bits: number): ClientOptions {
  const has = (bit: number): boolean => (bits & bit) !== 0;
  return {
    ansi: has(MttsBit.ANSI),
    vt100: has(MttsBit.VT100),
    "utf-8": has(MttsBit.UTF8),
    xterm256: has(MttsBit.COLORS_256),
    mouse_tracking: has(MttsBit.MOUSE_TRACKING),
    osc_color_palette: has(MttsBit.OSC_COLOR_PALETTE),
    screenreader: has(MttsBit.SCREEN_READER),
    proxy: has(MttsBit.PROXY),
    truecolor: has(MttsBit.TRUECOLOR),
    mnes: has(MttsBit.MNES),
    mslp: has(MttsBit.MSLP),
    ssl: has(MttsBit.SSL),
  };
}

/** Parse `MTTS <number>`; null when the string is not one. */
export function parseMttsString(value: string): number | null {
  const match = /^MTTS\s+(\d{1,10})$/i.exec(value.trim());
  if (!match) return null;
  const bits = Number(match[1]);
  return Number.isSafeInteger(bits) ? bits : null;
}

/** Clients known to handle xterm 256 colours even without MTTS (as Evennia assumes). */
const XTERM256_CLIENTS = ["MUDLET", "TINTIN", "MUSHCLIENT", "POTATO", "BEIP", "KILDCLIENT", "CMUD", "ATLANTIS", "XTERM"];

/**
 * Split a TTYPE client name answer (`Mudlet 4.17.2`, `TinTin++`) into name and version,
 * with the colour support the name implies.
 */
export function decodeClientName(answer: string): ClientOptions {
  const trimmed = answer.trim();
  const space = trimmed.indexOf(" ");
  const name = space === -1 ? trimmed : trimmed.slice(0, space);
  const version = space === -1 ? "" : trimmed.slice(space + 1).trim();
  const options: ClientOptions = { client_name: name };
  if (version) options.client_version = version;
  const upper = name.toUpperCase();
  if (XTERM256_CLIENTS.some((c) => upper.startsWith(c))) {
    options.ansi = true;
    options.xterm256 = true;
  }
  return options;
}

/** Colour support implied by a terminal type (`XTERM-256COLOR`, `ANSI`, `VT100`, `DUMB`). */
export function decodeTerminalType(answer: string): ClientOptions {
  const upper = answer.trim().toUpperCase();
  const options: ClientOptions = {};
  if (upper === "DUMB") {
    options.ansi = false;
    return options;
  }
  if (upper.startsWith("ANSI") || upper.startsWith("VT100") || upper.startsWith("XTERM") || upper.includes("COLOR")) {
    options.ansi = true;
  }
  if (upper.includes("256COLOR")) options.xterm256 = true;
  if (upper.includes("TRUECOLOR") || upper.endsWith("-DIRECT")) {
    options.xterm256 = true;
    options.truecolor = true;
  }
  return options;
}
