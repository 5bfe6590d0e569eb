// The deployment's settings, generated next to the page: `config.json` is written by the local gateway (`make dev`)
// and by `make deploy` from the stack's outputs. Nothing here is a secret.
//
// {
//   "apiUrl": "https://abc.execute-api.eu-west-1.amazonaws.com/prod",   // the REST API's base (routes are /v1/...)
//   "webSocketUrl": "wss://def.execute-api.eu-west-1.amazonaws.com/prod",
//   "local": false,                                  // true only for the local stack
//   "demoAccounts": [{"email": "...", "password": "...", "role": "customers"}],   // local stack only
//   "payments": {"provider": "local" | "stripe", "publishableKey": "pk_..."}
// }

let loaded = null;

export async function loadConfig() {
  if (loaded) return loaded;
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status})`);
  const raw = await response.json();
  loaded = Object.freeze({
    apiUrl: String(raw.apiUrl || "").replace(/\/+$/, ""),
    webSocketUrl: raw.webSocketUrl ? String(raw.webSocketUrl).replace(/\/+$/, "") : "",
    local: raw.local === true,
    demoAccounts: raw.local === true && Array.isArray(raw.demoAccounts) ? raw.demoAccounts : [],
    payments: raw.payments || { provider: raw.local === true ? "local" : "none" },
  });
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("loadConfig() has not run");
  return loaded;
}
