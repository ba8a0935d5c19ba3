/**
 * Colour values used by the markup renderer and their conversions between the
 * three colour depths a client may support: 24-bit truecolor, the xterm 256-colour
 * palette and the 16 ANSI colours.
 */

/**
 * A colour named by markup.
 *
 * - `ansi`: one of the ANSI colours by index (0 black, 1 red, 2 green, 3 yellow, 4 blue,
 *   5 magenta, 6 cyan, 7 white). Foregrounds use 0–7 (brightness is the separate bold
 *   attribute, as in Evennia); backgrounds may use 8–15 for the "bright" backgrounds
 *   (`|[r`), which ANSI lacks and which are shown as xterm256 colours where possible.
 * - `xterm`: an xterm256 palette index 16–255 (colour cube and greyscale ramp).
 * - `rgb`: a 24-bit colour, each channel 0–255.
 */
export type Color =
  | { readonly kind: "ansi"; readonly index: number }
  | { readonly kind: "xterm"; readonly index: number }
  | { readonly kind: "rgb"; readonly r: number; readonly g: number; readonly b: number };

/** An RGB triple, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/** The six channel levels of the xterm 6×6×6 colour cube. */
export const CUBE_LEVELS: readonly number[] = [0, 95, 135, 175, 215, 255];

/**
 * Reference RGB values of the 16 ANSI colours used to pick the nearest one. Clients
 * differ; these are the common "standard" values (dark colours at 128, light grey 192).
 */
export const ANSI16_RGB: readonly Rgb[] = [
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [128, 128, 0],
  [0, 0, 128],
  [128, 0, 128],
  [0, 128, 128],
  [192, 192, 192],
  [128, 128, 128],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [0, 0, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

/**
 * The xterm256 colour Evennia uses for each "bright" ANSI background `|[x`, `|[r`, ...
 * indexed by ANSI colour (0 black → dark grey 102, 1 red → 196, ...).
 */
export const BRIGHT_BG_XTERM: readonly number[] = [102, 196, 46, 226, 21, 201, 51, 231];

/** The xterm index of the cube colour with channel levels `r`, `g`, `b` (each 0–5). */
export function cubeIndex(r: number, g: number, b: number): number {
  return 16 + r * 36 + g * 6 + b;
}

/**
 * The xterm index of Evennia greyscale letter `a`–`z`: `a` is cube black (16), `z`
 * cube white (231) and `b`–`y` are the 24 steps of the greyscale ramp (232–255).
 */
export function greyIndex(letter: string): number {
  if (letter === "a") return 16;
  if (letter === "z") return 231;
  return 232 + (letter.charCodeAt(0) - 98);
}

/** The RGB value of xterm palette index `index` (0–255). */
export function xtermToRgb(index: number): Rgb {
  if (index < 16) return ANSI16_RGB[index] ?? [0, 0, 0];
  if (index < 232) {
    const n = index - 16;
    return [CUBE_LEVELS[Math.floor(n / 36)] ?? 0, CUBE_LEVELS[Math.floor(n / 6) % 6] ?? 0, CUBE_LEVELS[n % 6] ?? 0];
  }
  const v = 8 + (index - 232) * 10;
  return [v, v, v];
}

/**
 * Perceptual distance between two colours ("redmean" weighted Euclidean, squared):
 * cheap and noticeably better than plain RGB distance at telling hues apart.
 */
export function colorDistance(a: Rgb, b: Rgb): number {
  const rMean = (a[0] + b[0]) / 2;
  const dr = a[0] - b[0];
  const dg = a[1] - b[1];
  const db = a[2] - b[2];
  return (2 + rMean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - rMean) / 256) * db * db;
}

function nearestIn(rgb: Rgb, from: number, to: number, palette: (i: number) => Rgb): number {
  let best = from;
  let bestDistance = Infinity;
  for (let i = from; i <= to; i++) {
    const d = colorDistance(rgb, palette(i));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

const rgbToXtermCache = new Map<number, number>();
const RGB_CACHE_LIMIT = 4096;

/** The nearest xterm256 cube or greyscale colour (16–255) to a 24-bit colour. */
export function rgbToXterm(r: number, g: number, b: number): number {
  const key = (r << 16) | (g << 8) | b;
  const cached = rgbToXtermCache.get(key);
  if (cached !== undefined) return cached;
  const index = nearestIn([r, g, b], 16, 255, xtermToRgb);
  if (rgbToXtermCache.size >= RGB_CACHE_LIMIT) rgbToXtermCache.clear();
  rgbToXtermCache.set(key, index);
  return index;
}

/** The nearest of the 16 ANSI colours (0–15; 8–15 are the bright ones) to an RGB value. */
export function rgbToAnsi16(rgb: Rgb): number {
  return nearestIn(rgb, 0, 15, (i) => ANSI16_RGB[i] ?? [0, 0, 0]);
}

/** The nearest of the 8 dark ANSI colours (0–7), for backgrounds, which ANSI has no bright form of. */
export function rgbToAnsi8(rgb: Rgb): number {
  return nearestIn(rgb, 0, 7, (i) => ANSI16_RGB[i] ?? [0, 0, 0]);
}

const xtermToAnsi16Table: number[] = [];
const xtermToAnsi8Table: number[] = [];

/** The nearest of the 16 ANSI colours to xterm palette index `index`. */
export function xtermToAnsi16(index: number): number {
  let v = xtermToAnsi16Table[index];
  if (v === undefined) {
    v = index < 16 ? index : rgbToAnsi16(xtermToRgb(index));
    xtermToAnsi16Table[index] = v;
  }
  return v;
}

/** The nearest of the 8 dark ANSI colours to xterm palette index `index`. */
export function xtermToAnsi8(index: number): number {
  let v = xtermToAnsi8Table[index];
  if (v === undefined) {
    v = index < 8 ? index : rgbToAnsi8(xtermToRgb(index));
    xtermToAnsi8Table[index] = v;
  }
  return v;
}

/** `#rrggbb` for an RGB colour (lower case). */
export function rgbToHex(r: number, g: number, b: number): string {
  return "#" + [r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("");
}
