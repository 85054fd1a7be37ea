// The small DOM helpers every page script shares, defined once: find an element, set its text,
// listen for clicks, build an element. (Text is always set as text, never parsed as HTML:
// nothing a server echoes can inject.)

// The first element that matches a CSS selector, or null.
export const $ = (selector) => document.querySelector(selector);

// Set an element's text, if the page has that element.
export function text(selector, value) {
  const node = $(selector);
  if (node) node.textContent = value;
}

// Call handler(node) when any element that matches is clicked.
export function on(selector, handler) {
  for (const node of document.querySelectorAll(selector)) node.addEventListener("click", () => handler(node));
}

// Build an element with attributes and children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// The address of one of the app's own paths ("/jwt/login"). Served under a mount point (a
// classroom sandbox's /s/<key>), every path lives below it; base.html writes that prefix
// (Flask's request.script_root, empty at the root) into <html data-root>. A script that
// fetched "/jwt/login" as written would leave its sandbox for another party's, or for none.
export const url = (path) => `${document.documentElement.dataset.root || ""}${path}`;
