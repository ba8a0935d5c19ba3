/** Small text helpers shared by the editor and its commands. */

/** Width of the editor's header, footer and help (Evennia's default client width). */
export const EDITOR_WIDTH = 78;

/** The longest buffer an edit may make (pasting a buffer into itself doubles it each time). */
export const EDITOR_MAX_BUFFER_LENGTH = 200_000;

/** Show markup literally (`|r` as typed, not as red). */
export function escapeMarkup(text: string): string {
  return text.replaceAll("|", "||");
}
