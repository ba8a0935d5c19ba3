/**
 * evennia-ts webclient: a plain browser ES module (no build step).
 *
 * Talks to the portal's websocket (`/ws` of the page's own origin) in JSON triples
 * `[cmdname, args, kwargs]`, both ways:
 * - `text` and `prompt` arrive as HTML the portal rendered (escaped text, colour classes,
 *   `<br>`, `a.mxplink` links); `kwargs.raw_text` is the same text plain and is never
 *   inserted as HTML.
 * - `echo` with `kwargs.hidden` (or `args[0] === true`) hides what is typed (passwords),
 *   as telnet's ECHO does: the input becomes a password field, and the line is
 *   neither shown back nor kept in the history. A password typed on a
 *   `connect`/`create` line is shown back masked and not kept in the history either.
 * - `error` (a frame the portal refused) is shown; every other message is logged to the
 *   console unless a handler was registered with `window.evenniaWebclient.on(cmdname, fn)`.
 * - Enter sends `["text", [line], {}]`; clicking a command link sends its `data-command`.
 *   On connect (and when the window is resized) the screen size goes out as
 *   `["client_options", [], {screenwidth, screenheight}]`.
 * The connection comes back by itself after a drop (back-off 1 s doubling to 30 s);
 * a normal close by the server (quit, shutdown) waits for the Reconnect button or Enter.
 */

/** Most output blocks kept; older ones are removed from the top. */
const MAX_BLOCKS = 5000;
/** Most commands kept in the input history. */
const MAX_HISTORY = 500;
/** First and largest wait before reconnecting, in ms. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30000;
/** Websocket close code of a normal close (quit, kick, shutdown): no automatic reconnect. */
const CLOSE_NORMAL = 1000;

/** The 16 ANSI colours (0–7 normal, 8–15 bright), tuned for a dark background. */
const ANSI_COLORS = [
  "#000000", "#cd3131", "#0dbc79", "#d7ba0d", "#2f7fd8", "#bc3fbc", "#11a8cd", "#d0d0d0",
  "#6e7681", "#f14c4c", "#23d18b", "#f5f543", "#5fafff", "#d670d6", "#29d7f0", "#ffffff",
];

/** The hex colour of xterm-256 palette entry `index`. */
function xtermColor(index) {
  if (index < 16) return ANSI_COLORS[index];
  const hex = (n) => n.toString(16).padStart(2, "0");
  if (index < 232) {
    const levels = [0, 95, 135, 175, 215, 255];
    const i = index - 16;
    return `#${hex(levels[Math.floor(i / 36)])}${hex(levels[Math.floor(i / 6) % 6])}${hex(levels[i % 6])}`;
  }
  const grey = 8 + (index - 232) * 10;
  return `#${hex(grey)}${hex(grey)}${hex(grey)}`;
}

/** Add the `color-NNN` / `bgcolor-NNN` rules, before the stylesheets so those can override them. */
function installPalette() {
  if (document.getElementById("xterm-palette")) return;
  const rules = [];
  for (let i = 0; i < 256; i++) {
    const n = String(i).padStart(3, "0");
    const c = xtermColor(i);
    rules.push(`.color-${n}{color:${c}}`, `.bgcolor-${n}{background-color:${c}}`);
  }
  const style = document.createElement("style");
  style.id = "xterm-palette";
  style.textContent = rules.join("\n");
  document.head.insertBefore(style, document.head.querySelector("link[rel=stylesheet]") ?? document.head.firstChild);
}

// ---- page elements ----

