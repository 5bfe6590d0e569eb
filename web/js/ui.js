// Small DOM helpers shared by the views: building elements, showing a problem in words, busy buttons, money.

import { ApiError } from "./api.js";

/** h("button", {class: "primary", onclick: fn}, "Text", child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** el.append(...) that flattens arrays and leaves out null, undefined and false (optional parts of a view). */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// ISO 4217 minor units, as the backend formats them (JPY has none). Intl knows them too; this is the display only:
// every amount shown comes from the API.
const formats = new Map();
export function money(amount, currency) {
  if (amount === null || amount === undefined || !currency) return "";
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en", { style: "currency", currency });
    formats.set(currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(amount / 10 ** digits);
}

export function time(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { hour: "2-digit", minute: "2-digit", day: "numeric", month: "short" });
}

/** A field of a problem ("body.options.0.choiceIds", "query.city") as a person reads it. */
export function fieldLabel(field) {
  return String(field || "")
    .replace(/^(body|query|path|header)\./, "")
    .replace(/\.(\d+)\./g, " $1 ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/**
 * Show an error in `box` (an element with role="alert"): the problem's title and detail, and each field it names;
 * inputs of `form` whose data-field matches a named field are marked invalid and described by the message.
 */
export function showProblem(box, error, form) {
  clear(box);
  box.hidden = false;
  if (form) {
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of form.querySelectorAll(".field-error")) el.remove();
  }
  if (!(error instanceof ApiError)) {
    box.append(h("p", { class: "problem-title" }, "Something went wrong"), h("p", {}, String(error?.message || error)));
    console.error(error);
    return;
  }
  box.dataset.status = String(error.status);
  // a validation failure's detail repeats its field list: say it once
  const repeated = error.errors.length && error.errors.some((e) => error.detail.includes(e.message));
  append(box, h("p", { class: "problem-title" }, error.title), error.detail && !repeated ? h("p", { class: "problem-detail" }, error.detail) : null);
  if (error.errors.length) {
    box.append(
      h("ul", { class: "problem-fields" },
        error.errors.map((e) => h("li", { dataset: { field: e.field } }, h("strong", {}, fieldLabel(e.field)), ": ", e.message)),
      ),
    );
  }
  if (form) {
    for (const e of error.errors) {
      const name = String(e.field).replace(/^(body|query|header)\./, "");
      const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!input) continue;
      input.setAttribute("aria-invalid", "true");
      const note = h("span", { class: "field-error", id: `err-${Math.random().toString(36).slice(2)}` }, e.message);
      input.after(note);
      input.setAttribute("aria-describedby", note.id);
    }
  }
  box.focus?.();
}

export function hideProblem(box) {
  clear(box);
  box.hidden = true;
}

export function problemBox() {
  return h("div", { class: "problem", role: "alert", tabindex: "-1", hidden: true });
}

/** Run `work` with `button` disabled and marked busy; a second click while it runs does nothing. */
export async function busy(button, work) {
  if (button.getAttribute("aria-busy") === "true") return undefined;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

/** A placeholder shown while a view loads its data. */
export function loading(text = "Loading…") {
  return h("p", { class: "loading", role: "status" }, text);
}

export function statusLabel(status) {
  return String(status || "").replaceAll("_", " ").toLowerCase();
}
