/**
 * A game's own web routes: `<game>/web/urls.ts` (or `.js`/`.mjs`), whose default
 * export is a {@link GameWebModule}. It is imported like the game's other modules
 * (the server's game-code check loads it first, so a broken one is reported and a
 * reload refused), through the process's module resolution, so its
 * `import ... from "evennia-ts"` lands in the running framework.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../utils/errors.ts";
import type { GameWebModule } from "./web-context.ts";
import { importGameModule } from "../utils/game-modules.ts";

const CANDIDATES = ["urls.ts", "urls.js", "urls.mjs"];

/** The path of the game's web routes module, or null when it has none. */
export function gameWebModuleFile(gameDir: string): string | null {
  for (const name of CANDIDATES) {
    const file = path.join(gameDir, "web", name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** The module's {@link GameWebModule}; throws EV_ERR_GAME_CODE when its default export is not one. */
export function gameWebModuleOf(mod: { default?: unknown }): GameWebModule {
  const web = mod.default;
  const isFn = (v: unknown): boolean => v === undefined || typeof v === "function";
  if (typeof web !== "object" || web === null || !isFn((web as GameWebModule).routes) || !isFn((web as GameWebModule).apiRoutes)) {
    throw new EvenniaError("EV_ERR_GAME_CODE", "web/urls.ts must default-export an object with routes(router, ctx) and/or apiRoutes(router, ctx)");
  }
  return web as GameWebModule;
}

/** Import the game's web routes module; null when it has none. Throws EV_ERR_GAME_CODE when its export is not one. */
export async function loadGameWebModule(gameDir: string): Promise<GameWebModule | null> {
  const file = gameWebModuleFile(gameDir);
  if (!file) return null;
  return gameWebModuleOf((await importGameModule(file)) as { default?: unknown });
}
