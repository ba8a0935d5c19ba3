/**
 * The web app's templates: liquidjs, with HTML auto-escaping (`outputEscape:
 * "escape"`; `| raw` opts out) and layouts with blocks (`{% layout "base.liquid" %}`,
 * `{% block content %}`). A template name is looked up in the game's
 * `web/templates/` first, then the framework's `web/templates/`; the prefix
 * `evennia:` names the framework's own file, so a game template can extend the one
 * it replaces: `{% layout "evennia:website/index.liquid" %}`. Parsed templates are
 * cached for the life of the app (a reload starts a new server process, so a
 * changed template shows after `reload`). Names leaving the template folders
 * (`..`, absolute paths, links out) are refused.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Liquid, type FS } from "liquidjs";
import { isReallyInside, resolveInside } from "./safe-path.ts";

/** The prefix naming a framework template, bypassing the game's override. */
export const FRAMEWORK_TEMPLATE_PREFIX = "evennia:";

/** Where templates are looked up. */
export interface TemplateFolders {
  /** The framework's templates (`evennia-ts/web/templates`). */
  framework: string;
  /** The game's templates (`<game>/web/templates`), looked up first; absent when the game has none. */
  game?: string;
}

/** Renders templates by name. */
export interface TemplateRenderer {
  /** Render `name` (`website/index.liquid`) with `data`. */
  render(name: string, data: Record<string, unknown>): Promise<string>;
  /** The liquidjs engine, for registering filters and tags (`engine.registerFilter`). */
  readonly engine: Liquid;
}

/** A liquidjs file system that resolves names into the template folders only. */
function templateFileSystem(folders: TemplateFolders): FS {
  const missing = (dir: string, file: string): string => path.join(dir, `\0missing:${file}`);
  return {
    exists: async (file) => existsSync(file) && statSync(file).isFile(),
    existsSync: (file) => existsSync(file) && statSync(file).isFile(),
    readFile: (file) => readFile(file, "utf8"),
    readFileSync: (file) => readFileSync(file, "utf8"),
    resolve: (dir, file, ext) => {
      let name = file;
      let base = dir;
      if (name.startsWith(FRAMEWORK_TEMPLATE_PREFIX)) {
        name = name.slice(FRAMEWORK_TEMPLATE_PREFIX.length);
        base = folders.framework;
      }
      if (!path.extname(name)) name += ext;
      return resolveInside(base, name) ?? missing(base, name);
    },
    contains: async (root, file) => isReallyInside(root, file),
    containsSync: (root, file) => isReallyInside(root, file),
    sep: "/",
    dirname: (file) => path.dirname(file),
  };
}

/** A template renderer over `folders`. */
export function createTemplateRenderer(folders: TemplateFolders): TemplateRenderer {
  const roots = [folders.game, folders.framework].filter((d): d is string => !!d && existsSync(d));
  const engine = new Liquid({
    root: roots,
    layouts: roots,
    partials: roots,
    extname: ".liquid",
    fs: templateFileSystem(folders),
    relativeReference: false,
    outputEscape: "escape",
    cache: true,
    strictFilters: true,
    ownPropertyOnly: true,
  });
  return {
    engine,
    render: (name, data) => engine.renderFile(name, data),
  };
}
