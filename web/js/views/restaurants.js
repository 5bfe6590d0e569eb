// The restaurants: city and cuisine filters and paging, all in the URL (#/?city=Berlin&cuisine=pizza&cursor=...),
// so the browser's back button is the "previous page".

import * as api from "../api.js";
import { h, append, money, time } from "../ui.js";

const PAGE_SIZE = 20; // the API's default; #/?limit=N asks for another page size (1-100)

function openLine(r) {
  if (!r.acceptingOrders) return h("span", { class: "tag warn" }, `Paused${r.pauseReason ? `: ${r.pauseReason}` : ""}`);
  if (!r.openNow) return h("span", { class: "tag warn" }, `Closed${r.nextOpensAt ? `, opens ${time(r.nextOpensAt)}` : ""}`);
  return h("span", { class: "tag ok" }, "Open now");
}

export async function render(root, { params }) {
  const city = params.get("city") || "";
  const cuisine = params.get("cuisine") || "";
  const cursor = params.get("cursor") || "";
  const limit = params.get("limit") || PAGE_SIZE;
  const page = await api.get(`/v1/restaurants${api.query({ city, cuisine, cursor, limit })}`);

  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter restaurants" },
    h("div", { class: "field" }, h("label", { for: "f-city" }, "City"),
      h("input", { id: "f-city", name: "city", value: city, placeholder: "e.g. Berlin", dataset: { field: "city" } })),
    h("div", { class: "field" }, h("label", { for: "f-cuisine" }, "Cuisine"),
      h("input", { id: "f-cuisine", name: "cuisine", value: cuisine, placeholder: "e.g. pizza", dataset: { field: "cuisine" } })),
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/${api.query({ city: form.elements.city.value.trim(), cuisine: form.elements.cuisine.value.trim().toLowerCase(), limit: params.get("limit") })}`;
  });

  const list = h("ul", { class: "cards", "aria-label": "Restaurants" },
    page.items.map((r) => h("li", { class: "card restaurant" },
      h("h2", {}, h("a", { href: `#/restaurants/${r.id}` }, r.name)),
      h("p", { class: "muted" }, `${r.city} · ${r.cuisines.join(", ")}`),
      h("p", {}, r.description),
      h("p", {}, openLine(r), " ",
        h("span", { class: "muted" }, `Delivery ${money(r.deliveryFee, r.currency)} · minimum ${money(r.minimumOrder, r.currency)}`)),
    )),
  );
  const pager = h("nav", { class: "pager", "aria-label": "Pages" },
    cursor ? h("button", { type: "button", class: "secondary", onclick: () => history.back() }, "Previous page") : null,
    page.nextCursor
      ? h("a", { class: "button secondary", href: `#/${api.query({ city, cuisine, limit: params.get("limit"), cursor: page.nextCursor })}` }, "Next page")
      : null,
  );
  append(root, 
    h("h1", {}, "Restaurants"),
    form,
    page.items.length ? list : h("p", { role: "status" }, "No restaurant matches these filters."),
    pager,
  );
}
