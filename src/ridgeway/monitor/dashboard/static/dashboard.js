// ridgeway monitor dashboard: draws a model page from /api/models/{name} with uPlot and
// refreshes it; formats times on the models list. Everything is served by the dashboard.
"use strict";
(function () {
  const fmtTime = (ts) => (ts == null ? "—" : new Date(ts * 1000).toISOString().slice(0, 16).replace("T", " "));
  const fmt = (v) => (v == null ? "—" : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : (+v.toPrecision(4)).toString());

  for (const cell of document.querySelectorAll("td.ts[data-ts]")) {
    if (cell.dataset.ts) cell.textContent = fmtTime(+cell.dataset.ts);
  }
  const board = document.getElementById("board");
  if (!board) return;
  const name = board.dataset.model;
  const refresh = Math.max(1, +board.dataset.refresh || 10);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const charts = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child == null ? "" : String(child)));
    return node;
  }
  function fill(tbody, rows) { tbody.replaceChildren(...rows); }

  function markers(alertTimes) {
    return {
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = "#c0392b"; ctx.fillStyle = "#c0392b"; ctx.lineWidth = 1.5 * devicePixelRatio;
          for (const ts of alertTimes) {
            const x = u.valToPos(ts, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath(); ctx.setLineDash([4, 3]); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
            ctx.setLineDash([]); ctx.beginPath(); ctx.moveTo(x - 6, u.bbox.top); ctx.lineTo(x + 6, u.bbox.top); ctx.lineTo(x, u.bbox.top + 10); ctx.fill();
          }
          ctx.restore();
        }],
      },
    };
  }

  function chartData(metric, s, payload) {
    const versions = new Map(payload.versions.map((v) => [v.version, v]));
    const reference = s.version.map((v) => { const t = versions.get(v); return t && t.train ? (t.train[metric] ?? null) : null; });
    const rules = payload.rules.filter((r) => r.metric === metric && r.feature == null && !r.relative);
    const data = [s.ts, s.mean, s.min, s.max, reference];
    for (const r of rules) data.push(s.ts.map(() => r.threshold));
    return { data, rules };
  }

  function drawSeries(container, key, title, s, payload, metric) {
    const { data, rules } = chartData(metric, s, payload);
    const alertTimes = payload.alerts.filter((a) => a.metric === metric && a.feature == null).map((a) => a.opened_at);
    const existing = charts.get(key);
    if (existing && existing.series.length === data.length) { existing.alertTimes.length = 0; existing.alertTimes.push(...alertTimes); existing.setData(data); return; }
    if (existing) { existing.destroy(); existing.root.parentNode.remove(); }
    const box = el("div", { class: "chart", "data-metric": key }, el("h3", {}, title));
    container.append(box);
    const series = [
      {},
      { label: "live", stroke: "#2e6fd8", width: 2, points: { show: s.ts.length < 60 } },
      { label: "min", stroke: "rgba(46,111,216,0.25)", width: 1, points: { show: false } },
      { label: "max", stroke: "rgba(46,111,216,0.25)", width: 1, points: { show: false } },
      { label: "training reference", stroke: "#7f8c8d", dash: [6, 4], width: 1.5, points: { show: false } },
      ...rules.map((r) => ({ label: `${r.direction} ${r.threshold} (${r.severity})`, stroke: "#c0392b", width: 1.5, points: { show: false } })),
    ];
    const holder = { alertTimes };
    const u = new uPlot({
      width: Math.max(380, box.clientWidth - 4), height: 190, series,
      scales: { x: { time: true } },
      bands: [{ series: [3, 2], fill: "rgba(46,111,216,0.08)" }],
      legend: { live: false },
      plugins: [markers(holder.alertTimes)],
    }, data, box);
    u.alertTimes = holder.alertTimes;
    charts.set(key, u);
  }

  function render(payload) {
    const latest = payload.versions[payload.versions.length - 1] || {};
    const open = payload.alerts.filter((a) => a.status === "open").length;
    document.getElementById("summary").textContent = `version ${latest.version} · λ = ${fmt(latest.l2)} · ${open} open alert${open === 1 ? "" : "s"}`;
    fill(document.querySelector("#alerts tbody"), payload.alerts.map((a) => el("tr", { "data-id": a.id, class: `alert-${a.status}` },
      el("td", {}, a.id), el("td", { class: `sev-${a.severity}` }, a.severity), el("td", { class: `st-${a.status}` }, a.status),
      el("td", {}, `${a.metric}${a.feature ? "[" + a.feature + "]" : ""} ${a.relative ? "relative " : ""}${a.direction} ${a.threshold}`),
      el("td", {}, a.message), el("td", {}, fmtTime(a.opened_at)), el("td", {}, fmtTime(a.resolved_at)),
      el("td", {}, a.acknowledged_at ? `${fmtTime(a.acknowledged_at)} by ${a.acknowledged_by}` : "—"),
      el("td", {}, a.acknowledged_at ? "" : el("button", { class: "ack", onclick: () => acknowledge(a.id) }, "acknowledge")))));
    document.getElementById("no-alerts").hidden = payload.alerts.length > 0;
    const container = document.getElementById("charts");
    for (const [metric, s] of Object.entries(payload.series)) drawSeries(container, metric, metric === "gap" ? "generalization gap (positive: batch worse than training)" : metric, s, payload, metric);
    const shown = payload.drift.slice(0, 12);
    const driftRows = shown.map((d) => el("tr", { class: d.psi > 0.25 ? "psi-high" : d.psi > 0.1 ? "psi-mid" : "" },
      el("td", {}, d.feature), el("td", {}, fmt(d.psi)), el("td", {}, fmt(d.mean_shift))));
    if (payload.drift.length > shown.length) driftRows.push(el("tr", { class: "more" }, el("td", { colspan: "3" }, `… ${payload.drift.length - shown.length} more features, PSI ≤ ${fmt(payload.drift[shown.length].psi)}`)));
    fill(document.querySelector("#drift tbody"), driftRows);
    const driftBox = document.getElementById("drift-charts");
    for (const [feature, s] of Object.entries(payload.drift_series)) drawSeries(driftBox, `psi:${feature}`, `PSI of ${feature}`, s, payload, "psi:" + feature);
    fill(document.querySelector("#versions tbody"), payload.versions.map((v) => el("tr", {},
      el("td", {}, v.version), el("td", {}, fmtTime(v.created_at)), el("td", {}, v.estimator), el("td", { class: "lambda" }, fmt(v.l2)),
      el("td", {}, v.cv == null ? "fixed λ" : `cv=${v.cv}, rule=${v.rule}`), el("td", {}, `${fmt(v.validation_score)} ${v.scoring || ""}`),
      el("td", {}, fmt(v.cv_gap)), el("td", {}, fmt(v.effective_df)),
      el("td", {}, Object.entries(v.train || {}).filter(([, x]) => x != null).map(([k, x]) => `${k} ${fmt(x)}`).join(", ")))));
  }

  async function load() {
    const response = await fetch(`/api/models/${encodeURIComponent(name)}`, { credentials: "same-origin" });
    if (!response.ok) { document.getElementById("refresh").textContent = `refresh failed (${response.status})`; return; }
    render(await response.json());
    document.getElementById("refresh").textContent = `updated ${new Date().toLocaleTimeString()} · every ${refresh} s`;
  }

  async function acknowledge(id) {
    const response = await fetch(`/api/alerts/${id}/acknowledge`, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
    if (!response.ok) alert(`acknowledge failed: ${response.status}`);
    await load();
  }

  load();
  setInterval(load, refresh * 1000);
})();
