// The page's entry: load the configuration, then route by the URL's hash (#/, #/restaurants/<id>, #/cart/<id>,
// #/orders/<id>, #/orders, #/kitchen, #/signin, #/signup). A hash router needs no server rewrites, so the same files
// work from the local gateway and from S3 behind CloudFront.

import { loadConfig } from "./config.js";
import { onBusy } from "./api.js";
import * as session from "./session.js";
import { h, clear, loading, showProblem, problemBox } from "./ui.js";
import * as restaurants from "./views/restaurants.js";
import * as menu from "./views/menu.js";
import * as cart from "./views/cart.js";
import * as order from "./views/order.js";
import * as orders from "./views/orders.js";
import * as kitchen from "./views/kitchen.js";
import * as account from "./views/account.js";

const routes = [
  [/^\/$/, restaurants.render, "Restaurants"],
  [/^\/restaurants\/([\w-]+)$/, menu.render, "Menu"],
  [/^\/cart\/([\w-]+)$/, cart.render, "Cart"],
  [/^\/orders$/, orders.render, "My orders"],
  [/^\/orders\/([\w-]+)$/, order.render, "Order"],
  [/^\/kitchen$/, kitchen.render, "Kitchen"],
  [/^\/signin$/, account.renderSignIn, "Sign in"],
  [/^\/signup$/, account.renderSignUp, "Sign up"],
];

let cleanup = null;

export function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, params: new URLSearchParams(search) };
}

async function route() {
  const main = document.getElementById("main");
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const { path, params } = parseHash();
  delete main.dataset.ready; // set again once the view has rendered (tests and assistive tools can wait for it)
  const found = routes.find(([pattern]) => pattern.test(path));
  clear(main);
  if (!found) {
    main.append(h("h1", {}, "Not found"), h("p", {}, "There is no such page. ", h("a", { href: "#/" }, "See the restaurants")));
    return;
  }
  const [pattern, render, title] = found;
  document.title = `${title} · Waiter`;
  main.append(loading());
  try {
    const view = h("div", { class: "view" });
    cleanup = await render(view, { match: path.match(pattern).slice(1), params });
    clear(main).append(view);
  } catch (error) {
    const box = problemBox();
    clear(main).append(h("h1", {}, title), box);
    showProblem(box, error);
  }
  main.dataset.ready = path;
  const heading = main.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function renderNav() {
  const nav = clear(document.getElementById("nav"));
  const s = session.current();
  const link = (href, text) => h("li", {}, h("a", { href }, text));
  nav.append(link("#/", "Restaurants"));
  if (s) {
    nav.append(link("#/orders", "My orders"));
    if (session.isStaff()) nav.append(link("#/kitchen", "Kitchen"));
    nav.append(h("li", {}, h("button", { type: "button", class: "link", id: "sign-out", onclick: account.signOut }, "Sign out")));
  } else {
    nav.append(link("#/signin", "Sign in"), link("#/signup", "Sign up"));
  }
  const who = document.getElementById("whoami");
  who.textContent = s?.profile ? `Signed in as ${s.profile.email}` : "Not signed in";
}

async function boot() {
  const busy = document.getElementById("busy");
  onBusy((on) => {
    busy.textContent = on ? "Loading…" : "";
    document.body.toggleAttribute("data-busy", on);
  });
  try {
    await loadConfig();
  } catch (error) {
    const box = problemBox();
    clear(document.getElementById("main")).append(h("h1", {}, "Waiter cannot start"), box);
    showProblem(box, error);
    return;
  }
  session.onChange(renderNav);
  renderNav();
  window.addEventListener("hashchange", route);
  await route();
}

boot();
