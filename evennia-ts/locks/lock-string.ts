/**
 * Lock strings: `access_type:func(args) AND/OR/NOT ...; other_type:...`.
 * `cmd:perm(Builder)`, `get:all()`, `edit:perm(Admin) OR id(12)`.
 * Evaluation is a small recursive-descent parser over registered lock functions;
 * an unknown function or a syntax error denies (and is logged), never throws.
 */
import { getLogger } from "../utils/logger.ts";
import { hasPermission, type PermissionHolder } from "./permissions.ts";
import { EvenniaError } from "../utils/errors.ts";

const log = getLogger("locks");

/** Who is asking, and about what. */
export interface LockContext {
  /** The one trying to access (an account or a puppet). */
  accessor: (PermissionHolder & { id?: number }) | null;
  /** The object being accessed. */
  accessed?: unknown;
}

/** A lock function: `perm(Builder)` calls `perm(ctx, "Builder")`. */
export type LockFunc = (ctx: LockContext, ...args: string[]) => boolean;

const lockFuncs = new Map<string, LockFunc>([
  ["all", () => true],
  ["true", () => true],
  ["none", () => false],
  ["false", () => false],
  ["perm", (ctx, perm = "") => hasPermission(ctx.accessor, perm)],
  ["superuser", (ctx) => Boolean(ctx.accessor?.isSuperuser)],
  ["id", (ctx, id = "") => ctx.accessor?.id !== undefined && String(ctx.accessor.id) === id.replace(/^#/, "")],
  ["dbref", (ctx, id = "") => ctx.accessor?.id !== undefined && String(ctx.accessor.id) === id.replace(/^#/, "")],
]);

/** Register a lock function game code can use in lock strings. */
export function registerLockFunc(name: string, fn: LockFunc): void {
  lockFuncs.set(name.toLowerCase(), fn);
}

/** Split a lock string into `{accessType: expression}`. */
export function parseLockString(lockString: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of lockString.split(";")) {
    const i = part.indexOf(":");
    if (i <= 0) continue;
    out.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return out;
}

/**
 * Check `accessType` of `lockString` for `ctx`. No lock for the access type means
 * `defaultAllow`. Superusers always pass, as in Evennia.
 */
export function checkLock(lockString: string, accessType: string, ctx: LockContext, defaultAllow = false): boolean {
  if (ctx.accessor?.isSuperuser) return true;
  const expr = parseLockString(lockString).get(accessType.toLowerCase());
  if (expr === undefined) return defaultAllow;
  try {
    return new LockParser(expr, ctx).parse();
  } catch (err) {
    log.error(`bad lock "${accessType}:${expr}": ${(err as Error).message}`);
    return false;
  }
}

/** `expr := term (OR term)*; term := factor (AND factor)*; factor := NOT factor | (expr) | call` */
class LockParser {
  private readonly tokens: string[];
  private pos = 0;

  constructor(
    expr: string,
    private readonly ctx: LockContext,
  ) {
    this.tokens = expr.match(/\(|\)|[^\s()]+\([^)]*\)|\bAND\b|\bOR\b|\bNOT\b|[^\s()]+/gi) ?? [];
  }

  parse(): boolean {
    const value = this.expr();
    if (this.pos !== this.tokens.length) throw new EvenniaError("EV_ERR_BAD_INPUT", `unexpected "${this.tokens[this.pos]}"`);
    return value;
  }

  private expr(): boolean {
    let value = this.term();
    while (this.peek()?.toUpperCase() === "OR") {
      this.pos++;
      const right = this.term();
      value = value || right;
    }
    return value;
  }

  private term(): boolean {
    let value = this.factor();
    while (this.peek()?.toUpperCase() === "AND") {
      this.pos++;
      const right = this.factor();
      value = value && right;
    }
    return value;
  }

  private factor(): boolean {
    const token = this.tokens[this.pos++];
    if (token === undefined) throw new EvenniaError("EV_ERR_BAD_INPUT", "unexpected end of lock");
    if (token.toUpperCase() === "NOT") return !this.factor();
    if (token === "(") {
      const value = this.expr();
      if (this.tokens[this.pos++] !== ")") throw new EvenniaError("EV_ERR_BAD_INPUT", "missing )");
      return value;
    }
    const m = /^([A-Za-z_]\w*)\((.*)\)$/.exec(token);
    if (!m) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${token}" is not a lock function call`);
    const fn = lockFuncs.get(m[1]!.toLowerCase());
    if (!fn) throw new EvenniaError("EV_ERR_BAD_INPUT", `unknown lock function ${m[1]}()`);
    const args = m[2]!.split(",").map((a) => a.trim()).filter(Boolean);
    return fn(this.ctx, ...args);
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }
}
