/**
 * `loadtest --answers FILE`: every measured answer as one CSV row (when it was sent,
 * profile, command, first byte and answer in ms), written as the run goes. With the
 * wall-clock times a slow moment lines up with the game's logs (the stall watchdog's
 * lines, a collection) and with what the other players were doing.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { EvenniaError } from "../../utils/errors.ts";
import type { AnswerRecord } from "./run-stats.ts";

/** The CSV's header line. */
export const ANSWER_LOG_HEADER = "sent_at,profile,command,first_byte_ms,answered_ms";

/** A field quoted when it has a comma, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One answer as a CSV line (without its line break). */
export function answerRow(a: AnswerRecord): string {
  return [new Date(a.sentAt).toISOString(), a.profile, csvField(a.command), a.firstByteMs.toFixed(3), a.completeMs.toFixed(3)].join(",");
}

/** An open answer log. */
export interface AnswerLog {
  write(answer: AnswerRecord): void;
  /** Flush and close; rejects when the file could not be written. */
  close(): Promise<void>;
}

/** Open (create or truncate) `file` and write the header; fails at once when the file cannot be created. */
export async function openAnswerLog(file: string): Promise<AnswerLog> {
  const stream: WriteStream = createWriteStream(file);
  let failure: Error | null = null;
  stream.on("error", (err) => {
    failure ??= err;
  });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err) => reject(new EvenniaError("EV_ERR_BAD_INPUT", `--answers: cannot write ${file}: ${err.message}`)));
  });
  stream.write(`${ANSWER_LOG_HEADER}\n`);
  return {
    write(answer) {
      if (failure === null) stream.write(`${answerRow(answer)}\n`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end((err?: Error | null) => {
          const why = failure ?? err;
          if (why) reject(new EvenniaError("EV_ERR_BAD_INPUT", `--answers: writing ${file} failed: ${why.message}`));
          else resolve();
        });
      }),
  };
}
