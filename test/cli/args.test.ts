import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../../evennia-ts/cli/args.ts";

describe("parseCliArgs", () => {
  it("splits the command, its arguments and options", () => {
    const result = parseCliArgs(["start", "--game", "/g", "--foreground"]);
    expect(result).toEqual({
      ok: true,
      args: {
        command: "start",
        positionals: [],
        options: { game: "/g", foreground: true, help: false, flush: false, retainers: undefined },
        given: ["game", "foreground"],
      },
    });
  });

  it("takes --cpu-prof DIR as cpuProf", () => {
    const result = parseCliArgs(["start", "--cpu-prof", "profiles"]);
    expect(result.ok && result.args.options.cpuProf).toBe("profiles");
    expect(result.ok && result.args.given).toEqual(["cpuProf"]);
    expect(parseCliArgs(["start", "--cpu-prof"]).ok).toBe(false);
  });

  it("keeps positionals after the command", () => {
    const result = parseCliArgs(["init", "mygame"]);
    expect(result.ok && result.args.positionals).toEqual(["mygame"]);
  });

  it("refuses unknown options and a --game without a value", () => {
    expect(parseCliArgs(["start", "--bogus"]).ok).toBe(false);
    expect(parseCliArgs(["start", "--game"]).ok).toBe(false);
  });
});
