/**
 * The webclient's output: server HTML turned into safe DOM nodes, the tabbed output
 * panes ("Main" and "Channels") with unread counts and the scrollback cap.
 *
 * The portal already escapes every character the game sends and renders markup to a
 * few known elements (`span.color-NNN`, `br`, `a.mxplink`). The client does not trust
 * that alone: server HTML is parsed in an inert document (`DOMParser`: no script
 * runs, no image loads there) and only an allow-list of elements and attributes is
 * copied into the page. Nothing is ever assigned to `innerHTML`.
 */

/** Default and bounds of the scrollback cap, in lines per pane. */
export const DEFAULT_SCROLLBACK = 2000;
const MIN_SCROLLBACK = 100;
const MAX_SCROLLBACK = 100000;
const SCROLLBACK_KEY = "evennia.scrollback";

// ---- safe HTML ----

/** Elements copied from server HTML; anything else is dropped, its text kept. */
const ALLOWED_ELEMENTS = new Set(["SPAN", "BR", "A", "B", "I", "U", "STRONG", "EM"]);
/** Elements dropped together with their content. */
const DROPPED_WITH_CONTENT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "NOSCRIPT", "TITLE", "HEAD"]);
/** A class token the stylesheets (palette.css, webclient.css) may style. */
const SAFE_CLASS = /^[A-Za-z][A-Za-z0-9_-]{0,40}$/;

/** True for an `href` a link may keep: http(s) or the in-page `#`. */
function isSafeHref(href) {
  if (href === "#") return true;
  try {
    const url = new URL(href, location.href);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Copy the allowed part of `from`'s children into `to` (nodes of this document). */
function copyAllowed(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(node.nodeValue ?? ""));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = node.tagName;
    if (DROPPED_WITH_CONTENT.has(tag)) continue;
    if (!ALLOWED_ELEMENTS.has(tag)) {
      copyAllowed(node, to);
      continue;
    }
    const copy = document.createElement(tag.toLowerCase());
    const classes = (node.getAttribute("class") ?? "").split(/\s+/).filter((c) => SAFE_CLASS.test(c));
    if (classes.length) copy.className = classes.join(" ");
    if (tag === "A") {
      const command = node.getAttribute("data-command");
      const href = node.getAttribute("href") ?? "#";
      if (command !== null) {
        copy.setAttribute("href", "#");
        copy.setAttribute("data-command", command);
      } else if (isSafeHref(href)) {
        copy.setAttribute("href", href);
        if (href !== "#") {
          copy.setAttribute("target", "_blank");
          copy.setAttribute("rel", "noopener noreferrer");
        }
      }
    }
    copyAllowed(node, copy);
    to.appendChild(copy);
  }
}

/**
 * Server HTML as a fragment of safe nodes of this document.
 * @param {string} html
 * @returns {DocumentFragment}
 */
export function safeFragment(html) {
  const inert = new DOMParser().parseFromString(`<!doctype html><body>${html}`, "text/html");
  const fragment = document.createDocumentFragment();
  copyAllowed(inert.body, fragment);
  return fragment;
}

// ---- scrollback setting ----

/** The scrollback cap the player chose (kept in localStorage), or the default. */
export function loadScrollback() {
  let stored = null;
  try {
    stored = localStorage.getItem(SCROLLBACK_KEY);
  } catch {
    // storage blocked (privacy mode): the default applies
  }
  return clampScrollback(Number(stored ?? DEFAULT_SCROLLBACK));
}

/** `value` within the allowed range (the default when it is not a number). */
export function clampScrollback(value) {
  if (!Number.isFinite(value)) return DEFAULT_SCROLLBACK;
  return Math.max(MIN_SCROLLBACK, Math.min(MAX_SCROLLBACK, Math.round(value)));
}

/** Remember the scrollback cap. */
export function saveScrollback(value) {
  try {
    localStorage.setItem(SCROLLBACK_KEY, String(value));
  } catch {
    // not kept across visits; it still applies now
  }
}

// ---- panes ----

/** One scrolling output area (a `role="log"` element) with its scrollback cap. */
export class OutputPane {
  /**
   * @param {HTMLElement} log the output element
   * @param {() => number} scrollback the current cap, in lines
   */
  constructor(log, scrollback) {
    this.log = log;
    this.scrollback = scrollback;
    /** Lines held by the blocks in the pane. */
    this.lines = 0;
    /** True while the view follows new output (the player has not scrolled up). */
    this.follow = true;
    log.addEventListener("scroll", () => {
      this.follow = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    });
    // a resized window or a prompt appearing keeps the last line in view
    new ResizeObserver(() => {
      if (this.follow) this.scrollToBottom();
    }).observe(log);
  }

