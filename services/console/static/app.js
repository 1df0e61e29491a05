// The console's shell: sign-in, the pages and which one shows.
import { get, session, whenAuthFails } from "./api.js";
import { el, say } from "./ui.js";
import * as flows from "./flows.js";
import * as find from "./find.js";
import * as queues from "./queues.js";
import * as pipes from "./pipes.js";
import * as stuck from "./stuck.js";
import * as deadletters from "./deadletters.js";

const PAGES = { flows, find, queues, stuck, deadletters, pipes };
let current = null;

function showPage(name) {
  if (!session.signedIn) { showLogin(); return; }
  const page = PAGES[name] ? name : "flows";
  document.getElementById("login").hidden = true;
  if (current && current !== page) PAGES[current].hide();
  for (const n of Object.keys(PAGES)) document.getElementById(`page-${n}`).hidden = n !== page;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("current", a.dataset.page === page);
  if (current !== page) { current = page; PAGES[page].show(); }
}

function showLogin(message) {
  if (current) PAGES[current].hide();
  current = null;
  for (const n of Object.keys(PAGES)) document.getElementById(`page-${n}`).hidden = true;
  document.getElementById("login").hidden = false;
  document.getElementById("who").replaceChildren();
  if (message) say(message);
}

async function showWho() {
  const me = await get("/console/session");
  const role = me.role ? `${me.role}` : "role not verified";
  document.getElementById("who").replaceChildren(
    el("span", { id: "who-name" }, session.operator), ` · `, el("span", { id: "who-role" }, role),
    me.seesPersonalData ? "" : el("span", { title: "names, telephone and ID numbers are masked for this role" }, " · personal data masked"),
    el("button", { type: "button", class: "secondary", id: "sign-out", onclick: () => { session.signOut(); showLogin(); } }, "sign out"));
}

async function signedIn() {
  try {
    await showWho();
  } catch (err) {
    session.signOut();
    showLogin(err.message);
    return;
  }
  say("");
  showPage(location.hash.slice(1));
}

whenAuthFails((err) => {
  if (err.status === 401) { session.signOut(); showLogin(err.message); } else { say(err.message); }
});

document.getElementById("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  session.signIn(String(form.get("operator")).trim(), String(form.get("token")).trim());
  signedIn();
});

window.addEventListener("hashchange", () => showPage(location.hash.slice(1)));
find.install();
queues.install();
stuck.install();
deadletters.install();
if (session.signedIn) signedIn(); else showLogin();
