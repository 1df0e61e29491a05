// Stuck lists: lists not in an end state that have not changed for longer than a threshold,
// by status, oldest first (management's GET /lists/stuck); a row opens the list's timeline.
import { get, statusNames } from "./api.js";
import { ago, el, fill, onPagerStep, pager, say, when } from "./ui.js";
import * as find from "./find.js";

const SIZE = 20;
let offset = 0;

async function refresh() {
  try {
    const names = await statusNames();
    const select = document.getElementById("stuck-status");
    if (select.options.length <= 1) {
      for (const [status, meaning] of Object.entries(names.listStatuses)) select.append(el("option", { value: status }, `${status} ${meaning}`));
    }
    const form = new FormData(document.getElementById("stuck-filter"));
    const params = new URLSearchParams({ offset, limit: SIZE, olderThanMinutes: form.get("olderThanMinutes") || "0" });
    if (form.get("status")) params.set("status", form.get("status"));
    const page = await get(`/api/management/lists/stuck?${params}`);
    document.getElementById("stuck-total").textContent = String(page.total);
    pager(document.querySelector(".pager[data-queue=stuck]"), { offset, limit: SIZE, total: page.total }, page.items.length);
    fill(document.querySelector("#stuck tbody"), page.items.map((l) =>
      el("tr", { class: "clickable", "data-cop-no": l.cop_no, "data-status": l.status, onclick: () => find.open("copNo", l.cop_no) },
        el("td", {}, l.cop_no), el("td", {}, l.invt_no || ""), el("td", {}, l.agent_code),
        el("td", {}, el("span", { class: "status" }, `${l.status} ${names.listStatuses[l.status] || ""}`.trim())),
        el("td", {}, l.waiting_for || ""), el("td", { class: "count waiting" }, ago(l.waiting_s)), el("td", {}, when(l.updated_at)))),
      "no list has been stuck that long");
  } catch (err) {
    say(err.message);
  }
}

export function install() {
  onPagerStep(document.querySelector(".pager[data-queue=stuck]"), (step) => { offset = Math.max(0, offset + step * SIZE); refresh(); });
  document.getElementById("stuck-filter").addEventListener("submit", (ev) => { ev.preventDefault(); offset = 0; refresh(); });
  document.getElementById("stuck-filter").addEventListener("change", () => { offset = 0; refresh(); });
}

export function show() { refresh(); }
export function hide() {}
