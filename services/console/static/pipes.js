// Health of the pipes: consumer lag per service and partition, outboxes (depth, oldest row, parked
// rows), webhook deliveries; each row red past the threshold its service judges readiness by.
import { get } from "./api.js";
import { el, fill, live, say } from "./ui.js";

const mark = (red) => ({ class: red ? "red" : "ok", "data-red": red ? "true" : "false" });
const secs = (s) => (s === null || s === undefined ? "" : `${Math.round(s)} s`);

async function refresh() {
  try {
    const p = await get("/console/pipes");
    fill(document.querySelector("#pipes-services tbody"), p.services.map((s) =>
      el("tr", { "data-service": s.service, ...mark(!s.ready) }, el("td", {}, s.service),
        el("td", {}, s.ready ? "ready" : "UNREADY"), el("td", {}, s.problems.join("; ")))), "no service answered");
    fill(document.querySelector("#pipes-lag tbody"), p.lag.map((r) =>
      el("tr", { "data-consumer": r.consumer, "data-partition": `${r.topic}[${r.partition}]`, ...mark(r.red) },
        el("td", {}, r.service), el("td", {}, r.consumer), el("td", {}, `${r.topic}[${r.partition}]`),
        el("td", { class: "count lag" }, r.lag ?? "?"), el("td", { class: "count" }, r.threshold ?? ""),
        el("td", {}, r.stuck ? `stuck (${secs(r.secondsSinceProgress)} without progress)` : ""))),
      "no partitions assigned yet");
    fill(document.querySelector("#pipes-outbox tbody"), p.outbox.map((o) =>
      el("tr", { "data-service": o.service, ...mark(o.red) }, el("td", {}, o.service),
        el("td", { class: "count rows" }, o.rows ?? "?"), el("td", { class: "count" }, secs(o.oldestAgeSeconds)),
        el("td", { class: "count parked" }, o.parked ?? "?"), el("td", { class: "count" }, secs(o.threshold)),
        el("td", {}, o.relayStuck ? "relay stuck" : o.relayHolder ? "publishing here" : "standing by"))),
      "no outbox answered");
    const w = p.webhooks;
    fill(document.querySelector("#pipes-webhooks tbody"), w ? [
      el("tr", { "data-service": w.service, ...mark(w.red) }, el("td", { class: "count pending" }, w.pending),
        el("td", { class: "count parked" }, w.parked), el("td", { class: "count" }, secs(w.oldestPendingSeconds)),
        el("td", { class: "count" }, w.inFlight), el("td", { class: "count" }, w.delivered),
        el("td", { class: "count" }, w.failedAttempts), el("td", { class: "count" }, secs(w.threshold)))] : [],
      "notification did not answer");
    document.getElementById("pipes-updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    say(err.message);
  }
}

export const { show, hide } = live(refresh, 3000);
