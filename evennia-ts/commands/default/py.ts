/**
 * `py` (Developer, and only when the setting `pyCommandEnabled` is on): run a
 * snippet of JavaScript or TypeScript inside the running server, as Evennia's `py`
 * runs Python. The snippet sees `self`/`me` (the caller), `here` (its location),
 * `account`, `session`, `search`, `getById`, `store` and a `console`/`print` that
 * write to the caller. `await` works. A lone expression, or a last line that is
 * one, is shown as the result.
 */
import { inspect } from "node:util";
import type { Settings } from "../../conf/settings.ts";
import { getById, search } from "../../typeclasses/search.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { TypedObject } from "../../typeclasses/typed-object.ts";
import { withEsbuild } from "../../utils/esbuild-service.ts";
import { getLogger } from "../../utils/logger.ts";
import { MuxCommand } from "../mux-command.ts";

const securityLog = getLogger("security");

/** The constructor of `async function`s. */
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;

/** Statements that cannot be turned into `return (...)` when they end a snippet. */
const NOT_AN_EXPRESSION = /^(const|let|var|if|for|while|do|switch|return|throw|try|function|async function|class|import|export|break|continue|\}|\/\/)/;

/** What the caller is told when the setting is off. */
export const PY_DISABLED_MESSAGE =
  "The py command is disabled. A developer can enable it with pyCommandEnabled: true in server/conf/settings.ts " +
  "(it runs code with full access to the server: only on a development server).";

/** TypeScript to JavaScript (type annotations removed); the snippet unchanged when esbuild is not there. */
async function toJavaScript(code: string): Promise<string> {
  try {
    await import("esbuild");
  } catch {
    return code;
  }
  return withEsbuild(async (esbuild) => (await esbuild.transform(code, { loader: "ts" })).code);
}

/** Compile the snippet into an async function of `names`, returning its last expression's value when it has one (a SyntaxError when it does not compile). */
function compileSnippet(js: string, names: string[]): (...values: unknown[]) => Promise<unknown> {
  const body = js.trim().replace(/;\s*$/, "");
  const attempts: string[] = [];
  if (!body.includes("\n")) attempts.push(`return (${body});`);
  const lines = body.split("\n");
  const last = lines.at(-1)!.trim();
  if (lines.length > 1 && !NOT_AN_EXPRESSION.test(last)) attempts.push(`${lines.slice(0, -1).join("\n")}\nreturn (${last.replace(/;$/, "")});`);
  for (const source of attempts) {
    try {
      return new AsyncFunction(...names, source);
    } catch {
      // not an expression: try the next form
    }
  }
  // the snippet as statements; a syntax error in it reaches the caller
  return new AsyncFunction(...names, body);
}

/** A value as the caller sees it: text as it is, typeclassed objects by name and dbref, anything else inspected. */
export function formatPyResult(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof TypedObject) return `${value.key} (${value.dbref}, ${value.typeclassPath})`;
  return inspect(value, { depth: 2, breakLength: 78, maxArrayLength: 50 });
}

/** `py[/time] <code>`. */
export class CmdPy extends MuxCommand {
  override key = "py";
  override aliases = ["!"];
  override switchOptions = ["time"];
  override locks = "cmd:perm(py) or perm(Developer)";
  override helpCategory = "system";
  override help = `Run a snippet of JavaScript or TypeScript in the server.

Usage:
  py <code>
  py/time <code>

Switches:
  time - also show how long the code took to run

Runs the code inside the running server and shows what it gives back (the value
of a lone expression, or of the last line when that is an expression). await
works. Available names:
  self, me   - you (your character, or your account when out of character)
  here       - your location
  account    - your account
  session    - your session
  search     - search({ key: "box" }) finds objects (kind: "account" for accounts)
  getById    - getById(12) or getById("#12")
  store      - the object store (identity map)
  console, print - console.log(...) and print(...) write to you

|rThe command is off unless the setting pyCommandEnabled is true, and even then
only Developers may use it: code run this way can do anything the server can.
Never enable it on a public game.|n

Examples:
  py 1 + 2
  py me.key
  py here.contents.map(o => o.key)
  py/time (await search({ key: "Limbo" })).length
  py const box = await getById(5); box?.db.weight`;

  override async func(): Promise<void> {
    const settings = this.services.settings as Partial<Settings>;
    if (!settings.pyCommandEnabled) {
      this.msg(PY_DISABLED_MESSAGE);
      return;
    }
    const code = this.args.trim();
    if (!code) {
      this.msg("Usage: py <code> (the interactive console of Evennia's py is not available here)");
      return;
    }
    const caller = this.caller;
    // raw: code and values are shown as they are, not read as colour markup
    const say = (text: string, type: string) => this.msg({ text: [text, { type, options: { raw: true } }] });
    say(`>>> ${code}`, "py_input");
    securityLog.info(`py by ${caller && "key" in caller ? caller.key : "?"} (IP: ${this.session.address}): ${code}`);
    const print = (...values: unknown[]) => say(values.map(formatPyResult).join(" "), "py_output");
    const console = { log: print, info: print, warn: print, error: print, debug: print };
    const scope: Record<string, unknown> = {
      self: caller,
      me: caller,
      here: (caller as { location?: unknown }).location ?? null,
      account: this.account,
      session: this.session,
      search,
      getById,
      store: getStore(),
      console,
      print,
    };
    let result: unknown;
    const started = performance.now();
    try {
      const fn = compileSnippet(await toJavaScript(code), Object.keys(scope));
      result = await fn(...Object.values(scope));
    } catch (err) {
      const text = err instanceof Error ? `${err.name}: ${err.message.replace(/^Transform failed with \d+ errors?:\n/, "")}` : String(err);
      say(text, "py_output");
      return;
    }
    if (this.switches.includes("time")) say(` (runtime ~ ${(performance.now() - started).toFixed(4)} ms)`, "py_output");
    if (result !== undefined) say(formatPyResult(result), "py_output");
  }
}
