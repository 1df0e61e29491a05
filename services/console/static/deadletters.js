// Dead letters: what each service could not apply, by topic and reason; one read whole (key,
// headers, payload, reason, audit), redriven (one, the ticked ones, or all that match) or
// discarded with a reason. The services do it and audit it (shared/dead_letters_api.py).
import { get, post } from "./api.js";
import { el, fill, onPagerStep, pager, say, when } from "./ui.js";

const SERVICES = ["gateway", "management", "notification"];
const SIZE = 20;
let offset = 0;
let shownId = null;

const form = () => document.getElementById("dl-filter");
const service = () => document.getElementById("dl-service").value;

function filters() {
  const data = new FormData(form());
  const out = {};
  for (const k of ["reason", "topic", "state"]) if (String(data.get(k) || "").trim()) out[k] = String(data.get(k)).trim();
  return out;
}

async function counts() {
  // how many open dead letters each service holds, in the service picker
  const select = document.getElementById("dl-service");
  await Promise.all(SERVICES.map(async (svc) => {
    const option = select.querySelector(`option[value=${svc}]`);
    try {
      const page = await get(`/api/${svc}/dead-letters?state=open&limit=1`);
      option.textContent = `${svc} (${page.total} open)`;
    } catch (err) {
      option.textContent = `${svc} (?)`;
    }
  }));
}

async function refresh() {
  try {
    const params = new URLSearchParams({ ...filters(), offset, limit: SIZE });
    const [page] = await Promise.all([get(`/api/${service()}/dead-letters?${params}`), counts()]);
    document.getElementById("dl-total").textContent = String(page.total);
    pager(document.querySelector(".pager[data-queue=dead-letters]"), { offset, limit: SIZE, total: page.total }, page.items.length);
    fill(document.querySelector("#dead-letters tbody"), page.items.map((d) =>
      el("tr", { "data-id": d.id, "data-state": d.state, class: d.id === shownId ? "clickable chosen" : "clickable" },
        el("td", {}, d.state === "open" ? el("input", { type: "checkbox", name: "pick", value: d.id, onclick: (ev) => ev.stopPropagation() }) : ""),
        el("td", { onclick: () => inspect(d.id) }, d.id), el("td", { onclick: () => inspect(d.id) }, when(d.createdAt)),
        el("td", { onclick: () => inspect(d.id) }, d.topic), el("td", { onclick: () => inspect(d.id) }, d.key ?? ""),
        el("td", { class: "reason", onclick: () => inspect(d.id) }, d.reason),
        el("td", { class: "count" }, d.redrives), el("td", {}, d.state + (d.settledBy ? ` by ${d.settledBy}` : "")))),
      "no dead letters match");
  } catch (err) {
    say(err.message);
  }
}

async function inspect(id) {
  const d = await get(`/api/${service()}/dead-letters/${id}`);
  shownId = id;
  const reason = el("input", { id: "dl-discard-reason", placeholder: "why it is discarded (kept in the audit)", size: 40 });
  const open = d.state === "open";
  document.getElementById("dead-letter").replaceChildren(
    el("h3", {}, `Dead letter ${d.id} `, el("span", { class: "status" }, d.state)),
    el("dl", { class: "facts" }, [["service", service()], ["consumer", d.consumer], ["topic", d.topic],
      ["position", `partition ${d.partition}, offset ${d.offset}`], ["key", d.key ?? "(none)"], ["when", when(d.createdAt)],
      ["redriven before", d.redrives], ["reason", d.reason], ["payload", `${d.size} bytes, ${d.payloadEncoding}`]]
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, String(v))])),
    el("h4", {}, "Headers"),
    d.headers.length ? el("table", { id: "dl-headers" }, el("tbody", {}, d.headers.map((h) => el("tr", {}, el("td", {}, h.name), el("td", {}, h.value)))))
      : el("p", { class: "hint" }, "no headers"),
    el("h4", {}, "Payload"), el("pre", { id: "dl-payload", class: "payload" }, d.payload + (d.payloadTruncated ? "\n… (cut)" : "")),
    open ? el("form", { id: "dl-actions" },
      el("button", { type: "button", id: "dl-redrive", onclick: () => act(`/dead-letters/${d.id}/redrive`, {}, (r) => `dead letter ${d.id} sent again to ${r.topic}`) }, "redrive"),
      reason,
      el("button", { type: "button", id: "dl-discard", class: "secondary", onclick: () => {
        if (!reason.value.trim()) { say("say why: a discard needs its reason"); return; }
        act(`/dead-letters/${d.id}/discard`, { reason: reason.value.trim() }, () => `dead letter ${d.id} discarded`);
      } }, "discard")) : "",
    el("h4", {}, `Audit (${d.audit.length})`),
    el("ol", { id: "dl-audit" }, d.audit.map((a) => el("li", { "data-action": a.action },
      `${when(a.at)} ${a.action} by ${a.actor} (${a.role})${a.reason ? `: ${a.reason}` : ""}${a.messageId ? ` — sent as ${a.messageId}` : ""}`))));
  document.querySelectorAll("#dead-letters tr.chosen").forEach((tr) => tr.classList.remove("chosen"));
  document.querySelector(`#dead-letters tr[data-id='${id}']`)?.classList.add("chosen");
}

async function act(path, body, done) {
  try {
    const result = await post(`/api/${service()}${path}`, body);
    say(done(result), "info");
    await refresh();
    if (shownId !== null) await inspect(shownId);
  } catch (err) {
    say(err.message);
  }
}

async function bulk(body) {
  try {
    const outcome = await post(`/api/${service()}/dead-letters/redrive`, body);
    const refused = outcome.refused.map((r) => `${r.id}: ${r.why}`).join("; ");
    say(`${outcome.redriven.length} redriven${refused ? `; refused ${refused}` : ""}`, outcome.refused.length ? "error" : "info");
    await refresh();
  } catch (err) {
    say(err.message);
  }
}

export function install() {
  onPagerStep(document.querySelector(".pager[data-queue=dead-letters]"), (step) => { offset = Math.max(0, offset + step * SIZE); refresh(); });
  form().addEventListener("submit", (ev) => { ev.preventDefault(); offset = 0; refresh(); });
  form().addEventListener("change", (ev) => {
    if (ev.target.id === "dl-service") { shownId = null; document.getElementById("dead-letter").replaceChildren(); }
    offset = 0;
    refresh();
  });
  document.getElementById("dl-redrive-selected").addEventListener("click", () => {
    const ids = [...document.querySelectorAll("#dead-letters input[name=pick]:checked")].map((c) => Number(c.value));
    if (!ids.length) { say("tick the dead letters to redrive"); return; }
    bulk({ ids });
  });
  document.getElementById("dl-redrive-matching").addEventListener("click", () => {
    const { reason, topic } = filters();
    if (!reason && !topic) { say("filter by reason or topic first: every open one that matches is redriven"); return; }
    bulk({ reason, topic, limit: 1000 });
  });
}

export function show() { refresh(); }
export function hide() {}
