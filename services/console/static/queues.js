// Work queues: inspections (B2B first) with their results, applications with approve/refuse —
// each paged (offset/limit, the total counted by management), filtered and sorted.
import { get, post, statusNames } from "./api.js";
import { el, fill, onPagerStep, pager, say, when } from "./ui.js";

const SIZE = 10;
const offsets = { inspections: 0, applications: 0 };

function query(queue) {
  const form = new FormData(document.getElementById(`${queue}-filter`));
  const params = new URLSearchParams({ offset: offsets[queue], limit: SIZE });
  for (const [k, v] of form) if (String(v)) params.set(k, String(v));
  return params;
}

async function load(queue) {
  const page = await get(`/api/management/${queue}?${query(queue)}`);
  if (page.items.length === 0 && offsets[queue] > 0 && page.total > 0) {  // the last page emptied
    offsets[queue] = Math.max(0, Math.floor((page.total - 1) / SIZE) * SIZE);
    return load(queue);
  }
  pager(document.querySelector(`.pager[data-queue=${queue}]`), { offset: offsets[queue], limit: SIZE, total: page.total },
    page.items.length);
  document.getElementById(`${queue}-total`).textContent = String(page.total);
  return page.items;
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
  for (const queue of Object.keys(offsets)) {
    onPagerStep(document.querySelector(`.pager[data-queue=${queue}]`), (step) => {
      offsets[queue] = Math.max(0, offsets[queue] + step * SIZE);
      refresh();
    });
    document.getElementById(`${queue}-filter`).addEventListener("change", () => { offsets[queue] = 0; refresh(); });
  }
}

export function show() { refresh(); }
export function hide() {}
