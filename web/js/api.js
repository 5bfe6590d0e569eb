// The one way the page talks to the REST API: JSON in and out, the caller's ID token, RFC 9457 problems turned into
// ApiError (title, detail and the fields they name), one token refresh on a 401, and a count of requests in flight
// that drives the page's loading indicator.

import { config } from "./config.js";
import * as session from "./session.js";

export class ApiError extends Error {
  constructor(problem, status) {
    // a problem+json document; the local payment provider answers in its provider's shape, {"error": {"message"}}
    const provider = problem.error && typeof problem.error === "object" ? problem.error : null;
    super(problem.detail || provider?.message || problem.title || `HTTP ${status}`);
    this.status = status;
    this.type = problem.type || "about:blank";
    this.title = problem.title || (provider ? "The payment provider refused this" : `HTTP ${status}`);
    this.detail = problem.detail || provider?.message || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.requestId || null;
    this.problem = problem;
  }
}

let inFlight = 0;
const busyListeners = new Set();

export function onBusy(listener) {
  busyListeners.add(listener);
}

function setInFlight(delta) {
  inFlight += delta;
  for (const listener of busyListeners) listener(inFlight > 0);
}

async function parse(response) {
  if (response.status === 204 || response.status === 304) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { title: `HTTP ${response.status}`, detail: text.slice(0, 300) };
  }
}

async function send(method, path, { body, headers = {}, auth = true } = {}) {
  const all = { Accept: "application/json, application/problem+json", ...headers };
  const token = auth ? session.idToken() : null;
  if (token) all.Authorization = `Bearer ${token}`;
  if (body !== undefined) all["Content-Type"] = "application/json";
  try {
    return await fetch(config().apiUrl + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
      mode: "cors",
      credentials: "omit", // bearer tokens, never cookies
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(
      { title: "The API could not be reached", detail: `${method} ${path}: ${error.message || error}. Check the connection and try again.` },
      0,
    );
  }
}

let refreshing = null;

async function refreshTokens() {
  const refreshToken = session.current()?.refreshToken;
  if (!refreshToken) return false;
  refreshing ||= (async () => {
    const response = await send("POST", "/v1/auth/refresh", { body: { refreshToken }, auth: false });
    if (!response.ok) return false;
    session.save(await parse(response));
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** A valid ID token for a new WebSocket connection: refreshed first when it expires within a minute. */
export async function freshIdToken() {
  const current = session.current();
  if (!current) return null;
  if (current.expiresAt && current.expiresAt - Date.now() < 60_000) await refreshTokens();
  return session.idToken();
}

/** One request; resolves to {status, data, headers} for a 2xx or 304, throws ApiError otherwise. */
export async function request(method, path, options = {}) {
  setInFlight(+1);
  try {
    let response = await send(method, path, options);
    if (response.status === 401 && options.auth !== false && session.idToken() && (await refreshTokens())) {
      response = await send(method, path, options);
    }
    const data = await parse(response);
    if (!response.ok && response.status !== 304) {
      if (response.status === 401 && options.auth !== false) session.clear();
      throw new ApiError(data || {}, response.status);
    }
    return { status: response.status, data, headers: response.headers };
  } finally {
    setInFlight(-1);
  }
}

export const get = (path, options) => request("GET", path, options).then((r) => r.data);
export const post = (path, body, options = {}) => request("POST", path, { ...options, body }).then((r) => r.data);
export const put = (path, body, options = {}) => request("PUT", path, { ...options, body }).then((r) => r.data);
export const patch = (path, body, options = {}) => request("PATCH", path, { ...options, body }).then((r) => r.data);
export const del = (path, options) => request("DELETE", path, options).then((r) => r.data);

export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

export const enc = encodeURIComponent;
