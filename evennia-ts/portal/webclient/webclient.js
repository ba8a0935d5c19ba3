/**
 * evennia-ts webclient: plain browser ES modules (no build step, nothing from a CDN,
 * no inline script, no `eval`, no `innerHTML`: it runs under `script-src 'self'`).
 *
 * Talks to the portal in JSON triples `[cmdname, args, kwargs]`, both ways, over the
 * websocket `/ws` of the page's own origin, or, when that cannot connect (two tries
 * that never opened), over comet: long polling of `POST /webclientdata` (comet.js).
 * - `text` and `prompt` arrive as HTML the portal rendered (escaped text, colour
 *   classes, `<br>`, `a.mxplink` links); the client copies only allowed elements
 *   into the page (output.js). `text` with `kwargs.type === "channel"` goes to the
 *   Channels tab; everything else to Main.
 * - `echo` with `kwargs.hidden` (or `args[0] === true`) turns the input into a password
 *   field (input.js).
 * - `error` (a frame the portal refused) is shown; every other cmdname goes to the
 *   handlers registered with `window.evennia.on(cmdname, fn)` (vitals.js handles
 *   `char_vitals`), or to the console when none is.
 * - `logged_in` makes it ask for the account's `webclient_options` (the scrollback cap is
 *   kept there, and in this browser's localStorage).
 * - Enter sends `["text", [line], {}]`; clicking a command link sends its `data-command`.
 *   On connect (and when the window is resized) the screen size goes out as
 *   `["client_options", [], {screenwidth, screenheight}]`.
 * The connection comes back by itself after a drop (back-off 1 s doubling to 30 s);
 * a normal close by the server (quit, shutdown) waits for the Reconnect button or Enter.
 * The connection state is shown in the top bar and told to screen readers.
 */
import { CometTransport } from "./comet.js";
import { CommandLine, maskLoginLine } from "./input.js";
import { OutputPane, Tabs, clampScrollback, htmlBlock, loadScrollback, safeFragment, saveScrollback, textBlock } from "./output.js";

/** First and largest wait before reconnecting, in ms. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30000;
/** Websocket close code of a normal close (quit, kick, shutdown): no automatic reconnect. */
const CLOSE_NORMAL = 1000;
/** Websocket attempts that never opened before the client switches to comet. */
const WEBSOCKET_TRIES = 2;

// ---- page elements ----

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const output = byId("output");
const promptArea = byId("prompt");
const input = /** @type {HTMLInputElement} */ (byId("input"));
const statusBox = byId("status");
const statusText = byId("status-text");
const statusAnnounce = byId("status-announce");
const reconnectButton = /** @type {HTMLButtonElement} */ (byId("reconnect"));
const scrollbackInput = /** @type {HTMLInputElement} */ (byId("scrollback"));

// ---- output panes ----

let scrollback = loadScrollback();
/** True once the server said this connection logged in (`logged_in`). */
let loggedIn = false;
scrollbackInput.value = String(scrollback);
const panes = {
  main: new OutputPane(output, () => scrollback),
  channels: new OutputPane(byId("channel-output"), () => scrollback),
};
const tabs = new Tabs(byId("tabs"), input);

/** Use scrollback cap `value` (clamped), remember it in this browser, and with `share` on the account too. */
function setScrollback(value, share) {
  scrollback = clampScrollback(value);
  scrollbackInput.value = String(scrollback);
  saveScrollback(scrollback);
  for (const pane of Object.values(panes)) pane.trim();
  if (share && loggedIn) send("webclient_options", [], { scrollback });
}

scrollbackInput.addEventListener("change", () => setScrollback(Number(scrollbackInput.value), true));

/** Append `block` to pane `key` ("main" or "channels"); it counts as unread there unless `unread` is false. */
function show(block, key = "main", unread = true) {
  const pane = panes[key] ?? panes.main;
  pane.append(block);
  if (unread) tabs.noteOutput(key in panes ? key : "main");
}

/** Show a line of the client's own (plain text) in the Main pane. */
function showSystem(text, className = "system") {
  show(textBlock(text, className));
}

// ---- connection state ----

/** @type {"connecting" | "connected" | "reconnecting" | "disconnected"} */
let state = "connecting";
/** @type {"websocket" | "comet" | ""} */
let transportKind = "";
let announced = "";

const STATE_WORDS = {
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  disconnected: "Disconnected",
};

/** Show the state (and its transport) in the top bar; tell screen readers when it changes. */
function setState(next, text, kind = "") {
  state = next;
  transportKind = kind;
  statusBox.dataset.state = next;
  statusBox.dataset.transport = kind;
  statusText.textContent = text;
  reconnectButton.hidden = next === "connected" || next === "connecting";
  const spoken = `${STATE_WORDS[next]}${kind ? ` over ${kind}` : ""}`;
  if (spoken !== announced) {
    announced = spoken;
    statusAnnounce.textContent = spoken;
  }
}