const output = /** @type {HTMLElement} */ (document.getElementById("output"));
const promptArea = /** @type {HTMLElement} */ (document.getElementById("prompt"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("inputform"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("input"));
const statusBox = /** @type {HTMLElement} */ (document.getElementById("status"));
const statusText = /** @type {HTMLElement} */ (document.getElementById("status-text"));
const reconnectButton = /** @type {HTMLButtonElement} */ (document.getElementById("reconnect"));

// ---- output ----

/** True while the view follows new output (the player has not scrolled up). */
let followOutput = true;

function isScrolledToBottom() {
  return output.scrollHeight - output.scrollTop - output.clientHeight < 40;
}

function scrollToBottom() {
  output.scrollTop = output.scrollHeight;
  followOutput = true;
}

output.addEventListener("scroll", () => {
  followOutput = isScrolledToBottom();
});
// a resized window or a prompt appearing keeps the last line in view
new ResizeObserver(() => {
  if (followOutput) scrollToBottom();
}).observe(output);

/** Append one block; it keeps the view at the bottom if it was there. */
function appendBlock(block) {
  output.appendChild(block);
  while (output.childElementCount > MAX_BLOCKS) output.firstElementChild?.remove();
  if (followOutput) scrollToBottom();
}

/** Show HTML the portal rendered (already escaped by the server). */
function appendServerHtml(html, type) {
  const block = document.createElement("div");
  block.className = "msg";
  if (typeof type === "string" && type) block.dataset.type = type;
  // a message is a block of its own: one trailing line break would be an empty line
  block.innerHTML = html.replace(/<br>$/, "");
  appendBlock(block);
}

/** Show plain text (inserted as text, never as HTML). */
function appendPlain(text, className) {
  const block = document.createElement("div");
  block.className = `msg ${className}`;
  block.textContent = text;
  appendBlock(block);
}

// ---- connection status ----

/** @type {"connecting" | "connected" | "disconnected" | "reconnecting"} */
let state = "connecting";

function setStatus(next, text) {
  state = next;
  statusBox.dataset.state = next;
  statusText.textContent = text;
  reconnectButton.hidden = next === "connected" || next === "connecting";
}

// ---- the websocket ----

/** @type {WebSocket | null} */
let socket = null;
let reconnectDelay = RECONNECT_FIRST_MS;
/** @type {ReturnType<typeof setTimeout> | null} */
let reconnectTimer = null;
/** @type {ReturnType<typeof setInterval> | null} */
let countdownTimer = null;
let everConnected = false;
/** @type {Map<string, Set<(args: unknown[], kwargs: Record<string, unknown>) => void>>} */
const handlers = new Map();

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

function clearReconnectTimers() {
  if (reconnectTimer) clearTimeout(reconnectTimer);
  if (countdownTimer) clearInterval(countdownTimer);
  reconnectTimer = null;
  countdownTimer = null;
}

/** Open a connection now (closing any timer waiting to do so). */
function connect() {
  clearReconnectTimers();
  if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
  setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  let ws;
  try {
    ws = new WebSocket(socketUrl());
  } catch (err) {
    console.error("evennia webclient: cannot open the websocket", err);
    scheduleReconnect();
    return;
  }
  socket = ws;
  ws.addEventListener("open", () => {
    if (socket !== ws) return;
    if (everConnected) appendPlain("Reconnected.", "system");
    everConnected = true;
    reconnectDelay = RECONNECT_FIRST_MS;
    setStatus("connected", "connected");
    setHidden(false);
    lastSize = "";
    sendScreenSize();
  });
  ws.addEventListener("message", (event) => {
    if (socket === ws) onFrame(event.data);
  });
  ws.addEventListener("close", (event) => {
    if (socket !== ws) return;
    socket = null;
    setHidden(false);
    if (event.code === CLOSE_NORMAL) {
      setStatus("disconnected", "disconnected");
      appendPlain("The connection was closed. Press Enter or Reconnect to connect again.", "system");
    } else {
      if (everConnected && reconnectDelay === RECONNECT_FIRST_MS) appendPlain("The connection was lost.", "system");
      scheduleReconnect();
    }
  });
}

/** Reconnect after the current back-off, showing a countdown; the back-off doubles. */
function scheduleReconnect() {
  clearReconnectTimers();
  const delay = reconnectDelay;
  reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  const due = Date.now() + delay;
  const show = () => setStatus("reconnecting", `reconnecting in ${Math.max(1, Math.ceil((due - Date.now()) / 1000))} s…`);
  show();
  countdownTimer = setInterval(show, 1000);
  reconnectTimer = setTimeout(connect, delay);
}

/**
 * Send one message; false when not connected.
 * @param {string} cmdname
 * @param {unknown[]} [args]
 * @param {Record<string, unknown>} [kwargs]
 */
function send(cmdname, args = [], kwargs = {}) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify([cmdname, args, kwargs]));
  return true;
}

/** Handle one frame from the portal. */
function onFrame(data) {
  let message;
  try {
    message = JSON.parse(String(data));
  } catch {
    console.warn("evennia webclient: a frame that is not JSON", data);
    return;
  }
  if (!Array.isArray(message) || typeof message[0] !== "string") {
    console.warn("evennia webclient: a frame that is not [cmdname, args, kwargs]", message);
    return;
  }
  const [cmdname] = message;
  const args = Array.isArray(message[1]) ? message[1] : [];
  const kwargs = message[2] && typeof message[2] === "object" && !Array.isArray(message[2]) ? message[2] : {};
  let handled = true;
  switch (cmdname) {
    case "text":
      if (typeof args[0] === "string") appendServerHtml(args[0], kwargs.type);
      break;
    case "prompt":
      promptArea.innerHTML = typeof args[0] === "string" ? args[0] : "";
      break;
    case "echo":
      setHidden(kwargs.hidden === true || args[0] === true);
      break;
    case "error":
      appendPlain(String(args[0] ?? "error"), "error");
      console.warn("evennia webclient: the portal refused a message:", args[0]);
      break;
    default:
      handled = false;
  }
  const listeners = handlers.get(cmdname);
  if (listeners && listeners.size > 0) {
    for (const fn of listeners) {
      try {
        fn(args, kwargs);
      } catch (err) {
        console.error(`evennia webclient: a "${cmdname}" handler failed`, err);
      }
    }
  } else if (!handled) {
    console.info(`evennia webclient: OOB "${cmdname}"`, args, kwargs);
  }
}

