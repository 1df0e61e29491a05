// Flows, live: receipts and dead letters per minute by kind, with their names, every few seconds.
import { get } from "./api.js";
import { el, fill, live, say } from "./ui.js";

async function refresh() {
  try {
    const flows = await get("/console/flows");
    fill(document.querySelector("#flows-receipts tbody"), flows.receipts.map((r) =>
      el("tr", { "data-kind": r.kind }, el("td", {}, r.kind), el("td", {}, r.name),
        el("td", { class: "count this-minute" }, r.thisMinute), el("td", { class: "count total" }, r.total))),
      "no receipts yet");
    fill(document.querySelector("#flows-dead tbody"), flows.deadLetters.map((d) =>
      el("tr", { "data-reason": d.reason }, el("td", {}, d.reason), el("td", { class: "count this-minute" }, d.thisMinute))),
      "no dead letters this minute");
    document.getElementById("flows-updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    say(err.message);
  }
}

export const { show, hide } = live(refresh, 3000);
