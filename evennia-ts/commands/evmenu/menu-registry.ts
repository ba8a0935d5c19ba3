/**
 * Where menus are found by name, so a persistent menu can be made again after a
 * reload: `registerMenu("chargen", { start, pickName, ... })`, or a module whose
 * exported functions are the nodes (`"world/menus/chargen.ts"` or the dotted
 * `"world.menus.chargen"`, relative to the game folder), as Evennia's menu
 * modules. Functions whose name starts with `_` are not nodes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { activeSettings } from "../../conf/active-settings.ts";
import { EvenniaError } from "../../utils/errors.ts";
import type { MenuNode, MenuTree } from "./menu-types.ts";
import { importGameModule } from "../../utils/game-modules.ts";

const menus = new Map<string, MenuTree>();

/** Register a menu's nodes under `name` (game modules do this as they load; a second call replaces). */
export function registerMenu(name: string, nodes: MenuTree): void {
  menus.set(name, { ...nodes });
}

/** The nodes registered as `name`, if any. */
export function registeredMenu(name: string): MenuTree | undefined {
  return menus.get(name);
}

/** The file a module path names: absolute, relative to the game folder, or dotted (`world.menus.chargen`). */
function moduleFile(spec: string): string | null {
  const gameDir = activeSettings().gameDir;
  const candidates: string[] = [];
  const base = path.isAbsolute(spec) ? spec : path.join(gameDir, spec);
  candidates.push(base);
  if (!/\.(ts|js|mjs)$/.test(spec)) {
    const dotted = path.isAbsolute(spec) || spec.includes("/") ? base : path.join(gameDir, ...spec.split("."));
    candidates.push(`${dotted}.ts`, `${dotted}.js`, `${dotted}.mjs`);
  }
  return candidates.find((c) => existsSync(c) && /\.(ts|js|mjs)$/.test(c)) ?? null;
}

/** The nodes of a module: its exported functions not starting with `_`. */
function nodesOfModule(module: Record<string, unknown>): MenuTree {
  const tree: MenuTree = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === "function" && !name.startsWith("_") && name !== "default") tree[name] = value as MenuNode;
  }
  return tree;
}

/**
 * The nodes `menudata` names: a registered menu, else a module (loaded now).
 * Throws EV_ERR_NOT_FOUND when it is neither.
 */
export async function loadMenuTree(menudata: string): Promise<MenuTree> {
  const registered = menus.get(menudata);
  if (registered) return registered;
  const file = moduleFile(menudata);
  if (!file) throw new EvenniaError("EV_ERR_NOT_FOUND", `no menu is registered as "${menudata}" and no module of that path exists`);
  const module = (await importGameModule(file)) as Record<string, unknown>;
  return nodesOfModule(module);
}
