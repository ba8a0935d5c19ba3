/**
 * esbuild's service process (about 16 MiB) does not outlive the compiles that use it:
 * an idle game's portal and server have no esbuild child. Linux (reads `/proc`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withEsbuild } from "../../evennia-ts/utils/esbuild-service.ts";

/** Pids of this process's running children whose command is esbuild. */
function esbuildChildren(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: the command may hold spaces and parentheses
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // a child that has exited stays a zombie (Z) until node reaps it: it is not running
      if (Number(ppid) === process.pid && comm === "esbuild" && state !== "Z") found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Wait (bounded) until no esbuild child runs: a stopped service takes a moment to exit. */
async function noEsbuildChild(): Promise<void> {
  const end = Date.now() + 5_000;
  while (esbuildChildren().length > 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(esbuildChildren()).toEqual([]);
}

describe.runIf(process.platform === "linux")("the esbuild service", () => {
  it("runs while a compile uses it and is stopped after; the next compile starts it again", async () => {
    const during = await withEsbuild(async (esbuild) => {
      const out = await esbuild.transform("const n: number = 1;", { loader: "ts" });
      return { code: out.code, children: esbuildChildren().length };
    });
    expect(during.code).toContain("const n = 1");
    expect(during.children).toBe(1);
    await noEsbuildChild();
    const again = await withEsbuild(async (esbuild) => (await esbuild.transform("let s: string = 'x';", { loader: "ts" })).code);
    expect(again).toContain('let s = "x"');
    await noEsbuildChild();
  });

  it("lets a compile that starts while the service stops wait for it, then start it again", async () => {
    let late: Promise<string> | null = null;
    await withEsbuild(async (esbuild) => {
      const out = await esbuild.transform("const a: number = 1;", { loader: "ts" });
      // runs on the next turn: while the service this compile used is being stopped
      setImmediate(() => (late = withEsbuild(async (e) => (await e.transform("const b: number = 2;", { loader: "ts" })).code)));
      return out;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).not.toBeNull();
    expect(await late!).toContain("const b = 2");
    await noEsbuildChild();
  });

  it("is kept while overlapping compiles use it", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const long = withEsbuild(async (esbuild) => {
      await held;
      return (await esbuild.transform("const late: number = 2;", { loader: "ts" })).code;
    });
    await withEsbuild(async (esbuild) => esbuild.transform("const early: number = 1;", { loader: "ts" }));
    expect(esbuildChildren()).toHaveLength(1); // the first to end did not stop it: the other still uses it
    release();
    expect(await long).toContain("const late = 2");
    await noEsbuildChild();
  });
});
