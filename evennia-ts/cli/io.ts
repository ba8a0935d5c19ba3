/**
 * Where the launcher writes its messages. Commands take a {@link CliIo} so tests can
 * capture what they print.
 */

/** Output channels of the launcher. */
export interface CliIo {
  /** Write a line of normal output. */
  out(line: string): void;
  /** Write a line of error output. */
  err(line: string): void;
}

/** The process's stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
};

/** A {@link CliIo} that keeps every line (for tests and for collecting output). */
export class CapturingIo implements CliIo {
  /** Lines written with `out`. */
  readonly stdout: string[] = [];
  /** Lines written with `err`. */
  readonly stderr: string[] = [];
  out(line: string): void {
    this.stdout.push(line);
  }
  err(line: string): void {
    this.stderr.push(line);
  }
  /** Everything written, stdout then stderr, as one string. */
  text(): string {
    return [...this.stdout, ...this.stderr].join("\n");
  }
}
