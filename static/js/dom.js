// The one DOM helper the page scripts share: build an element with attributes and children.
// (Text children are appended as text, never parsed as HTML: nothing a server echoes can inject.)

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
