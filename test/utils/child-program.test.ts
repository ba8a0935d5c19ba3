/**
 * Short jobs in a child Node process (`utils/child-program.ts`): success, a failure
 * reported with its exit and the end of its error output, a child that cannot start,
 * and one that outlives its time limit, which is killed.
 */
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../../evennia-ts/cli/pid-files.ts";
import { childExecArgv, runChildProgram } from "../../evennia-ts/utils/child-program.ts";

const job = { what: "the test job", code: "EV_ERR_INTERNAL" as const };

describe("runChildProgram", () => {
  it("resolves when the child exits 0", async () => {
    await expect(runChildProgram(process.execPath, [], ["-e", "process.exit(0)"], job)).resolves.toBeUndefined();
  });

  it("rejects with the job's code, the exit code and the end of the child's error output", async () => {
    const err = await runChildProgram(process.execPath, [], ["-e", "process.stderr.write('x'.repeat(10000) + 'the reason'); process.exit(4)"], job).then(
      () => ({ code: "", message: "resolved" }),
      (e: unknown) => e as { code: string; message: string },
    );
    expect(err.code).toBe("EV_ERR_INTERNAL");
    expect(err.message).toMatch(/^the test job failed \(exit code 4\): x+the reason$/);
    expect(err.message.length).toBeLessThan(4200);
  });

  it("rejects when the program cannot start", async () => {
    await expect(runChildProgram("/nonexistent/node", [], [], job)).rejects.toMatchObject({ code: "EV_ERR_INTERNAL", message: expect.stringMatching(/^cannot start the test job: /) });
  });

  it("kills a child that outlives its time limit, and says so", async () => {
    const started = Date.now();
    const run = runChildProgram(process.execPath, [], ["-e", "process.stderr.write(String(process.pid)); setTimeout(() => {}, 60000)"], { ...job, timeoutMs: 500 });
    const err = await run.then(
      () => ({ message: "resolved" }),
      (e: unknown) => e as { message: string },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err.message).toMatch(/^the test job did not finish within 500 ms and was stopped: \d+$/);
    const pid = Number(/(\d+)$/.exec(err.message)![1]);
    const deadline = Date.now() + 5000;
    while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isProcessAlive(pid)).toBe(false);
  });

  it("does not pass on a debugger's port or profiling", () => {
    expect(childExecArgv(["--expose-gc", "--inspect=9229", "--cpu-prof", "--cpu-prof-dir", "/tmp/p"])).toEqual(["--expose-gc"]);
  });
});
