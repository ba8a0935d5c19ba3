/**
 * The built-in vitals bar, a plugin on the public API (`window.evennia`), fed by the
 * OOB message `char_vitals`: its kwargs hold the values, a key with a `<key>max`
 * partner becomes a bar (`{hp: 7, hpmax: 10}` → "HP 7/10"), any other number or
 * short text is shown as it is (`{level: 3}` → "Level 3"). A message updates the
 * keys it names and keeps the others; `null` removes a key. Each bar is a
 * `role="meter"` with its label and "7 of 10" as its spoken value.
 *
 * Server side: `session.msg({ char_vitals: [[], { hp: 7, hpmax: 10 }] })`.
 */

/** Readable names of the common keys; others are shown capitalised. */
const LABELS = { hp: "HP", mp: "MP", sp: "SP", ep: "EP", xp: "XP" };
/** Most keys shown (a game cannot flood the bar). */
const MAX_KEYS = 12;
const SAFE_KEY = /^[a-z][a-z0-9_]{0,23}$/i;

const panel = /** @type {HTMLElement} */ (document.getElementById("vitals"));
/** @type {Map<string, number | string>} */
const values = new Map();

function labelOf(key) {
  return LABELS[key.toLowerCase()] ?? key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, " ");
}

/** A value the bar can show: a finite number or a short text. */
function showable(value) {
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "string" && value.length <= 40;
}

/** One bar: label, meter with a fill, and the numbers. */
function bar(key, value, max) {
  const item = document.createElement("span");
  item.className = "vital";
  item.dataset.key = key;
  const label = document.createElement("span");
  label.className = "vital-label";
  label.id = `vital-${key}`;
  label.textContent = labelOf(key);
  const meter = document.createElement("span");
  meter.className = "vital-meter";
  meter.setAttribute("role", "meter");
  meter.setAttribute("aria-labelledby", label.id);
  meter.setAttribute("aria-valuemin", "0");
  meter.setAttribute("aria-valuemax", String(max));
  meter.setAttribute("aria-valuenow", String(Math.max(0, Math.min(value, max))));
  meter.setAttribute("aria-valuetext", `${value} of ${max}`);
  const fill = document.createElement("span");
  fill.className = "vital-fill";
  const share = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  if (share <= 0.25) fill.dataset.low = "true";
  meter.appendChild(fill);
  const numbers = document.createElement("span");
  numbers.className = "vital-numbers";
  numbers.setAttribute("aria-hidden", "true");
  numbers.textContent = `${value}/${max}`;
  item.append(label, meter, numbers);
  return item;
}

/** A plain value: "Level 3". */
function plainValue(key, value) {
  const item = document.createElement("span");
  item.className = "vital vital-plain";
  item.dataset.key = key;
  item.textContent = `${labelOf(key)} ${value}`;
  return item;
}

function render() {
  const items = [];
  for (const [key, value] of values) {
    if (key.endsWith("max") && values.has(key.slice(0, -3))) continue;
    const max = values.get(`${key}max`);
    if (typeof value === "number" && typeof max === "number") items.push(bar(key, value, max));
    else items.push(plainValue(key, value));
  }
  panel.replaceChildren(...items);
  panel.hidden = items.length === 0;
}

window.evennia.on("char_vitals", (_args, kwargs) => {
  for (const [key, value] of Object.entries(kwargs)) {
    if (!SAFE_KEY.test(key)) continue;
    if (value === null) values.delete(key);
    else if (showable(value) && (values.has(key) || values.size < MAX_KEYS)) values.set(key, value);
  }
  render();
});
