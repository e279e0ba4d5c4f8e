// The dashboard: reads /api/v1/dashboard (the session cookie authenticates) and draws it
// with uPlot. Text from the store is only ever set as textContent, never as HTML.
"use strict";

const query = new URLSearchParams(location.search);
if (!query.has("env")) query.set("env", "production");

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el("td", cell));
  return tr;
}

function fmt(value, digits) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString("en", { maximumFractionDigits: digits ?? 1 });
}

function minutes(value) {
  if (value === null || value === undefined) return "–";
  if (value < 120) return fmt(value) + " min";
  if (value < 48 * 60) return fmt(value / 60) + " h";
  return fmt(value / 1440) + " d";
}

function tile(title, value, level, detail) {
  const box = el("div", null, "tile");
  box.dataset.metric = title;
  box.appendChild(el("h2", title));
  const line = el("div", value, "value");
  line.appendChild(el("span", level ?? "no data", "level level-" + (level ?? "none")));
  box.appendChild(line);
  box.appendChild(el("div", detail));
  return box;
}

function tiles(dora) {
  const box = document.getElementById("dora");
  box.replaceChildren(
    tile("Deployment frequency", fmt(dora.deployment_frequency.median_days_per_week) + " days/week",
      dora.deployment_frequency.level,
      dora.deployments + " deployments on " + dora.deployment_days + " days"),
    tile("Lead time for changes", minutes(dora.lead_time.median_minutes), dora.lead_time.level,
      dora.lead_time.changes + " changes"),
    tile("Change failure rate",
      dora.change_failure_rate.value === null ? "–" : fmt(dora.change_failure_rate.value * 100) + " %",
      dora.change_failure_rate.level, dora.change_failure_rate.failed + " failed deployments"),
    tile("Failed deployment recovery time", minutes(dora.recovery_time.median_minutes),
      dora.recovery_time.level, dora.recovery_time.recoveries + " recoveries"),
  );
}

const COLORS = ["#3465a4", "#c83b3b", "#54a24b", "#e8a33d"];

function chart(id, xs, series, bars) {
  const target = document.getElementById(id);
  target.replaceChildren();
  const width = Math.max(320, target.clientWidth || 480);
  const opts = {
    width, height: 220,
    scales: { x: { time: true } },
    series: [{}].concat(series.map((s, i) => ({
      label: s.label, stroke: COLORS[i % COLORS.length],
      fill: bars ? COLORS[i % COLORS.length] + "88" : undefined,
      width: bars ? 1 : 2, spanGaps: false,
      paths: bars ? uPlot.paths.bars({ size: [0.8, 40], align: i === 0 ? -1 : 1 }) : undefined,
      points: { show: !bars },
    }))),
  };
  return new uPlot(opts, [xs].concat(series.map((s) => s.values)), target);
}

function fill(tableId, rows) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.replaceChildren(...rows);
}

async function history(app) {
  const params = new URLSearchParams({ object_id: app.object_id, limit: "200" });
  for (const key of ["from", "to"]) if (query.get(key)) params.set(key, query.get(key));
  const response = await fetch("/api/v1/sync-operations?" + params, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();
  const title = document.getElementById("history-title");
  title.textContent = "Sync history of " + app.cluster + "/" + app.namespace + "/" + app.name;
  title.hidden = false;
  document.getElementById("history").hidden = false;
  fill("history", data.items.map((op) => row([op.finished_at, op.status, (op.revision || "").slice(0, 12),
    fmt(op.duration_seconds), op.message || ""])));
}

function consistency(matrix) {
  const head = document.querySelector("#consistency thead");
  head.replaceChildren(row([el("th", "application"), ...matrix.environments.map((e) => el("th", e)),
    el("th", "same revision"), el("th", "consistency %")]));
  fill("consistency", matrix.applications.map((app) => {
    const cells = [el("td", app.tool + " " + app.application)];
    for (const env of matrix.environments) {
      const cell = app.cells[env];
      const td = el("td", cell ? (cell.revision || "?").slice(0, 12) + " " + (cell.sync_status || "") + " "
        + (cell.health_status || "") : "");
      if (cell) td.className = app.same_revision ? "match" : "mismatch";
      cells.push(td);
    }
    cells.push(el("td", app.same_revision ? "yes" : "no"));
    cells.push(el("td", app.consistency === null ? "–" : fmt(app.consistency)));
    return row(cells);
  }));
}

function render(data) {
  tiles(data.dora);
  const s = data.series;
  chart("chart-deployments", data.days, [
    { label: "deployments", values: s.deployments },
    { label: "failed", values: s.failed_deployments }], true);
  chart("chart-syncs", data.days, [
    { label: "succeeded", values: s.succeeded_syncs },
    { label: "failed", values: s.failed_syncs }], true);
  chart("chart-durations", data.days, [
    { label: "average", values: s.avg_sync_seconds },
    { label: "longest", values: s.max_sync_seconds }], false);
  chart("chart-lead", data.days, [{ label: "median minutes", values: s.lead_time_minutes }], false);
  chart("chart-cfr", data.weeks.map((w) => w.start), [
    { label: "change failure rate", values: data.weeks.map((w) => w.change_failure_rate) }], false);
  fill("recoveries", data.recoveries.map((r) => row([r.cluster + "/" + r.namespace + "/" + r.name,
    r.failed_at, r.recovered_at || "not yet", minutes(r.minutes)])));
  fill("applications", data.applications.map((app) => {
    const tr = row([app.tool, app.cluster, app.namespace, app.name, app.deployments, app.failed,
      (app.last_revision || "").slice(0, 12), app.last_deployed_at]);
    tr.className = "selectable";
    tr.addEventListener("click", () => history(app));
    return tr;
  }));
  consistency(data.consistency);
  const status = document.getElementById("status");
  status.textContent = "From " + data.window.from + " to " + data.window.to + ".";
  document.body.dataset.ready = "true";
}

async function load() {
  const form = document.getElementById("window");
  for (const key of ["from", "to", "env"]) if (query.get(key)) form.elements[key].value = query.get(key);
  const response = await fetch("/api/v1/dashboard?" + query, { credentials: "same-origin" });
  if (response.status === 401) { location.href = "/login"; return; }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ detail: response.statusText }));
    document.getElementById("status").textContent = "Error: " + problem.detail;
    document.getElementById("status").className = "error";
    return;
  }
  render(await response.json());
}

document.addEventListener("DOMContentLoaded", load);
