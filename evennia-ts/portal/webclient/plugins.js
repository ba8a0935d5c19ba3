/**
 * The game's webclient plugins. The framework's copy adds nothing: a game puts its own
 * `plugins.js` in `web/webclient/` (it replaces this file) and uses `window.evennia`
 * there, for example:
 *
 * ```js
 * window.evennia.on("weather", (args, kwargs) => {
 *   window.evennia.print(`The sky turns ${kwargs.sky}.`);
 * });
 * // ask for it from a command link or a button of your own: send() is false until connected
 * document.getElementById("weather-button")?.addEventListener("click", () => window.evennia.send("get_weather"));
 * ```
 *
 * It may import other files of the same folder (`import "./map.js";`). See docs/webclient.md.
 */
export {};
