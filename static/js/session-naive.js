// The naive twin's page shows what any script on it can read: its cookie has no HttpOnly.
import { $ } from "./dom.js";

const out = $("[data-naive-cookies]");
if (out) out.textContent = document.cookie || "(nothing: no readable cookies)";
