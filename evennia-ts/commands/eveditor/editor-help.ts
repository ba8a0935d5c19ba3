/**
 * The editor's `:h` text: every `:`-command, the code-mode ones in code mode, and
 * what `<l>`, `<w>` and `<txt>` mean.
 */

const COMMANDS = `
 <txt>  - anything that is not a command is added as a new last line.
 :  <l> - show the buffer, or only line(s) <l>
 :: <l> - show the buffer (or line(s) <l>) raw: no line numbers, no colours
 :::    - add a line holding only ':'
 :h     - this help.

 :w     - save the buffer (and stay in the editor)
 :wq    - save the buffer and quit
 :q     - quit (if there are unsaved changes you are asked whether to save)
 :q!    - quit without saving, no questions asked

 :u     - undo: one step back in the undo history
 :uu    - redo: one step forward in the undo history
 :UU    - reset: every change undone, back to the text you started with

 :dd <l>     - delete the last line, or line(s) <l>
 :dw <l> <w> - delete word (or regular expression) <w> in the buffer or on line(s) <l>
 :DD         - clear the whole buffer

 :y  <l>        - yank (copy) line(s) <l> to the copy buffer
 :x  <l>        - cut line(s) <l> to the copy buffer
 :p  <l>        - put (paste) the copy buffer just before line <l>
 :i  <l> <txt>  - insert <txt> as a new line <l>; the old line moves down
 :r  <l> <txt>  - replace line(s) <l> with <txt>
 :I  <l> <txt>  - insert <txt> at the beginning of line(s) <l>
 :A  <l> <txt>  - append <txt> at the end of line(s) <l>

 :s <l> <w> <txt> - search and replace word (or regex) <w> with <txt>, in the
                    buffer or on line(s) <l>

 :j <l> <a> = <w> - justify the buffer or line(s) <l>: <a> is f(ull), c(enter),
                    l(eft) or r(ight), <w> the width; both optional (left, 78)
 :f <l> = <w>     - flood-fill (rewrap) the buffer or line(s) <l> to width <w>
                    (default 78): the same as :j <l> l
 :fi <l>    - indent the buffer or line(s) <l> by four spaces
 :fd <l>    - remove the left margin (dedent) of the buffer or line(s) <l>

 :echo - turn the echo of what you type on or off (some clients echo already)
`;

const CODE_COMMANDS = ` :!    - run the buffer (without saving it)
 :<    - one level less of automatic indentation for the next lines
 :>    - one level more of automatic indentation for the next lines
 :=    - turn automatic indentation off or on
`;

const LEGEND = `
    Legend:
    <l>   - a line number, like '5', or a range, like '3:7' ('3:' to the end)
    <w>   - one word, or several words in quotes
    <txt> - longer text, usually without quotes
`;

/** The help text, framed by lines of `sep` as wide as `width`. */
export function editorHelp(codeMode: boolean, width: number, sep = "-"): string {
  return sep.repeat(width) + COMMANDS + (codeMode ? CODE_COMMANDS : "") + LEGEND + sep.repeat(width);
}
