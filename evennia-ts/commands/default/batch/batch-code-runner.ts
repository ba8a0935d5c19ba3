/**
 * Running one block of a batch-code file. The block (its headers in front) is
 * written as a module beside the batch file, so its `import`s resolve as they would
 * from there, imported (the server's TypeScript loader compiles it) and removed.
 * Top-level `await` works. The block sees, without importing them:
 *
 * - `caller`: who runs the batch; `here`: its location;
 * - `DEBUG`: true under `/debug` (a block may delete what it made, to be re-run);
 * - `print(...)`: text to the caller;
 * - `search`, `getById`, `createObject` and `spawn`.
 *
 * The caller runs it in a unit of work of its own (`batch-run.ts`): what it changes
 * is committed when it ends, or rolled back when it throws.
 */
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { spawn } from "../../../prototypes/spawner.ts";
import { createObject } from "../../../typeclasses/create.ts";
import { getById, search } from "../../../typeclasses/search.ts";
import { importGameModule } from "../../../utils/game-modules.ts";

/** Where blocks find what they are given (keyed by run id). */
const HANDOFF_KEY = Symbol.for("evennia-ts.batchcode");

type Handoff = Map<string, Record<string, unknown>>;

function handoff(): Handoff {
  const g = globalThis as unknown as Record<symbol, Handoff | undefined>;
  return (g[HANDOFF_KEY] ??= new Map());
}

/** What a block is given. */
export interface BatchCodeEnvironment {
  caller: unknown;
  debug: boolean;
  /** Text for the caller. */
  print: (text: string) => void;
}

/**
 * Run `block` (from the batch file `batchFile`); resolves with null when it ran,
 * or with the error to show (its message and the lines of the block around it).
 */
export async function runBatchCodeBlock(block: string, batchFile: string, env: BatchCodeEnvironment): Promise<string | null> {
  const id = randomBytes(6).toString("hex");
  const file = path.join(path.dirname(batchFile), `.batchcode-${id}.ts`);
  const names = ["caller", "here", "DEBUG", "print", "search", "getById", "createObject", "spawn"];
  const prelude = `const { ${names.join(", ")} } = (globalThis as any)[Symbol.for("evennia-ts.batchcode")].get(${JSON.stringify(id)});`;
  // `declare const caller: ...` (for the editor) would clash with the prelude: it is type-only, so it goes
  const declared = new RegExp(`^[ \\t]*declare\\s+(?:const|let|var)\\s+(?:${names.join("|")})\\b[^\\n]*$`, "gm");
  const source = `${prelude}\n${block.replace(declared, "")}\nexport {};\n`;
  const caller = env.caller as { location?: unknown };
  handoff().set(id, {
    caller: env.caller,
    here: caller?.location ?? null,
    DEBUG: env.debug,
    print: (...values: unknown[]) => env.print(values.map((v) => (typeof v === "string" ? v : inspect(v, { depth: 2 }))).join(" ")),
    search,
    getById,
    createObject,
    spawn,
  });
  try {
    writeFileSync(file, source);
    await importGameModule(file);
    return null;
  } catch (err) {
    return describeFailure(err, source, file);
  } finally {
    handoff().delete(id);
    rmSync(file, { force: true });
  }
}

/** The error and the code around the line it points at (numbered as in the block, headers included). */
function describeFailure(err: unknown, source: string, file: string): string {
  const error = err instanceof Error ? err : { name: "Error", message: String(err), stack: "" };
  const base = path.basename(file);
  const where = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`).exec(error.stack ?? "");
  const lines = source.split("\n");
  const message = error.message.replace(/^Transform failed with \d+ errors?:\n/, "") || inspect(err, { depth: 1 }).split("\n")[0]!;
  const out = [`${error.name}: ${message}`];
  if (where) {
    // line 1 of the module is the prelude
    const at = Number(where[1]) - 1;
    for (let i = Math.max(1, at - 3); i <= Math.min(lines.length - 2, at + 3); i++) {
      const n = String(i).padStart(2, "0");
      out.push(i === at ? `|w${n}|n: ${lines[i]}` : `${n}: ${lines[i]}`);
    }
  }
  return out.join("\n");
}
