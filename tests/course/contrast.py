"""Text contrast, computed in Chromium for every element with text, hidden ones included.

axe-core's color-contrast rule checks only what is on screen and not clipped: text in a closed
<details>, in a `hidden` element, or inside a scroll box (the wire panel beside a lab) is
"incomplete" to it and passes unreported. The walk found the wire panel's explanations of
WWW-Authenticate, Cache-Control and Location at 1:1 that way. This check reads the colours
the stylesheets give each element (getComputedStyle answers for hidden elements too) and
composes the background from the element up to the page, so no text escapes it.

WCAG 2.1 SC 1.4.3: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold). Not checked,
as WCAG exempts them: disabled controls, text hidden from sight but kept for screen readers
(.visually-hidden clips it), and text over an image or gradient (axe-core judges those).
"""

CONTRAST = r"""
() => {
  const parse = (value) => {
    const m = /^rgba?\(([^)]+)\)$/.exec(value);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => {
    const a = top.a + under.a * (1 - top.a);
    const mix = (k) => (top[k] * top.a + under[k] * under.a * (1 - top.a)) / a;
    return { r: mix("r"), g: mix("g"), b: mix("b"), a };
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The background the text sits on: every layer from the element up, over the white canvas.
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.backgroundImage !== "none") return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a === 1) break;
      }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const exempt = (node) => {
    if (node.closest("svg, script, style, noscript, template, title, option, :disabled")) return true;
    for (let n = node; n; n = n.parentElement) {
      if (getComputedStyle(n).clipPath !== "none") return true;
    }
    return false;
  };
  const name = (node) => {
    const parts = [];
    for (let n = node; n && parts.length < 3 && n !== document.body; n = n.parentElement) {
      parts.unshift(n.id ? `#${n.id}` : n.tagName.toLowerCase() + [...n.classList].map((c) => `.${c}`).join(""));
    }
    return parts.join(" > ");
  };
  const found = new Map();
  for (const node of document.querySelectorAll("body *")) {
    const texts = [...node.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE);
    const own = texts.map((c) => c.textContent).join("").trim();
    if (!own || exempt(node)) continue;
    const style = getComputedStyle(node);
    const fg = parse(style.color);
    const bg = background(node);
    if (!fg || !bg) continue;
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const got = ratio(over(fg, bg), bg);
    if (got + 0.005 < needed) {
      const key = `${name(node)} ${style.color} ${style.backgroundColor}`;
      const under = `rgb(${[bg.r, bg.g, bg.b].map(Math.round).join(", ")})`;
      const said = `"${own.slice(0, 40)}" (${style.color} on ${under})`;
      if (!found.has(key)) found.set(key, `${got.toFixed(2)}:1 < ${needed}:1 at ${name(node)}: ${said}`);
    }
  }
  return [...found.values()];
}
"""


def low_contrast_text(page):
    """One line per element whose text is below its WCAG contrast minimum, on the page as it is now."""
    return [f"contrast {line}" for line in page.evaluate(CONTRAST)]
