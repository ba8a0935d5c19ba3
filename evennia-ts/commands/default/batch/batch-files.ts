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
 *
 * A file may be at most {@link MAX_BATCH_FILE_BYTES} long, and one run, `#INSERT`s
 * included, at most {@link MAX_BATCH_ENTRIES} entries from {@link MAX_BATCH_INSERTS}
 * inserts: a file inserting another many times, nested, cannot blow up.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../../../utils/errors.ts";

/** How deep `#INSERT`s may nest. */
const MAX_INSERT_DEPTH = 10;
/** The largest batch file read (bytes). */
export const MAX_BATCH_FILE_BYTES = 4 * 1024 * 1024;
/** The most entries (commands or code blocks) one run may have, `#INSERT`s included. */
export const MAX_BATCH_ENTRIES = 10_000;
/** The most `#INSERT`s one run may follow, all files together. */
export const MAX_BATCH_INSERTS = 1_000;

/** What one parse (a file and everything it inserts) has used of the limits. */
interface ParseBudget {
  entries: number;
  inserts: number;
}

/** Count `added` entries against the budget; throws `EV_ERR_LIMIT` past {@link MAX_BATCH_ENTRIES}. */
function spendEntries(budget: ParseBudget, added: number): void {
  budget.entries += added;
  if (budget.entries > MAX_BATCH_ENTRIES) {
    throw new EvenniaError("EV_ERR_LIMIT", `the batch run would have more than ${MAX_BATCH_ENTRIES} entries (#INSERTs included); split it into several files.`);
  }
}

/** Count one `#INSERT`; throws `EV_ERR_LIMIT` past {@link MAX_BATCH_INSERTS}. */
function spendInsert(budget: ParseBudget): void {
  if (++budget.inserts > MAX_BATCH_INSERTS) {
    throw new EvenniaError("EV_ERR_LIMIT", `the batch run follows more than ${MAX_BATCH_INSERTS} #INSERTs; split it into several files.`);
  }
}

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

/**
 * Read a batch file as text: UTF-8, line ends made `\n`, byte-order marks at the
 * start of lines dropped (files joined together keep theirs, which would hide a `#`).
 * Throws `EV_ERR_LIMIT` for a file over {@link MAX_BATCH_FILE_BYTES}, `EV_ERR_BAD_INPUT`
 * for one that is not UTF-8 or cannot be read.
 */
export function readBatchFile(file: string): string {
  const name = path.basename(file);
  let buffer: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_BATCH_FILE_BYTES) {
      throw new EvenniaError("EV_ERR_LIMIT", `${name} is larger than ${MAX_BATCH_FILE_BYTES / 1024 / 1024} MiB (${size} bytes); split it into several files.`);
    }
    buffer = readFileSync(file);
  } catch (err) {
    if (err instanceof EvenniaError) throw err;
    throw new EvenniaError("EV_ERR_BAD_INPUT", `${name} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  if (buffer.length > MAX_BATCH_FILE_BYTES) {
    throw new EvenniaError("EV_ERR_LIMIT", `${name} is larger than ${MAX_BATCH_FILE_BYTES / 1024 / 1024} MiB; split it into several files.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `${name} is not valid UTF-8 text; save the file as UTF-8.`);
  }
  return text.replace(/\r\n?/g, "\n").replace(/^\uFEFF+/gm, "");
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
export function parseBatchCommandFile(name: string, roots: BatchFileRoots): string[] {
  return parseCommandFileWithin(name, roots, 0, [], { entries: 0, inserts: 0 });
}

function parseCommandFileWithin(name: string, roots: BatchFileRoots, depth: number, seen: readonly string[], budget: ParseBudget): string[] {
  if (depth > MAX_INSERT_DEPTH) throw new EvenniaError("EV_ERR_LIMIT", `#INSERT nests more than ${MAX_INSERT_DEPTH} files deep.`);
  const file = resolveBatchFile(name, ".ev", roots);
  if (seen.includes(file)) throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${name} inserts a file into itself.`);
  const insert = (inserted: string): string[] => {
    spendInsert(budget);
    try {
      return parseCommandFileWithin(inserted, roots, depth + 1, [...seen, file], budget);
    } catch (err) {
      throw insertFailure(inserted, err);
    }
  };
  return splitCommands(readBatchFile(file), insert, budget);
}

/** An `#INSERT` that failed, its reason kept (limits stay limits). */
function insertFailure(inserted: string, err: unknown): EvenniaError {
  const code = err instanceof EvenniaError && err.code === "EV_ERR_LIMIT" ? "EV_ERR_LIMIT" : "EV_ERR_BAD_INPUT";
  return new EvenniaError(code, `#INSERT ${inserted} failed: ${(err as Error).message}`);
}

/** The commands in batch-command text; `insert` gives the commands of an `#INSERT`ed file. */
export function parseBatchCommands(text: string, insert: (name: string) => string[] = () => []): string[] {
  return splitCommands(text, insert, { entries: 0, inserts: 0 });
}

/** {@link parseBatchCommands}, counting its own commands (not inserted ones: their file did) against `budget`. */
function splitCommands(text: string, insert: (name: string) => string[], budget: ParseBudget): string[] {
  const commands: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const command = joinCommandLines(current);
    if (command) {
      spendEntries(budget, 1);
      commands.push(command);
    }
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
export function parseBatchCodeFile(name: string, roots: BatchFileRoots): string[] {
  return parseCodeFileWithin(name, roots, 0, [], { entries: 0, inserts: 0 });
}

function parseCodeFileWithin(name: string, roots: BatchFileRoots, depth: number, seen: readonly string[], budget: ParseBudget): string[] {
  if (depth > MAX_INSERT_DEPTH) throw new EvenniaError("EV_ERR_LIMIT", `#INSERT nests more than ${MAX_INSERT_DEPTH} files deep.`);
  const file = resolveBatchFile(name, ".ts", roots);
  if (seen.includes(file)) throw new EvenniaError("EV_ERR_BAD_INPUT", `#INSERT ${name} inserts a file into itself.`);
  const insert = (inserted: string): string[] => {
    spendInsert(budget);
    try {
      return parseCodeFileWithin(inserted, roots, depth + 1, [...seen, file], budget);
    } catch (err) {
      throw insertFailure(inserted, err);
    }
  };
  return splitCode(readBatchFile(file), insert, budget);
}

/** The blocks of batch-code text; `insert` gives the blocks of an `#INSERT`ed file. */
export function parseBatchCode(text: string, insert: (name: string) => string[] = () => []): string[] {
  return splitCode(text, insert, { entries: 0, inserts: 0 });
}

/** {@link parseBatchCode}, counting its own blocks (not inserted ones: their file did) against `budget`. */
function splitCode(text: string, insert: (name: string) => string[], budget: ParseBudget): string[] {
  const headers: string[] = [];
  const blocks: ({ code: string[] } | { inserted: string[] })[] = [];
  let mode: "code" | "header" = "code";
  let current: string[] = [];
  const flush = () => {
    if (mode === "header") headers.push(current.join("\n"));
    else if (current.some((l) => l.trim())) {
      spendEntries(budget, 1);
      blocks.push({ code: current });
    }
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
