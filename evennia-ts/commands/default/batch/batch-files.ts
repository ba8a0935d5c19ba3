/**
 * Reading batch files (Evennia's `evennia.utils.batchprocessors`):
 *
 * - **Batch-command files** (`.ev`): in-game commands, each ended by a line that
 *   starts with `#` (a comment). A command may run over several lines: they are
 *   joined with spaces, and an empty line inside it is a line break (two make a
 *   paragraph). `#INSERT path.to.file` puts another `.ev` file's commands there.
 * - **Batch-code files** (`.ts`): TypeScript in blocks. `#HEADER` starts code put in
 *   front of every block (imports, constants); `#CODE` starts a block run on its
 *   own; `#INSERT path.to.file` puts another batch-code file's blocks there, with
 *   that file's own headers. A file without markers is one block. Each marker may
 *   be written as a line comment (`// #CODE`), so the file stays valid TypeScript.
 *
 * Files are named by a dotted path (`world.build`, or `build`, looked for in each
 * folder of the setting `batchProcessPaths`, `world/` by default), resolved inside
 * the game folder: a path that would leave those folders (`..`, absolute paths,
 * symbolic links pointing out) is refused.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../../../utils/errors.ts";

/** How deep `#INSERT`s may nest. */
const MAX_INSERT_DEPTH = 10;

/** Where batch files may be read from. */
export interface BatchFileRoots {
  /** The game folder (absolute). */
  gameDir: string;
  /** Folders inside it batch files live in (`["world"]`). */
  folders: readonly string[];
}

/** The folders batch files may come from, as absolute real paths (those that exist). */
function allowedRoots(roots: BatchFileRoots): string[] {
  const out: string[] = [];
  for (const folder of roots.folders) {
    const full = path.resolve(roots.gameDir, folder);
    if (existsSync(full)) out.push(realpathSync(full));
  }
  return out;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * The absolute path of the batch file `name` (`world.build` or `build`, with or
 * without its extension, dots or slashes between parts) ending in `extension`.
 * Throws `EV_ERR_BAD_INPUT` for a name that is not a plain path or that leads
 * outside the allowed folders, and `EV_ERR_NOT_FOUND` when no such file exists.
 */
export function resolveBatchFile(name: string, extension: ".ev" | ".ts", roots: BatchFileRoots): string {
  let text = name.trim();
  if (text.endsWith(extension)) text = text.slice(0, -extension.length);
  const parts = text.split(/[./\\]/);
  if (!text || parts.some((p) => !/^[\w-]+$/.test(p))) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `'${name}' is not a batch file path: give a dotted path of plain names inside the game folder, like world.build.`);
  }
  const rel = parts.join(path.sep) + extension;
  const rootsReal = allowedRoots(roots);
  const gameDir = path.resolve(roots.gameDir);
  const candidates = [path.join(gameDir, rel), ...roots.folders.map((f) => path.join(gameDir, f, rel))];
  for (const candidate of candidates) {
    if (!existsSync(candidate) || !statSync(candidate).isFile()) continue;
    const real = realpathSync(candidate);
    if (!rootsReal.some((root) => inside(root, real))) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `'${name}' is outside the batch-file folders (${roots.folders.join(", ")}) of the game.`);
    }
    return real;
  }
  throw new EvenniaError("EV_ERR_NOT_FOUND", `'${name}' could not be found: batch files are given as paths from one of the batch-file folders (${roots.folders.join(", ")}), like world.build for world/build${extension}.`);
}

/** Read a batch file as text (UTF-8, line ends made `\n`). */
export function readBatchFile(file: string): string {
  const buffer = readFileSync(file);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** One command of a batch-command file: its text, as it will be run. */
function joinCommandLines(lines: readonly string[]): string {
  let out = "";
  let pendingBreaks = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      if (out) pendingBreaks++;
      continue;
    }
    if (out) out += pendingBreaks ? "\n".repeat(pendingBreaks) : " ";
    pendingBreaks = 0;
    out += line;
  }
  return out;
}

const INSERT = /^#\s*INSERT\s+(\S+)\s*$/;

