import { describe, expect, it } from "vitest";
import { escapeHtml, renderHtml } from "../../../evennia-ts/portal/text/html.ts";

describe("renderHtml: escaping", () => {
  it.each([
    ["<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"],
    ['a & "b" <i>', "a &amp; &quot;b&quot; &lt;i&gt;"],
    ["&lt; stays text", "&amp;lt; stays text"],
    ["|r<b>bold?</b>", '<span class="color-009">&lt;b&gt;bold?&lt;/b&gt;</span>'],
    ['<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"],
    ["\x1b[31mred\x1b[0m\x00", "red"],
  ])("%j", (markup, expected) => {
    expect(renderHtml(markup)).toBe(expected);
  });

  it("escapes link targets and never links to non-http URLs", () => {
    expect(renderHtml('|lc"><script>x|ltclick|le')).toBe(
      '<a class="mxplink" href="#" data-command="&quot;&gt;&lt;script&gt;x">click</a>',
    );
    expect(renderHtml("|lujavascript:alert(1)|ltclick|le")).toBe("click");
    expect(renderHtml('|luhttp://a.b/"onmouseover="x|ltclick|le')).toBe("click");
    expect(renderHtml("|luhttps://example.com/?a=1&b=2|lt|rsite|le")).toBe(
      '<a class="mxplink" href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">' +
        '<span class="color-009">site</span></a>',
    );
  });

  it("escapeHtml covers the five special characters", () => {
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });
});

describe("renderHtml: styles", () => {
  it.each([
    ["plain", "plain"],
    ["|rA|nB", '<span class="color-009">A</span>B'],
    ["|RX", '<span class="color-001">X</span>'],
    ["|hX", '<span class="color-015">X</span>'],
    ["|WX", "X"],
    ["|[RX", '<span class="bgcolor-001">X</span>'],
    ["|[rX", '<span class="bgcolor-196">X</span>'],
    ["|500X", '<span class="color-196">X</span>'],
    ["|=aX", '<span class="color-016">X</span>'],
    ["|[=mX", '<span class="bgcolor-243">X</span>'],
    ["|#ff0000X", '<span style="color: #ff0000">X</span>'],
    ["|[#00ff00|rX", '<span class="color-009" style="background-color: #00ff00">X</span>'],
    ["|*X", '<span class="color-000 bgcolor-007">X</span>'],
    ["|r|[B|*X", '<span class="color-004 bgcolor-009">X</span>'],
    ["|#ff0000|*X", '<span class="color-000" style="background-color: #ff0000">X</span>'],
    ["|u|i|s|^X", '<span class="underline italic strikethrough blink">X</span>'],
    ["|rA|gB", '<span class="color-009">A</span><span class="color-010">B</span>'],
    ["|rA|!RB", '<span class="color-009">AB</span>'],
    ["|rA|/B", '<span class="color-009">A<br>B</span>'],
    ["a\r\nb\rc\nd", "a<br>bc<br>d"],
    ["a\r|/b", "a<br>b"],
    ["a\tb|-c", "a    b    c"],
    ["|r", ""],
    ["||r |q", "|r |q"],
  ])("%j", (markup, expected) => {
    expect(renderHtml(markup)).toBe(expected);
  });
});
