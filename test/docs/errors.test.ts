/**
 * The error catalogue: docs/errors.md lists exactly the EV_ERR_* codes the source
 * uses, the code type declares exactly those, and every `throw` (and every error
 * built to reject a promise) in evennia-ts/ carries a code.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const sourceDir = path.join(root, "evennia-ts");
const errorsFile = path.join(sourceDir, "utils", "errors.ts");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

const files = sourceFiles(sourceDir);
const codesIn = (text: string): Set<string> => new Set(text.match(/\bEV_ERR_[A-Z_]+\b/g) ?? []);

describe("error catalogue", () => {
  const documented = new Set([...readFileSync(path.join(root, "docs", "errors.md"), "utf8").matchAll(/^\| `(EV_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]!));
  const declared = codesIn(readFileSync(errorsFile, "utf8"));
  const used = new Set<string>();
  for (const file of files) if (file !== errorsFile) for (const code of codesIn(readFileSync(file, "utf8"))) used.add(code);

  it("documents every code the source uses, and uses every code it documents", () => {
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((c) => !documented.has(c)).sort(), "used in evennia-ts/ but missing from docs/errors.md").toEqual([]);
    expect([...documented].filter((c) => !used.has(c)).sort(), "documented in docs/errors.md but used nowhere").toEqual([]);
  });

  it("declares in EvenniaErrorCode exactly the codes in use", () => {
    expect([...declared].sort()).toEqual([...used].sort());
  });
});

/** Errors that are not EvenniaErrors on purpose, each with where it is turned into one. */
const INTERNAL_SIGNALS: Record<string, string> = {
  EncodeFailure: "db/tagged-json.ts: never leaves encodeValue(), which raises EV_ERR_SERIALIZE",
};

const BUILTIN_ERRORS = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"]);

/** Names of classes extending EvenniaError (or an internal signal) and of functions and methods declared to return one. */
function evenniaErrorMakers(sources: ts.SourceFile[]): Set<string> {
  const classes = new Set(["EvenniaError", ...Object.keys(INTERNAL_SIGNALS)]);
  const makers = new Set<string>();
  // subclasses of subclasses: repeat until nothing new
  for (let grew = true; grew; ) {
    grew = false;
    for (const sf of sources) {
      sf.forEachChild(function visit(node): void {
        if (ts.isClassDeclaration(node) && node.name && !classes.has(node.name.text)) {
          const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
          if (base && ts.isIdentifier(base) && classes.has(base.text)) {
            classes.add(node.name.text);
            grew = true;
          }
        }
        node.forEachChild(visit);
      });
    }
  }
  for (const sf of sources) {
    sf.forEachChild(function visit(node): void {
      if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && node.type) {
        if (ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) && classes.has(node.type.typeName.text)) {
          makers.add(node.name.getText(sf));
        }
      }
      node.forEachChild(visit);
    });
  }
  for (const c of classes) makers.add(c);
  return makers;
}

/** True when `name` is bound by a catch clause around `node` (a re-throw of what was caught). */
function isCaughtBinding(node: ts.Node, name: string): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isCatchClause(n) && n.variableDeclaration && n.variableDeclaration.name.getText() === name) return true;
    if (ts.isFunctionLike(n) && n.parameters.some((p) => p.name.getText() === name)) {
      // a callback's parameter holding a caught error: `.catch((err) => { ...; throw err; })`, `(err) => { if (err) throw err }`
      const call = n.parent;
      if (call && ts.isCallExpression(call)) return true;
    }
  }
  return false;
}

describe("every thrown error in evennia-ts/ carries an EV_ERR_* code", () => {
  const sources = files.map((f) => ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true));
  const makers = evenniaErrorMakers(sources);
  const problems: string[] = [];
  let throws = 0;
  for (const sf of sources) {
    const where = (node: ts.Node) => `${path.relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${node.getText(sf).slice(0, 100)}`;
    sf.forEachChild(function visit(node): void {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && BUILTIN_ERRORS.has(node.expression.text)) {
        problems.push(`${where(node)} (a plain ${node.expression.text}: use new EvenniaError(code, message))`);
      }
      if (ts.isThrowStatement(node)) {
        throws++;
        const e = node.expression;
        const callee = ts.isNewExpression(e) || ts.isCallExpression(e) ? e.expression : null;
        const calleeName = callee ? (ts.isPropertyAccessExpression(callee) ? callee.name.getText(sf) : callee.getText(sf)) : null;
        const ok =
          (calleeName !== null && makers.has(calleeName)) ||
          (ts.isIdentifier(e) && isCaughtBinding(node, e.text));
        if (!ok) problems.push(where(node));
      }
      node.forEachChild(visit);
    });
  }

  it("finds the throw statements (the scan works)", () => {
    expect(throws).toBeGreaterThan(50);
    expect(makers.has("NotLoadedError")).toBe(true);
  });

  it("throws only EvenniaErrors (or re-throws what it caught)", () => {
    expect(problems).toEqual([]);
  });
});
