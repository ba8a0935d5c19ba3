/**
 * Layering: imports flow one way (ARCHITECTURE.md, "Layout").
 *
 *   utils ← conf ← protocol ← portal
 *   protocol ← db ← typeclasses (+ locks) ← comms ← commands ← web ← server
 *
 * Every import of every file under `evennia-ts/` — static `import`, `import type`,
 * `export ... from`, dynamic `import("...")` — is resolved to the layer it lands
 * in and checked against the table below. `node:` builtins and npm packages are
 * always allowed; the package's own name ("evennia-ts") is its public API
 * (`index.ts`), a top-level layer like `cli/` and `testing/`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const sourceRoot = path.resolve(import.meta.dirname, "..", "evennia-ts");

/** The layer of `index.ts` (the public API) and of anything resolving outside `evennia-ts/`. */
const INDEX = "index";
const OUTSIDE = "<outside evennia-ts/>";

/**
 * What each layer may import besides itself. Top-level layers (`cli`, `testing`,
 * the public `index.ts`) may import anything and are not listed.
 */
const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  utils: [],
  conf: ["utils"],
  protocol: ["conf", "utils"],
  portal: ["protocol", "conf", "utils"],
  db: ["protocol", "conf", "utils"],
  // locks sit with typeclasses: each may use the other
  locks: ["typeclasses", "db", "protocol", "conf", "utils"],
  typeclasses: ["locks", "db", "protocol", "conf", "utils"],
  // channels, stored messages, pages and feeds: game data above the typeclasses
  comms: ["typeclasses", "locks", "db", "protocol", "conf", "utils"],
  // prototypes and the spawner: object templates above the typeclasses
  prototypes: ["typeclasses", "locks", "db", "protocol", "conf", "utils"],
  // shared timers and game time (tickers, delays, on-demand state, the game clock): below the commands that show them
  timers: ["typeclasses", "locks", "db", "protocol", "conf", "utils"],
  commands: ["prototypes", "timers", "comms", "typeclasses", "locks", "db", "protocol", "conf", "utils"],
  // the web app (website, admin, REST API) sits beside the server: it reaches the game through the
  // store and the typeclasses, and server-only things through WebServices (web/web-context.ts)
  web: ["prototypes", "timers", "commands", "comms", "typeclasses", "locks", "db", "protocol", "conf", "utils"],
  // the server runs the web app: it imports web/, never the other way
  server: ["web", "prototypes", "timers", "commands", "comms", "typeclasses", "locks", "db", "protocol", "conf", "utils"],
  // offline tools (heap-snapshot analysis) run in their own process and must not load the game
  tools: ["protocol", "conf", "utils"],
};

/** Layers that may import anything. */
const TOP_LEVEL = new Set(["cli", "testing", INDEX]);

/** One import that breaks the table. */
interface LayerViolation {
  file: string;
  specifier: string;
  fromLayer: string;
  toLayer: string;
}

/** Layer of a path relative to `evennia-ts/` (`portal/telnet/x.ts` → `portal`). */
function layerOfRelative(rel: string): string {
  if (rel.startsWith("..") || path.isAbsolute(rel)) return OUTSIDE;
  const parts = rel.split(path.sep);
  if (parts.length === 1) return parts[0] === "index.ts" ? INDEX : `<root file ${parts[0]}>`;
  return parts[0]!;
}

/** Layer an import specifier lands in, or null for builtins and npm packages. */
function layerOfSpecifier(fileRel: string, specifier: string): string | null {
  if (specifier === "evennia-ts" || specifier.startsWith("evennia-ts/")) return INDEX;
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    const target = path.resolve(sourceRoot, path.dirname(fileRel), specifier);
    return layerOfRelative(path.relative(sourceRoot, target));
  }
  return null; // node: builtin or npm package
}