// ---- transports ----

/**
 * The open or opening connection.
 * @type {{ kind: string, isOpen: boolean, send: (triple: unknown[]) => boolean, close: () => void } | null}
 */
let transport = null;
let useComet = typeof WebSocket === "undefined";
let websocketEverOpened = false;
let websocketFailures = 0;
let everConnected = false;
let reconnectDelay = RECONNECT_FIRST_MS;
/** @type {ReturnType<typeof setTimeout> | null} */
let reconnectTimer = null;
/** @type {ReturnType<typeof setInterval> | null} */
let countdownTimer = null;

function clearReconnectTimers() {
  if (reconnectTimer) clearTimeout(reconnectTimer);
  if (countdownTimer) clearInterval(countdownTimer);
  reconnectTimer = null;
  countdownTimer = null;
}

/** Open a connection now (cancelling a scheduled one); nothing when one is open or opening. */
function connect() {
  clearReconnectTimers();
  if (transport) return;
  setState(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  if (useComet) connectComet();
  else connectWebSocket();
}

function websocketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

function connectWebSocket() {
  let ws;
  try {
    ws = new WebSocket(websocketUrl());
  } catch (err) {
    console.error("evennia webclient: cannot open the websocket", err);
    websocketNeverOpened();
    return;
  }
  let opened = false;
  const current = {
    kind: "websocket",
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send(triple) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(triple));
      return true;
    },
    close() {
      ws.close(CLOSE_NORMAL);
    },
  };
  transport = current;
  ws.addEventListener("open", () => {
    if (transport !== current) return;
    opened = true;
    websocketEverOpened = true;
    connected(current);
  });
  ws.addEventListener("message", (event) => {
    if (transport === current) onFrame(event.data);
  });
  ws.addEventListener("close", (event) => {
    if (transport !== current) return;
    transport = null;
    if (!opened) websocketNeverOpened();
    else if (event.code === CLOSE_NORMAL) closedByServer();
    else lost();
  });
}

/** A websocket attempt failed before it opened: try again, or switch to comet. */
function websocketNeverOpened() {
  websocketFailures++;
  if (!websocketEverOpened && websocketFailures >= WEBSOCKET_TRIES) {
    useComet = true;
    showSystem("The websocket cannot connect; using comet (long polling) instead.");
    connect();
    return;
  }
  scheduleReconnect();
}

function connectComet() {
  const current = new CometTransport({
    onOpen: () => {
      if (transport === current) connected(current);
    },
    onMessage: (message) => {
      if (transport === current) onMessage(message);
    },
    onClosed: () => {
      if (transport !== current) return;
      transport = null;
      closedByServer();
    },
    onLost: (reason) => {
      if (transport !== current) return;
      transport = null;
      console.warn(`evennia webclient: the comet session ended: ${reason}`);
      lost();
    },
  });
  transport = current;
  void current.start();
}

/** A transport opened. */
function connected(current) {
  loggedIn = false; // until the server says so (a new connection starts at the login screen)
  if (everConnected) showSystem("Reconnected.");
  everConnected = true;
  reconnectDelay = RECONNECT_FIRST_MS;
  setState("connected", `connected (${current.kind})`, current.kind);
  commandLine.setHidden(false);
  lastSize = "";
  sendScreenSize();
}

/** The server closed the connection on purpose (quit, shutdown): wait for the player. */
function closedByServer() {
  commandLine.setHidden(false);
  setState("disconnected", "disconnected");
  showSystem("The connection was closed. Press Enter or Reconnect to connect again.");
}

/** The connection dropped: say so (once) and come back by itself. */
function lost() {
  commandLine.setHidden(false);
  if (everConnected && reconnectDelay === RECONNECT_FIRST_MS) showSystem("The connection was lost.");
  scheduleReconnect();
}

/** Reconnect after the current back-off, showing a countdown; the back-off doubles. */
function scheduleReconnect() {
  clearReconnectTimers();
  const delay = reconnectDelay;
  reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  const due = Date.now() + delay;
  const update = () => setState("reconnecting", `reconnecting in ${Math.max(1, Math.ceil((due - Date.now()) / 1000))} s…`);
  update();
  countdownTimer = setInterval(update, 1000);
  reconnectTimer = setTimeout(connect, delay);
}

/**
 * Send one message; false when not connected.
 * @param {string} cmdname
 * @param {unknown[]} [args]
 * @param {Record<string, unknown>} [kwargs]
 */
function send(cmdname, args = [], kwargs = {}) {
  if (!transport || !transport.isOpen) return false;
  return transport.send([cmdname, args, kwargs]);
}

// ---- incoming messages ----

/** @type {Map<string, Set<(args: unknown[], kwargs: Record<string, unknown>) => void>>} */
const handlers = new Map();

/** Handle one websocket frame (JSON text). */
function onFrame(data) {
  let message;
  try {
    message = JSON.parse(String(data));
  } catch {
    console.warn("evennia webclient: a frame that is not JSON", data);
    return;
  }
  onMessage(message);
}

