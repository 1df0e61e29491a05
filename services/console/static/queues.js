// Work queues: inspections (B2B first) with their results, applications with approve/refuse.
// The API takes a limit, not an offset: a page is the slice of the first (page + 1) × SIZE + 1.
import { get, post, statusNames } from "./api.js";
import { el, fill, say, when } from "./ui.js";

const SIZE = 10;
const pages = { inspections: 0, applications: 0 };

async function load(queue) {
  const page = pages[queue];
  const rows = await get(`/api/management/${queue}?limit=${(page + 1) * SIZE + 1}`);
  const shown = rows.slice(page * SIZE, (page + 1) * SIZE);
  const pager = document.querySelector(`.pager[data-queue=${queue}]`);
  pager.querySelector("span").textContent = `page ${page + 1}` + (shown.length ? ` (${page * SIZE + 1}–${page * SIZE + shown.length})` : "");
  pager.querySelector("[data-step='-1']").disabled = page === 0;
  pager.querySelector("[data-step='1']").disabled = rows.length <= (page + 1) * SIZE;
  return shown;
}

async function act(path, body, done) {
  try {
    const outcome = await post(path, body);
    say(`${outcome.outcome}: the list is now ${outcome.list_status}${outcome.detail ? ` (${outcome.detail})` : ""}`, "info");
    await done();
  } catch (err) {
    say(err.message);
  }
}

async function inspections() {
  const tasks = await load("inspections");
  fill(document.querySelector("#inspections tbody"), tasks.map((t) => {
    const finding = el("input", { name: "finding", placeholder: "finding (needed to fail)" });
    const submit = (result) => (ev) => {
      ev.preventDefault();
      act(`/api/management/inspections/${t.id}/result`, { result, finding: finding.value }, refresh);
    };
    return el("tr", { "data-task": t.id, "data-cop-no": t.cop_no },
      el("td", {}, t.id), el("td", {}, t.cop_no), el("td", {}, t.trade_mode || ""), el("td", {}, when(t.opened_at)),
      el("td", {}, Array.isArray(t.rules) ? t.rules.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join(", ") : JSON.stringify(t.rules ?? "")),
      el("td", {}, el("form", {}, finding,
        el("button", { type: "button", class: "pass", onclick: submit("pass") }, "pass"),
        el("button", { type: "button", class: "fail secondary", onclick: submit("fail") }, "fail"))));
  }), "no open inspections");
}

async function applications() {
  const [names, pending] = await Promise.all([statusNames(), load("applications")]);
  fill(document.querySelector("#applications tbody"), pending.map((a) => {
    const note = el("input", { name: "note", placeholder: "note, or the reason to refuse" });
    return el("tr", { "data-application": a.id, "data-cop-no": a.cop_no, "data-kind": a.kind },
      el("td", {}, a.id), el("td", {}, a.kind), el("td", {}, a.cop_no), el("td", {}, `${a.list_status || ""} ${names.listStatuses[a.list_status] || ""}`.trim()),
      el("td", {}, a.reason || ""), el("td", {}, when(a.submitted_at)),
      el("td", {}, el("form", {}, note,
        el("button", { type: "button", class: "approve", onclick: () =>
          act(`/api/management/applications/${a.id}/approve`, { note: note.value }, refresh) }, "approve"),
        el("button", { type: "button", class: "refuse secondary", onclick: () => {
          if (!note.value.trim()) { say("say why: a refusal needs its reason"); return; }
          act(`/api/management/applications/${a.id}/refuse`, { reason: note.value }, refresh);
        } }, "refuse"))));
  }), "no applications waiting");
}

async function refresh() {
  try { await Promise.all([inspections(), applications()]); } catch (err) { say(err.message); }
}

export function install() {
  for (const pager of document.querySelectorAll(".pager")) {
    pager.addEventListener("click", (ev) => {
      const step = Number(ev.target.dataset.step || 0);
      if (!step) return;
      pages[pager.dataset.queue] = Math.max(0, pages[pager.dataset.queue] + step);
      refresh();
    });
  }
}

export function show() { refresh(); }
export function hide() {}