/** The commands of the batch-command file `name` (see the module notes). */
export function parseBatchCommandFile(name: string, roots: BatchFileRoots, depth = 0, seen: readonly string[] = []): string[] {
  if (depth > MAX_INSERT_DEPTH) throw new EvenniaError("EV_ERR_LIMIT", `#INSERT nests more than ${MAX_INSERT_DEPTH} files deep.`);
  const file = resolveBatchFile(name, ".ev", roots);
  if (seen.includes(file)) throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${name} inserts a file into itself.`);
  return parseBatchCommands(readBatchFile(file), (inserted) => {
    try {
      return parseBatchCommandFile(inserted, roots, depth + 1, [...seen, file]);
    } catch (err) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${inserted} failed: ${(err as Error).message}`);
    }
  });
}

/** The commands in batch-command text; `insert` gives the commands of an `#INSERT`ed file. */
export function parseBatchCommands(text: string, insert: (name: string) => string[] = () => []): string[] {
  const commands: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const command = joinCommandLines(current);
    if (command) commands.push(command);
    current = [];
  };
  for (const line of text.split("\n")) {
    const inserted = INSERT.exec(line);
    if (inserted) {
      flush();
      commands.push(...insert(inserted[1]!));
    } else if (line.startsWith("#")) flush();
    else current.push(line);
  }
  flush();
  return commands;
}

/** Marker lines of batch-code files: `#CODE`, or `// #CODE`, which keeps the file valid TypeScript. */
const CODE_MARKER = /^(?:\/\/\s*)?#\s*(HEADER|CODE)\b.*$/;
/** `#INSERT` in a batch-code file (also as `// #INSERT`). */
const CODE_INSERT = /^(?:\/\/\s*)?#\s*INSERT\s+(\S+)\s*$/;

/** The code blocks of the batch-code file `name`, each with the file's headers in front. */
export function parseBatchCodeFile(name: string, roots: BatchFileRoots, depth = 0, seen: readonly string[] = []): string[] {
  if (depth > MAX_INSERT_DEPTH) throw new EvenniaError("EV_ERR_LIMIT", `#INSERT nests more than ${MAX_INSERT_DEPTH} files deep.`);
  const file = resolveBatchFile(name, ".ts", roots);
  if (seen.includes(file)) throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${name} inserts a file into itself.`);
  return parseBatchCode(readBatchFile(file), (inserted) => {
    try {
      return parseBatchCodeFile(inserted, roots, depth + 1, [...seen, file]);
    } catch (err) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${inserted} failed: ${(err as Error).message}`);
    }
  });
}

/** The blocks of batch-code text; `insert` gives the blocks of an `#INSERT`ed file. */
export function parseBatchCode(text: string, insert: (name: string) => string[] = () => []): string[] {
  const headers: string[] = [];
  const blocks: ({ code: string[] } | { inserted: string[] })[] = [];
  let mode: "code" | "header" = "code";
  let current: string[] = [];
  const flush = () => {
    if (mode === "header") headers.push(current.join("\n"));
    else if (current.some((l) => l.trim())) blocks.push({ code: current });
    current = [];
  };
  for (const line of text.split("\n")) {
    const insertMatch = CODE_INSERT.exec(line);
    const marker = CODE_MARKER.exec(line);
    if (insertMatch) {
      flush();
      mode = "code";
      blocks.push({ inserted: insert(insertMatch[1]!) });
    } else if (marker) {
      flush();
      mode = marker[1] === "HEADER" ? "header" : "code";
    } else current.push(line);
  }
  flush();
  const header = headers.filter((h) => h.trim()).join("\n\n");
  const out: string[] = [];
  for (const block of blocks) {
    if ("inserted" in block) out.push(...block.inserted);
    else out.push(`${header ? `${BATCH_HEADER_MARK}\n${header}\n\n` : ""}${BATCH_CODE_MARK}\n${block.code.join("\n").trim()}`);
  }
  return out;
}

/** The comment that starts the header part of a parsed code block. */
export const BATCH_HEADER_MARK = "// batchcode header:";
/** The comment that starts the code part of a parsed code block. */
export const BATCH_CODE_MARK = "// batchcode code:";

/** The code part of a parsed block, without its header (for headings and listings). */
export function codeOfBlock(block: string): string {
  const at = block.indexOf(BATCH_CODE_MARK);
  return at < 0 ? block : block.slice(at + BATCH_CODE_MARK.length).trim();
}