/** Every module specifier a TypeScript source imports (static, type-only, re-export, dynamic). */
function importSpecifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Check one file (path relative to `evennia-ts/`) against {@link ALLOWED_IMPORTS}. */
function checkFile(fileRel: string, source: string): LayerViolation[] {
  const fromLayer = layerOfRelative(fileRel);
  if (TOP_LEVEL.has(fromLayer)) return [];
  const allowed = ALLOWED_IMPORTS[fromLayer];
  const out: LayerViolation[] = [];
  for (const specifier of importSpecifiers(source)) {
    const toLayer = layerOfSpecifier(fileRel, specifier);
    if (toLayer === null || toLayer === fromLayer) continue;
    if (!allowed || !allowed.includes(toLayer)) out.push({ file: fileRel, specifier, fromLayer, toLayer });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function describeViolations(violations: LayerViolation[]): string {
  return violations
    .map((v) => `evennia-ts/${v.file} (layer ${v.fromLayer}) imports "${v.specifier}" (layer ${v.toLayer}); ` +
      `${v.fromLayer} may import only ${[v.fromLayer, ...(ALLOWED_IMPORTS[v.fromLayer] ?? [])].join(", ")}`)
    .join("\n");
}

const files = sourceFiles(sourceRoot).map((full) => ({
  rel: path.relative(sourceRoot, full),
  source: readFileSync(full, "utf8"),
}));

describe("the checker itself", () => {
  it("finds static, type-only, re-exported and dynamic imports", () => {
    const source = [
      `import { a } from "../server/server.ts";`,
      `import type { B } from "../db/database.ts";`,
      `export { c } from "../commands/handler.ts";`,
      `export * from "../typeclasses/index.ts";`,
      `const d = await import("../web/app.ts");`,
      `import "../locks/lock-string.ts";`,
      `import x from "evennia-ts";`,
      `import { y } from "../../game_template/commands/default-cmdsets.ts";`,
      `import net from "node:net";`,
      `import express from "express";`,
      `import { ok } from "../protocol/framing.ts";`,
      `import { fine } from "./link-server.ts";`,
    ].join("\n");
    const found = checkFile(path.join("portal", "bad.ts"), source);
    expect(found.map((v) => v.toLayer)).toEqual(["server", "db", "commands", "typeclasses", "web", "locks", INDEX, OUTSIDE]);
    expect(describeViolations(found)).toContain(`evennia-ts/${path.join("portal", "bad.ts")} (layer portal) imports "../server/server.ts" (layer server)`);
  });

  it("resolves nested folders to their top-level layer", () => {
    expect(checkFile(path.join("portal", "telnet", "x.ts"), `import { y } from "../text/render.ts";`)).toEqual([]);
    expect(checkFile(path.join("portal", "telnet", "x.ts"), `import { y } from "../../server/server.ts";`)).toHaveLength(1);
    expect(checkFile(path.join("db", "entities", "x.ts"), `import { y } from "../../typeclasses/objects.ts";`)).toHaveLength(1);
  });

  it("lets the server import the web app, never the web app the server", () => {
    expect(checkFile(path.join("server", "x.ts"), `import { createWebApp } from "../web/web-app.ts";`)).toEqual([]);
    expect(checkFile(path.join("web", "website", "x.ts"), `import { Server } from "../../server/server.ts";`)).toHaveLength(1);
    expect(checkFile(path.join("web", "x.ts"), `import { Portal } from "../portal/portal.ts";`)).toHaveLength(1);
  });

  it("lets top-level layers import anything", () => {
    const source = `import { a } from "../server/server.ts"; import { b } from "../portal/portal.ts";`;
    expect(checkFile(path.join("testing", "x.ts"), source)).toEqual([]);
    expect(checkFile(path.join("cli", "x.ts"), source)).toEqual([]);
  });

  it("found the source tree", () => {
    const layers = new Set(files.map((f) => layerOfRelative(f.rel)));
    for (const layer of ["utils", "conf", "protocol", "portal", "db", "typeclasses", "commands", "server", "web"]) {
      expect(layers, `no files found under evennia-ts/${layer}/`).toContain(layer);
    }
  });
});

describe("evennia-ts/ imports flow one way", () => {
  it("every file sits in a known layer", () => {
    const unknown = files
      .map((f) => ({ file: f.rel, layer: layerOfRelative(f.rel) }))
      .filter((f) => !TOP_LEVEL.has(f.layer) && !(f.layer in ALLOWED_IMPORTS));
    expect(unknown, "files in a folder the layering table does not know (add the folder to ALLOWED_IMPORTS)").toEqual([]);
  });

  it.each(Object.keys(ALLOWED_IMPORTS))("%s/ imports only what the table allows", (layer) => {
    const violations = files.filter((f) => layerOfRelative(f.rel) === layer).flatMap((f) => checkFile(f.rel, f.source));
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
