import { describe, expect, it } from "vitest";
import {
  colorDistance,
  cubeIndex,
  greyIndex,
  rgbToAnsi16,
  rgbToAnsi8,
  rgbToHex,
  rgbToXterm,
  xtermToAnsi16,
  xtermToAnsi8,
  xtermToRgb,
} from "../../../evennia-ts/utils/text/colors.ts";

describe("xterm palette", () => {
  it("maps cube levels and greyscale letters to indexes like Evennia", () => {
    expect(cubeIndex(0, 0, 0)).toBe(16);
    expect(cubeIndex(5, 0, 0)).toBe(196);
    expect(cubeIndex(5, 5, 5)).toBe(231);
    expect(greyIndex("a")).toBe(16);
    expect(greyIndex("b")).toBe(232);
    expect(greyIndex("y")).toBe(255);
    expect(greyIndex("z")).toBe(231);
  });

  it.each([
    [16, [0, 0, 0]],
    [196, [255, 0, 0]],
    [67, [95, 135, 175]],
    [231, [255, 255, 255]],
    [232, [8, 8, 8]],
    [255, [238, 238, 238]],
    [9, [255, 0, 0]],
  ])("xtermToRgb(%i)", (index, rgb) => {
    expect(xtermToRgb(index)).toEqual(rgb);
  });

  it("finds every cube and ramp colour exactly from its own RGB value", () => {
    for (let i = 16; i < 256; i++) {
      const [r, g, b] = xtermToRgb(i);
      expect(xtermToRgb(rgbToXterm(r, g, b))).toEqual([r, g, b]);
    }
  });

  it("picks the nearest xterm colour for off-palette values", () => {
    expect(rgbToXterm(250, 5, 5)).toBe(196);
    expect(rgbToXterm(127, 127, 127)).toBe(244);
    expect(rgbToXterm(1, 1, 1)).toBe(16);
  });
});

describe("16-colour downgrade", () => {
  it.each([
    [196, 9],
    [46, 10],
    [21, 12],
    [226, 11],
    [231, 15],
    [16, 0],
    [88, 1],
    [244, 8],
    [250, 7],
    [5, 5],
  ])("xtermToAnsi16(%i) = %i", (index, ansi) => {
    expect(xtermToAnsi16(index)).toBe(ansi);
  });

  it("has no bright colours for backgrounds", () => {
    expect(xtermToAnsi8(196)).toBe(1);
    expect(xtermToAnsi8(231)).toBe(7);
    expect(rgbToAnsi8([0, 0, 255])).toBe(4);
    for (let i = 0; i < 256; i++) expect(xtermToAnsi8(i)).toBeLessThan(8);
  });

  it("distance is zero only for the same colour and orders hues sensibly", () => {
    expect(colorDistance([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(colorDistance([255, 0, 0], [200, 0, 0])).toBeLessThan(colorDistance([255, 0, 0], [0, 0, 0]));
    expect(rgbToAnsi16([100, 0, 0])).toBe(1);
  });

  it("formats hex", () => {
    expect(rgbToHex(255, 0, 10)).toBe("#ff000a");
  });
});
