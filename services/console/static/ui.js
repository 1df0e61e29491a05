// Small helpers for building the pages' DOM without a framework.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function fill(tbody, rows, empty) {
  tbody.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 9, class: "empty" }, empty))]));
}

export function say(text, kind = "error") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = kind === "error" ? "" : kind;
  box.hidden = !text;
}

export function when(value) {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace("T", " ").slice(0, 19);
}

// A pager under a table: "page 2 of 5 (11–20 of 47)"; onStep(+1 | -1) when a button is pressed.
export function pager(node, { offset, limit, total }, shown) {
  const page = Math.floor(offset / limit) + 1, pages = Math.max(1, Math.ceil(total / limit));
  node.querySelector("span").textContent = `page ${page} of ${pages}` + (shown ? ` (${offset + 1}–${offset + shown} of ${total})` : ` (${total})`);
  node.querySelector("[data-step='-1']").disabled = offset === 0;
  node.querySelector("[data-step='1']").disabled = offset + limit >= total;
}

export function onPagerStep(node, onStep) {
  node.addEventListener("click", (ev) => {
    const step = Number(ev.target.dataset.step || 0);
    if (step) onStep(step);
  });
}

export function ago(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

// A page that shows live figures: refresh() now and every `everyMs` while it is shown.
export function live(refresh, everyMs = 3000) {
  let timer = null;
  return {
    show() {
      refresh();
      timer = setInterval(refresh, everyMs);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}
