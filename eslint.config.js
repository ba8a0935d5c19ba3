// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "**/server/logs/**", "coverage/**", "mygame/**", ".tmp/**", "bench/results/**", "dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // the webclient: plain browser ES modules served as they are
    files: ["evennia-ts/portal/webclient/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        [
          "window", "document", "location", "navigator", "console", "WebSocket", "getComputedStyle",
          "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame",
          "localStorage", "sessionStorage", "Element", "HTMLElement", "HTMLInputElement", "Event",
          "KeyboardEvent", "MouseEvent", "CustomEvent", "URL", "ResizeObserver", "Node", "DOMParser",
          "fetch", "AbortController",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
);