  scrollToBottom() {
    this.log.scrollTop = this.log.scrollHeight;
    this.follow = true;
  }

  /** Append one block (a `div.msg`); the oldest go when the pane holds more lines than the cap. */
  append(block) {
    const lines = 1 + block.querySelectorAll("br").length + ((block.textContent ?? "").match(/\n/g)?.length ?? 0);
    block.dataset.lines = String(lines);
    this.log.appendChild(block);
    this.lines += lines;
    this.trim();
    if (this.follow) this.scrollToBottom();
  }

  /** Remove the oldest blocks until the pane is within the cap (the newest block always stays). */
  trim() {
    const cap = this.scrollback();
    while (this.lines > cap && this.log.childElementCount > 1) {
      const first = /** @type {HTMLElement} */ (this.log.firstElementChild);
      this.lines -= Number(first.dataset.lines ?? 1);
      first.remove();
    }
  }
}

/** A block of server HTML (safe nodes only). */
export function htmlBlock(html, type) {
  const block = document.createElement("div");
  block.className = "msg";
  if (typeof type === "string" && SAFE_CLASS.test(type)) block.dataset.type = type;
  // a message is a block of its own: one trailing line break would be an empty line
  block.appendChild(safeFragment(html.replace(/<br>$/, "")));
  return block;
}

/** A block of plain text (inserted as text, never as HTML). */
export function textBlock(text, className) {
  const block = document.createElement("div");
  block.className = `msg ${className}`;
  block.textContent = text;
  return block;
}

/**
 * The tab strip over the panes (WAI-ARIA tabs: arrow keys, Home and End move between
 * tabs; a click returns focus to the command line). A pane that gets output while
 * its tab is not selected counts it as unread.
 */
export class Tabs {
  /**
   * @param {HTMLElement} tablist the `role="tablist"` element
   * @param {HTMLElement} input the command line, which keeps the focus
   */
  constructor(tablist, input) {
    this.tabs = /** @type {HTMLButtonElement[]} */ ([...tablist.querySelectorAll('[role="tab"]')]);
    this.input = input;
    /** @type {Map<string, number>} */
    this.unread = new Map();
    for (const tab of this.tabs) {
      tab.addEventListener("click", (event) => {
        this.select(tab.dataset.pane ?? "main");
        // a mouse click (detail > 0) gives the focus back to the command line
        if (event.detail > 0) input.focus();
      });
      tab.addEventListener("keydown", (event) => this.onKey(event, tab));
    }
  }

  /** The key of the selected pane. */
  get selected() {
    return this.tabs.find((t) => t.getAttribute("aria-selected") === "true")?.dataset.pane ?? "main";
  }

  /** Show pane `key` and clear its unread count. */
  select(key) {
    for (const tab of this.tabs) {
      const on = tab.dataset.pane === key;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const pane = document.getElementById(tab.getAttribute("aria-controls") ?? "");
      if (pane) pane.hidden = !on;
    }
    this.setUnread(key, 0);
  }

  /** Count one more message in pane `key` unless it is showing. */
  noteOutput(key) {
    if (key !== this.selected) this.setUnread(key, (this.unread.get(key) ?? 0) + 1);
  }

  setUnread(key, count) {
    this.unread.set(key, count);
    const tab = this.tabs.find((t) => t.dataset.pane === key);
    if (!tab) return;
    const badge = /** @type {HTMLElement} */ (tab.querySelector(".unread"));
    badge.hidden = count === 0;
    badge.textContent = count > 0 ? String(count) : "";
    const name = tab.firstChild?.nodeValue ?? key;
    if (count > 0) tab.setAttribute("aria-label", `${name}, ${count} unread`);
    else tab.removeAttribute("aria-label");
  }

  onKey(event, tab) {
    const i = this.tabs.indexOf(tab);
    let next = -1;
    if (event.key === "ArrowRight") next = (i + 1) % this.tabs.length;
    else if (event.key === "ArrowLeft") next = (i - 1 + this.tabs.length) % this.tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    this.select(this.tabs[next].dataset.pane ?? "main");
    this.tabs[next].focus();
  }
}
