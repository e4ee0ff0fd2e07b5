// The signed-in officer: the bearer token lives in sessionStorage (gone when the tab closes).
import { DIVISIONS } from "./labels.js";

const KEY = "anjian.console.token";
const NOTICE_KEY = "anjian.console.notice";
const CITY = "330500";

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(accessToken) {
  sessionStorage.setItem(KEY, accessToken);
}

/** Forget the token; ``notice`` is shown once on the sign-in page (e.g. why the session ended). */
export function signOut(notice) {
  sessionStorage.removeItem(KEY);
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
}

export function takeNotice() {
  const n = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return n;
}

function decodePart(part) {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The token's claims (not verified here: the services verify every request). */
export function claims() {
  const t = token();
  if (!t) return null;
  try {
    return decodePart(t.split(".")[1]);
  } catch {
    return null;
  }
}

export function isSignedIn() {
  const c = claims();
  return !!c && (!c.exp || c.exp * 1000 > Date.now());
}

export function user() {
  const c = claims() || {};
  return { name: c.sub, role: c.role, division: c.division_code || null, exp: c.exp };
}

export function isAdmin() {
  return user().role === "admin";
}

/** True when the user's scope is the whole city (admin, or an officer scoped to 330500). */
export function citywide() {
  const u = user();
  return u.role === "admin" || !u.division || u.division === CITY;
}

/** The divisions this user may pick in filters, the widest first. */
export function divisionsInScope() {
  if (citywide()) return Object.keys(DIVISIONS);
  const d = user().division;
  return [d];
}

export function defaultDivision() {
  return citywide() ? CITY : user().division;
}

/** Call ``onExpire`` when the token runs out (the page then returns to sign-in). */
let expiryTimer = null;
export function watchExpiry(onExpire) {
  clearTimeout(expiryTimer);
  const { exp } = user();
  if (!exp) return;
  const ms = exp * 1000 - Date.now();
  // setTimeout overflows past ~24.8 days; a shift-long token never gets near it.
  expiryTimer = setTimeout(onExpire, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
}