// ---- screen size ----

let lastSize = "";
/** @type {ReturnType<typeof setTimeout> | null} */
let resizeTimer = null;

/** Columns and rows of monospace characters that fit the output area. */
function screenSize() {
  const probe = document.createElement("span");
  probe.textContent = "M".repeat(100);
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;left:-9999px;top:0";
  output.appendChild(probe);
  const charWidth = probe.getBoundingClientRect().width / 100 || 8;
  probe.remove();
  const style = getComputedStyle(output);
  const lineHeight = parseFloat(style.lineHeight) || 1.35 * parseFloat(style.fontSize) || 20;
  const width = output.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const height = output.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {
    screenwidth: Math.max(20, Math.min(400, Math.floor(width / charWidth))),
    screenheight: Math.max(5, Math.min(200, Math.floor(height / lineHeight))),
  };
}

/** Tell the server the screen size if it changed. */
function sendScreenSize() {
  const size = screenSize();
  const key = `${size.screenwidth}x${size.screenheight}`;
  if (key === lastSize) return;
  if (send("client_options", [], size)) lastSize = key;
}

window.addEventListener("resize", () => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(sendScreenSize, 300);
});

// ---- input ----

/** @type {string[]} */
const history = [];
let historyPos = 0;
let draft = "";
let hidden = false;

/** Password mode: what is typed is not shown, echoed or kept in the history. */
function setHidden(on) {
  hidden = on;
  input.type = on ? "password" : "text";
  input.placeholder = on ? "(hidden input)" : "Type a command and press Enter";
}

/** `connect`/`create` (and their aliases) followed by a name and a password. */
const LOGIN_LINE = /^(\s*(?:connect|conn|con|co|create|cre|cr)\s+(?:"[^"]*"|'[^']*'|\S+))(\s+)(\S.*)$/i;

/**
 * The line as the webclient shows it back: a password typed on a `connect` or
 * `create` line is masked (`connect Anna ********`).
 * @param {string} line
 */
function maskLoginLine(line) {
  const m = LOGIN_LINE.exec(line);
  return m ? `${m[1]}${m[2]}${"*".repeat(8)}` : line;
}

/** True for a line that carries a password (never kept in the history). */
function isLoginLine(line) {
  return LOGIN_LINE.test(line);
}

/** Send a command line as the player typed it. */
function sendCommand(line) {
  if (!send("text", [line], {})) {
    appendPlain("Not connected.", "error");
    if (state === "disconnected" || state === "reconnecting") connect();
    return false;
  }
  if (!hidden) appendPlain(maskLoginLine(line), "echo");
  scrollToBottom();
  return true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const line = input.value;
  if (!sendCommand(line)) return;
  if (!hidden && !isLoginLine(line) && line.trim() !== "" && history[history.length - 1] !== line) {
    history.push(line);
    if (history.length > MAX_HISTORY) history.shift();
  }
  historyPos = history.length;
  draft = "";
  input.value = "";
});

input.addEventListener("keydown", (event) => {
  if (hidden || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key === "ArrowUp" && historyPos > 0) {
    if (historyPos === history.length) draft = input.value;
    historyPos--;
    input.value = history[historyPos];
  } else if (event.key === "ArrowDown" && historyPos < history.length) {
    historyPos++;
    input.value = historyPos === history.length ? draft : history[historyPos];
  } else {
    return;
  }
  event.preventDefault();
  const end = input.value.length;
  input.setSelectionRange(end, end);
});

/** Clicking a command link sends its command; a click elsewhere in the output focuses the input. */
function onOutputClick(event) {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest("a.mxplink[data-command]");
  if (link) {
    event.preventDefault();
    sendCommand(link.getAttribute("data-command") ?? "");
    input.focus();
    return;
  }
  if (!target?.closest("a") && !window.getSelection()?.toString()) input.focus();
}
output.addEventListener("click", onOutputClick);
promptArea.addEventListener("click", onOutputClick);

reconnectButton.addEventListener("click", () => {
  reconnectDelay = RECONNECT_FIRST_MS;
  connect();
  input.focus();
});

// ---- start ----

/**
 * For plugins (OOB panels and the like): send messages and listen to a cmdname.
 * A listened-to cmdname is no longer logged to the console.
 */
window.evenniaWebclient = {
  send,
  on(cmdname, fn) {
    if (!handlers.has(cmdname)) handlers.set(cmdname, new Set());
    handlers.get(cmdname).add(fn);
  },
  off(cmdname, fn) {
    handlers.get(cmdname)?.delete(fn);
  },
  get state() {
    return state;
  },
};

installPalette();
connect();
input.focus();
