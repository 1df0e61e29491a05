// Find and follow: a list by any business key, then its whole timeline.
import { get, statusNames } from "./api.js";
import { el, fill, say, when } from "./ui.js";

const q = encodeURIComponent;

function statusBadge(names, status) {
  const meaning = names.listStatuses[status] || "";
  return el("span", { class: "status", title: meaning }, status, meaning ? ` ${meaning}` : "");
}

async function find(key, value) {
  const [names, page] = await Promise.all([statusNames(), get(`/api/management/lists?${q(key)}=${q(value)}&limit=50`)]);
  const lists = page.items;
  document.getElementById("find-total").textContent = page.total > lists.length
    ? `${page.total} lists match; the newest ${lists.length} are shown` : "";
  fill(document.querySelector("#find-results tbody"), lists.map((l) =>
    el("tr", { class: "clickable", "data-cop-no": l.cop_no, onclick: () => follow(l.agent_code, l.cop_no) },
      el("td", {}, l.cop_no), el("td", {}, l.invt_no || ""), el("td", {}, l.agent_code),
      el("td", {}, statusBadge(names, l.status)), el("td", {}, l.bill_no || ""), el("td", {}, when(l.updated_at)))),
    `no list with ${key} ${value}`);
  document.getElementById("timeline").replaceChildren();
  if (lists.length === 1) await follow(lists[0].agent_code, lists[0].cop_no);
}

function receiptName(names, detail) {
  if (!detail || !detail.receipt) return "";
  const s = detail.returnStatus ?? "";
  const meaning = (names.receiptStatuses[detail.receipt] || {})[s] || names.returnStatuses[s] || "";
  return `${detail.receipt} ${s} ${meaning}`.trim();
}

async function follow(agent, copNo) {
  const [names, view] = await Promise.all([statusNames(), get(`/api/management/lists/${q(agent)}/${q(copNo)}`)]);
  const facts = [["copNo", view.cop_no], ["invtNo", view.invt_no], ["preNo", view.pre_no], ["agent", view.agent_code],
    ["order", view.order_no], ["waybill", view.logistics_no], ["bill", view.bill_no], ["trade mode", view.trade_mode],
    ["version", view.version], ["waiting for", view.waiting_for]];
  const head = view.head || {};
  const timeline = el("ol", { class: "timeline" }, view.history.map((h) =>
    el("li", { "data-event": h.event },
      el("span", { class: "at" }, when(h.at)), el("span", { class: "event" }, h.event), " ",
      h.status ? statusBadge(names, h.status) : "", " ",
      receiptName(names, h.detail) ? el("span", { class: "receipt" }, receiptName(names, h.detail)) : "",
      h.actor ? el("span", { class: "actor" }, ` by ${h.actor}`) : "",
      h.detail && Object.keys(h.detail).length ? el("pre", {}, JSON.stringify(h.detail, null, 1)) : "")));
  document.getElementById("timeline").replaceChildren(
    el("h3", {}, `List ${view.cop_no} `, statusBadge(names, view.status)),
    el("dl", { class: "facts" }, facts.filter(([, v]) => v !== null && v !== undefined && v !== "")
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))])),
    el("h3", {}, `Timeline (${view.history.length})`), timeline,
    view.applications.length ? el("h3", {}, "Applications") : "",
    ...view.applications.map((a) => el("p", {}, `#${a.id} ${a.kind}: ${a.status}${a.decided_by ? ` by ${a.decided_by}` : ""}`)),
    view.inspections.length ? el("h3", {}, "Inspections") : "",
    ...view.inspections.map((t) => el("p", {}, `#${t.id} ${t.status}${t.operator ? ` by ${t.operator}` : ""} ${t.finding || ""}`)),
    el("details", {}, el("summary", {}, `Declared head (version ${view.version})`),
      el("dl", { class: "facts", id: "list-head" }, Object.entries(head).flatMap(([k, v]) =>
        [el("dt", {}, k), el("dd", { "data-field": k }, typeof v === "string" ? v : JSON.stringify(v))]))));
}

export function install() {
  document.getElementById("find-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    say("");
    try { await find(form.get("key"), form.get("value").trim()); } catch (err) { say(err.message); }
  });
}

// from another page: the list with this key, found and followed
export function open(key, value) {
  document.getElementById("find-key").value = key;
  document.getElementById("find-value").value = value;
  location.hash = "#find";
  say("");
  find(key, value).catch((err) => say(err.message));
}

export function show() {}
export function hide() {}
