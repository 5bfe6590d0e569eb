// Who is signed in: the tokens of POST /v1/auth/login and the profile of GET /v1/me, kept in sessionStorage (one
// browser tab, one person: a customer and the kitchen can be signed in side by side in two tabs). Signing out
// revokes the refresh tokens at the API and removes everything stored here.

const KEY = "waiter.session";
const listeners = new Set();

function read() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function current() {
  return read();
}

export function idToken() {
  return read()?.idToken || null;
}

export function save(tokens, profile) {
  const before = read() || {};
  const session = {
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    // a refresh answers without a new refresh token: keep the one from the sign-in
    refreshToken: tokens.refreshToken || before.refreshToken || null,
    expiresAt: Date.now() + (tokens.expiresIn || 3600) * 1000,
    profile: profile || before.profile || null,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notify();
  return session;
}

export function setProfile(profile) {
  const session = read();
  if (!session) return;
  session.profile = profile;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notify();
}

export function clear() {
  sessionStorage.removeItem(KEY);
  // checkout attempts belong to the person who made them
  for (const name of Object.keys(sessionStorage)) {
    if (name.startsWith("waiter.")) sessionStorage.removeItem(name);
  }
  notify();
}

export function roles() {
  return read()?.profile?.roles || [];
}

export function isStaff() {
  const r = roles();
  return r.includes("staff") || r.includes("admins");
}

export function staffRestaurants() {
  return read()?.profile?.restaurants || [];
}

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener(read());
}
