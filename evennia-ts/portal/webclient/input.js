/**
 * The webclient's command line: the history (Up / Down, the line being typed kept
 * as a draft), password mode (`echo` with `hidden`: what is typed is neither shown
 * back nor kept), and passwords typed on a `connect` / `create` line masked.
 */

/** Most commands kept in the input history. */
const MAX_HISTORY = 500;

/** `connect`/`create` (and their aliases) followed by a name and a password. */
const LOGIN_LINE = /^(\s*(?:connect|conn|con|co|create|cre|cr)\s+(?:"[^"]*"|'[^']*'|\S+))(\s+)(\S.*)$/i;

/**
 * The line as the webclient shows it back: a password typed on a `connect` or
 * `create` line is masked (`connect Anna ********`).
 * @param {string} line
 */
export function maskLoginLine(line) {
  const m = LOGIN_LINE.exec(line);
  return m ? `${m[1]}${m[2]}${"*".repeat(8)}` : line;
}

/** The command line and its history. */
export class CommandLine {
  /**
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(line: string, hidden: boolean) => boolean} submit sends a line; false when it could not
   */
  constructor(form, input, submit) {
    this.input = input;
    /** @type {string[]} */
    this.history = [];
    this.position = 0;
    this.draft = "";
    this.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const line = input.value;
      if (!submit(line, this.hidden)) return;
      this.remember(line);
      input.value = "";
    });
    input.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Password mode: what is typed is not shown, echoed or kept in the history. */
  setHidden(on) {
    this.hidden = on;
    this.input.type = on ? "password" : "text";
    this.input.placeholder = on ? "(hidden input)" : "Type a command and press Enter";
  }

  /** Keep `line` in the history (not a hidden one, a password line, an empty one or a repeat). */
  remember(line) {
    const history = this.history;
    if (!this.hidden && !LOGIN_LINE.test(line) && line.trim() !== "" && history[history.length - 1] !== line) {
      history.push(line);
      if (history.length > MAX_HISTORY) history.shift();
    }
    this.position = history.length;
    this.draft = "";
  }

  onKey(event) {
    if (this.hidden || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const input = this.input;
    if (event.key === "ArrowUp" && this.position > 0) {
      if (this.position === this.history.length) this.draft = input.value;
      this.position--;
      input.value = this.history[this.position];
    } else if (event.key === "ArrowDown" && this.position < this.history.length) {
      this.position++;
      input.value = this.position === this.history.length ? this.draft : this.history[this.position];
    } else {
      return;
    }
    event.preventDefault();
    const end = input.value.length;
    input.setSelectionRange(end, end);
  }
}