/** Handle one message triple from the portal (any transport). */
function onMessage(message) {
  if (!Array.isArray(message) || typeof message[0] !== "string") {
    console.warn("evennia webclient: a message that is not [cmdname, args, kwargs]", message);
    return;
  }
  const [cmdname] = message;
  const args = Array.isArray(message[1]) ? message[1] : [];
  const kwargs = message[2] && typeof message[2] === "object" && !Array.isArray(message[2]) ? message[2] : {};
  let handled = true;
  switch (cmdname) {
    case "text":
      if (typeof args[0] === "string") show(htmlBlock(args[0], kwargs.type), kwargs.type === "channel" ? "channels" : "main");
      break;
    case "prompt":
      promptArea.replaceChildren(safeFragment(typeof args[0] === "string" ? args[0] : ""));
      break;
    case "echo":
      commandLine.setHidden(kwargs.hidden === true || args[0] === true);
      break;
    case "error":
      showSystem(String(args[0] ?? "error"), "error");
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

/** Columns and rows of monospace characters that fit the Main output; null while it is hidden. */
function screenSize() {
  if (output.clientWidth === 0) return null;
  const probe = document.createElement("span");
  probe.textContent = "M".repeat(100);
  probe.className = "measure";
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
  if (!size) return;
  const key = `${size.screenwidth}x${size.screenheight}`;
  if (key === lastSize) return;
  if (send("client_options", [], size)) lastSize = key;
}

window.addEventListener("resize", () => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(sendScreenSize, 300);
});

// ---- input ----

/** Send a command line as the player typed it; false when not connected. */
function sendCommand(line, hidden = commandLine.hidden) {
  if (!send("text", [line], {})) {
    showSystem("Not connected.", "error");
    if (state === "disconnected" || state === "reconnecting") {
      reconnectDelay = RECONNECT_FIRST_MS;
      connect();
    }
    return false;
  }
  if (!hidden) show(textBlock(maskLoginLine(line), "echo"), "main", false);
  panes.main.scrollToBottom();
  return true;
}

const commandLine = new CommandLine(/** @type {HTMLFormElement} */ (byId("inputform")), input, sendCommand);

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
for (const area of [output, byId("channel-output"), promptArea]) area.addEventListener("click", onOutputClick);

reconnectButton.addEventListener("click", () => {
  reconnectDelay = RECONNECT_FIRST_MS;
  connect();
  input.focus();
});

// a comet session is closed on leaving (a websocket closes with the page by itself);
// a page the browser brings back from its back/forward cache connects again
window.addEventListener("pagehide", () => {
  if (transport?.kind !== "comet") return;
  const leaving = transport;
  transport = null;
  leaving.close();
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted && !transport) {
    reconnectDelay = RECONNECT_FIRST_MS;
    connect();
  }
});

// ---- the plugin API ----

/**
 * `window.evennia`, for plugins (OOB panels and the like; see docs/webclient.md):
 * - `on(cmdname, fn)`: call `fn(args, kwargs)` for each message `cmdname` (a cmdname
 *   someone listens to is no longer logged to the console); returns a function that
 *   stops listening. `off(cmdname, fn)` does the same.
 * - `send(cmdname, args, kwargs)`: send a message to the server; false when not connected.
 * - `print(text, {pane})`: show plain text in the "main" (default) or "channels" pane.
 * - `state` ("connecting", "connected", "reconnecting", "disconnected") and
 *   `transport` ("websocket", "comet" or "" when not connected).
 */
const api = Object.freeze({
  on(cmdname, fn) {
    if (!handlers.has(cmdname)) handlers.set(cmdname, new Set());
    handlers.get(cmdname).add(fn);
    return () => api.off(cmdname, fn);
  },
  off(cmdname, fn) {
    handlers.get(cmdname)?.delete(fn);
  },
  send,
  print(text, { pane = "main" } = {}) {
    show(textBlock(String(text), "plugin"), pane);
  },
  get state() {
    return state;
  },
  get transport() {
    return state === "connected" ? transportKind : "";
  },
});
window.evennia = api;

// ---- the account's webclient options ----
// Once logged in (the server's `logged_in`), the client asks for the options saved on the
// account (`webclient_options`) and is sent them again whenever another browser changes
// them; the scrollback cap chosen here is saved there too, so it follows the player.
api.on("logged_in", () => {
  loggedIn = true;
  send("webclient_options", [], {});
});
api.on("webclient_options", (_args, kwargs) => {
  if (typeof kwargs.scrollback === "number" && kwargs.scrollback !== scrollback) setScrollback(kwargs.scrollback, false);
});
/** The earlier name of the same API. */
window.evenniaWebclient = api;

// ---- start ----

input.focus();
// after every module script (vitals.js, the game's plugins.js) has registered its handlers
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect, { once: true });
else connect();
