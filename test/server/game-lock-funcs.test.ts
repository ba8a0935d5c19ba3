/**
 * A game's own lock functions: every function exported by `server/conf/lockfuncs.ts`
 * (the `lockFuncModules` setting) becomes a lock function when the game loads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { buildSettings } from "../../evennia-ts/conf/settings.ts";
import { findLockFunc, unregisterLockFunc } from "../../evennia-ts/locks/lock-func-registry.ts";
import { checkLockString } from "../../evennia-ts/locks/lock-handler.ts";
import { loadGameCode } from "../../evennia-ts/server/game-loader.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

const base = path.join(packageRoot, ".tmp");
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(path.join(base, "lockfuncs-game-"));

afterAll(() => {
  unregisterLockFunc("is_vip");
  unregisterLockFunc("always_no");
  unregisterLockFunc("extra_rule");
  rmSync(dir, { recursive: true, force: true });
});

it("registers every exported function of the game's lock-function modules under its name", async () => {
  mkdirSync(path.join(dir, "server", "conf"), { recursive: true });
  mkdirSync(path.join(dir, "world"), { recursive: true });
  writeFileSync(
    path.join(dir, "server", "conf", "lockfuncs.ts"),
    [
      "export function is_vip(accessor: any, _accessed: unknown, args: readonly string[]): boolean {",
      "  return accessor?.vip === true && (args[0] === undefined || accessor.level >= Number(args[0]));",
      "}",
      "export const always_no = (): boolean => false;",
      "export const NOT_A_FUNCTION = 42;",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "world", "rules.ts"), "export function extra_rule(): boolean { return true; }\n");
  expect(findLockFunc("is_vip")).toBeUndefined();
  const settings = buildSettings(dir, { lockFuncModules: ["server/conf/lockfuncs.ts", "world/rules.ts"] });
  const loaded = await loadGameCode(settings);
  expect(loaded.failures).toEqual([]);
  expect(findLockFunc("is_vip")).toBeDefined();
  expect(findLockFunc("always_no")).toBeDefined();
  expect(findLockFunc("extra_rule")).toBeDefined(); // a module outside the loaded folders is imported too
  expect(findLockFunc("NOT_A_FUNCTION")).toBeUndefined();
  expect(checkLockString({ vip: true, level: 3 }, "enter:is_vip(2)", "enter")).toBe(true);
  expect(checkLockString({ vip: true, level: 1 }, "enter:is_vip(2)", "enter")).toBe(false);
  expect(checkLockString({ vip: true }, "enter:is_vip() AND NOT always_no()", "enter")).toBe(true);
});
