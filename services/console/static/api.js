// One way to call the services: through the console's origin, with the operator's credentials.
const TOKEN = "cbec.token", OPERATOR = "cbec.operator";

export const session = {
  get token() { return sessionStorage.getItem(TOKEN) || ""; },
  get operator() { return sessionStorage.getItem(OPERATOR) || ""; },
  signIn(operator, token) { sessionStorage.setItem(OPERATOR, operator); sessionStorage.setItem(TOKEN, token); },
  signOut() { sessionStorage.removeItem(OPERATOR); sessionStorage.removeItem(TOKEN); },
  get signedIn() { return Boolean(this.operator); },
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(describe(status, detail));
    this.status = status;
  }
}

function describe(status, detail) {
  if (status === 401) return `Not signed in, or the token was refused (401): ${detail}. Sign in again.`;
  if (status === 403) return `Your role may not do this (403): ${detail}`;
  return `${status}: ${detail}`;
}

function headers(extra = {}) {
  const h = { Accept: "application/json", ...extra };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  if (session.operator) h["X-Operator"] = session.operator;  // while the services still ask for it
  return h;
}

let onAuthFailure = () => {};
export function whenAuthFails(handler) { onAuthFailure = handler; }

export async function call(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const resp = await fetch(path, init);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!resp.ok) {
    const detail = data && typeof data === "object" && "detail" in data
      ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : String(text || resp.statusText);
    const err = new ApiError(resp.status, detail);
    if (resp.status === 401 || resp.status === 403) onAuthFailure(err);
    throw err;
  }
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body ?? {});

// the names of statuses, one table served by the console (shared/status_names.py)
let names = null;
export async function statusNames() {
  if (!names) names = await get("/console/names");
  return names;
}
