// Live order updates over the WebSocket API (docs/realtime.md): connect with the ID token, subscribe to topics,
// receive `subscribed` (a snapshot) and `order` frames. Frames arrive at least once and in no promised order, so
// the highest version seen per order wins and older or equal ones are dropped. A dropped connection reconnects by
// itself with exponential backoff (and jitter) and subscribes again; the snapshot catches up what was missed.

import { config } from "./config.js";
import { freshIdToken } from "./api.js";

const PING_EVERY_MS = 4 * 60 * 1000; // API Gateway closes a connection idle for 10 minutes
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class LiveFeed {
  /**
   * @param {string[]} topics e.g. ["order:<id>"], ["kitchen:<restaurantId>"]
   * @param {(order: object) => void} onOrder called with each order newer than any seen before
   * @param {(state: string, detail?: string) => void} onState "connecting" | "live" | "reconnecting" | "off" | "error"
   */
  constructor(topics, onOrder, onState = () => {}) {
    this.topics = topics;
    this.onOrder = onOrder;
    this.onState = onState;
    this.versions = new Map();
    this.socket = null;
    this.stopped = false;
    this.attempt = 0;
    this.timer = null;
    this.pinger = null;
  }

  /** Remember an order read over REST, so frames older than it are dropped too. */
  seen(order) {
    const known = this.versions.get(order.id) ?? -1;
    if (order.version > known) this.versions.set(order.id, order.version);
  }

  /** Whether `order` is newer than anything seen for its id (and remember it). */
  accept(order) {
    if (!order || typeof order.version !== "number") return false;
    const known = this.versions.get(order.id) ?? -1;
    if (order.version <= known) return false;
    this.versions.set(order.id, order.version);
    return true;
  }

  start() {
    if (!config().webSocketUrl) {
      this.onState("off", "this deployment has no WebSocket URL: refresh the page to see changes");
      return this;
    }
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close(1000, "left the page");
      this.socket = null;
    }
  }

  async connect() {
    this.onState(this.attempt ? "reconnecting" : "connecting");
    let token;
    try {
      token = await freshIdToken();
    } catch {
      token = null;
    }
    if (this.stopped) return;
    if (!token) {
      this.onState("error", "sign in to see live updates");
      return;
    }
    const url = `${config().webSocketUrl}?token=${encodeURIComponent(token)}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      this.retry(String(error));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      for (const topic of this.topics) socket.send(JSON.stringify({ action: "subscribe", topic }));
      clearInterval(this.pinger);
      this.pinger = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('{"action":"ping"}'), PING_EVERY_MS);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      clearInterval(this.pinger);
      if (this.socket === socket) this.socket = null;
      if (!this.stopped) this.retry();
    };
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === "subscribed") {
      this.onState("live");
      for (const order of (frame.snapshot || []).slice().reverse()) if (this.accept(order)) this.onOrder(order);
    } else if (frame.type === "order") {
      if (this.accept(frame.order)) this.onOrder(frame.order);
    } else if (frame.type === "error") {
      this.onState("error", `${frame.title}: ${frame.detail}`);
    }
  }

  retry() {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt += 1;
    this.onState("reconnecting", `reconnecting in ${Math.round(delay / 100) / 10} s`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/** A small status line for a feed: role="status", so screen readers hear "live" / "reconnecting". */
export function liveBadge() {
  const el = document.createElement("p");
  el.className = "live-badge";
  el.setAttribute("role", "status");
  el.dataset.state = "connecting";
  el.textContent = "Live updates: connecting…";
  const update = (state, detail) => {
    el.dataset.state = state;
    const words = { connecting: "connecting…", live: "on", reconnecting: "reconnecting…", off: "off", error: "problem" };
    el.textContent = `Live updates: ${words[state] || state}${detail ? ` (${detail})` : ""}`;
  };
  return { el, update };
}
