// My orders, newest first, with paging, kept current over the WebSocket (topic my-orders).

import * as api from "../api.js";
import * as session from "../session.js";
import { LiveFeed, liveBadge } from "../live.js";
import { h, append, money, time, statusLabel } from "../ui.js";

export async function render(root, { params }) {
  if (!session.idToken()) {
    location.hash = `#/signin?next=${encodeURIComponent("/orders")}`;
    return undefined;
  }
  const cursor = params.get("cursor") || "";
  const page = await api.get(`/v1/orders${api.query({ cursor, limit: 20 })}`);
  const badge = liveBadge();
  const rows = new Map();
  const row = (o) => h("li", { class: "card", dataset: { order: o.id } },
    h("a", { href: `#/orders/${o.id}` }, `Order ${o.id.slice(0, 8)}`), " · ",
    h("strong", { class: "status" }, statusLabel(o.status)), ` · ${money(o.total, o.currency)} · ${time(o.createdAt)}`);
  const list = h("ul", { class: "cards", "aria-label": "My orders" });
  for (const o of page.items) {
    const el = row(o);
    rows.set(o.id, el);
    list.append(el);
  }
  const feed = new LiveFeed(["my-orders"], (o) => {
    const el = row(o);
    const old = rows.get(o.id);
    if (old) old.replaceWith(el);
    else if (!cursor) list.prepend(el);
    rows.set(o.id, el);
  }, badge.update);
  page.items.forEach((o) => feed.seen(o));
  feed.start();
  append(root, 
    h("h1", {}, "My orders"),
    badge.el,
    page.items.length ? list : h("p", { role: "status" }, "No orders yet. ", h("a", { href: "#/" }, "Find a restaurant")),
    h("nav", { class: "pager", "aria-label": "Pages" },
      cursor ? h("button", { type: "button", class: "secondary", onclick: () => history.back() }, "Newer orders") : null,
      page.nextCursor ? h("a", { class: "button secondary", href: `#/orders${api.query({ cursor: page.nextCursor })}` }, "Older orders") : null),
  );
  return () => feed.stop();
}
