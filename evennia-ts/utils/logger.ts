/**
 * A small levelled logger. Each process writes lines to stdout/stderr; the launcher
 * redirects them into `server/logs/*.log` when running as a daemon.
 */

/** Log levels, most verbose first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go; tests may replace it to capture output. */
export type LogSink = (level: LogLevel, line: string) => void;

const defaultSink: LogSink = (level, line) => {
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
};

let sink: LogSink = defaultSink;
let threshold: LogLevel = (process.env.EVENNIA_LOG_LEVEL as LogLevel | undefined) ?? "info";

/** Replace the sink (returns the previous one). */
export function setLogSink(next: LogSink): LogSink {
  const prev = sink;
  sink = next;
  return prev;
}

/** Set the minimum level that is written. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** A logger that prefixes every line with a component name. */
export class Logger {
  constructor(readonly component: string) {}

  /** Write one line at `level`; extra values are appended (errors with their stack). */
  log(level: LogLevel, message: string, ...extra: unknown[]): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[threshold]) return;
    const parts = [new Date().toISOString(), `[${level.toUpperCase()}]`, `[${this.component}]`, message];
    for (const value of extra) {
      if (value instanceof Error) parts.push(value.stack ?? value.message);
      else if (value !== undefined) parts.push(typeof value === "string" ? value : safeJson(value));
    }
    sink(level, parts.join(" "));
  }
  debug(message: string, ...extra: unknown[]): void {
    this.log("debug", message, ...extra);
  }
  info(message: string, ...extra: unknown[]): void {
    this.log("info", message, ...extra);
  }
  warn(message: string, ...extra: unknown[]): void {
    this.log("warn", message, ...extra);
  }
  error(message: string, ...extra: unknown[]): void {
    this.log("error", message, ...extra);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Get a logger for a component, e.g. `getLogger("portal")`. */
export function getLogger(component: string): Logger {
  return new Logger(component);
}
