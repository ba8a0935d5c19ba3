/**
 * The progress bar a run draws on stderr (on a terminal, or when asked with
 * `--progress`): elapsed time, clients logged in, commands answered and the rate.
 */

/** Where the bar goes. */
export interface ProgressSink {
  write(text: string): void;
}

/** What the bar shows. */
export interface ProgressFigures {
  elapsedMs: number;
  totalMs: number;
  clients: number;
  wantedClients: number;
  answered: number;
  unanswered: number;
}

/** One line of the bar (no line ending). */
export function progressLine(f: ProgressFigures, width = 24): string {
  const share = f.totalMs > 0 ? Math.min(1, f.elapsedMs / f.totalMs) : 1;
  const filled = Math.round(share * width);
  const rate = f.elapsedMs > 0 ? (f.answered / f.elapsedMs) * 1000 : 0;
  return (
    `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(f.elapsedMs / 1000).toFixed(1)}/${(f.totalMs / 1000).toFixed(0)} s` +
    `  clients ${f.clients}/${f.wantedClients}  answered ${f.answered} (${rate.toFixed(0)}/s)` +
    (f.unanswered > 0 ? `  unanswered ${f.unanswered}` : "")
  );
}

/** Redraws one line on `sink` every `intervalMs` until stopped. */
export class ProgressBar {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: ProgressSink,
    private readonly figures: () => ProgressFigures,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sink.write(`\r${progressLine(this.figures())}\x1b[K`), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sink.write(`\r${progressLine(this.figures())}\x1b[K\n`);
  }
}
