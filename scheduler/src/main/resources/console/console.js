// The lakehouse console: one page, routed by the URL's hash, drawn from the JSON API (/api/...).
// A static copy (status --html) carries the overview in window.LAKEHOUSE_OVERVIEW and has no API.
"use strict";

const STATIC = window.LAKEHOUSE_OVERVIEW !== undefined;
// gold tables and views both read silver: one column, gold first, so no edge crosses a box
const COLUMNS = [["kafka"], ["bronze"], ["silver"], ["gold", "view"]];

// --- small DOM helpers: every text goes through textContent, never innerHTML ---
function h(tag, attributes, ...children) {
  const element = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) element.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function link(href, text) {
  return STATIC ? h("span", {}, text) : h("a", { href }, text);
}

function number(value) {
  return value === null || value === undefined ? "–" : Number(value).toLocaleString("en-US");
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  if (seconds < 172800) return Math.round(seconds / 3600) + " h";
  return Math.round(seconds / 86400) + " d";
}

function badge(state, label) {
  return h("span", { class: "badge " + state, title: label || state }, state);
}

function table(headers, rows, attributes) {
  return h("table", attributes || {},
    h("thead", {}, h("tr", {}, headers.map((header) => h("th", {}, header)))),
    h("tbody", {}, rows));
}

function cell(value, numeric) {
  return h("td", numeric ? { class: "num" } : {}, value);
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
  return body;
}

// --- a line plot of one or more series over run number (oldest left) ---
function plot(title, series, yUnit) {
  const width = 420, height = 170, left = 52, right = 10, top = 22, bottom = 22;
  const values = series.flatMap((line) => line.values).filter((value) => value !== null && value !== undefined);
  const max = Math.max(1, ...values);
  const count = Math.max(1, ...series.map((line) => line.values.length));
  const x = (i) => left + (count === 1 ? 0 : (i * (width - left - right)) / (count - 1));
  const y = (value) => top + (height - top - bottom) * (1 - value / max);
  const svg = h("svg:svg", { class: "plot", width, height, "data-title": title });
  svg.append(h("svg:text", { x: left, y: 14 }, title));
  svg.append(h("svg:text", { x: 4, y: top + 4 }, number(Math.round(max * 100) / 100) + (yUnit ? " " + yUnit : "")));
  svg.append(h("svg:text", { x: 4, y: height - bottom }, "0"));
  svg.append(h("svg:line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: "#c5cad3" }));
  series.forEach((line, index) => {
    const points = line.values.map((value, i) => (value === null || value === undefined ? null : x(i) + "," + y(value)))
      .filter((point) => point !== null).join(" ");
    svg.append(h("svg:polyline", { points, stroke: line.colour }));
    line.values.forEach((value, i) => {
      if (value !== null && value !== undefined) {
        svg.append(h("svg:circle", { cx: x(i), cy: y(value), r: 2.5, fill: line.colour }, h("svg:title", {}, line.name + ": " + number(value))));
      }
    });
    svg.append(h("svg:text", { x: left + 8 + index * 110, y: height - 6, fill: line.colour }, "— " + line.name));
  });
  return svg;
}

// --- the pipeline graph: one column per layer, edges as curves ---
function graph(overview) {
  const columns = COLUMNS.map((layers) => layers.flatMap((layer) => overview.nodes.filter((node) => node.layer === layer)))
    .filter((nodes) => nodes.length);
  const boxWidth = 190, boxHeight = 58, columnGap = 70, rowGap = 18, margin = 24;
  const tallest = Math.max(...columns.map((nodes) => nodes.length));
  const width = margin * 2 + columns.length * boxWidth + (columns.length - 1) * columnGap;
  const height = margin * 2 + 14 + tallest * (boxHeight + rowGap);
  const where = {};
  columns.forEach((nodes, c) => nodes.forEach((node, r) => {
    const offset = ((tallest - nodes.length) * (boxHeight + rowGap)) / 2;
    where[node.id] = { x: margin + c * (boxWidth + columnGap), y: margin + 14 + offset + r * (boxHeight + rowGap) };
  }));
  const svg = h("svg:svg", { class: "graph", width, height, role: "img", "aria-label": "pipeline graph" });
  columns.forEach((nodes, c) => svg.append(h("svg:text", { class: "layer", x: margin + c * (boxWidth + columnGap), y: margin },
    [...new Set(nodes.map((node) => (node.layer === "view" ? "views" : node.layer)))].join(" · "))));
  for (const edge of overview.edges) {
    const from = where[edge.from], to = where[edge.to];
    if (!from || !to) continue;
    const x1 = from.x + boxWidth, y1 = from.y + boxHeight / 2, x2 = to.x, y2 = to.y + boxHeight / 2;
    const bend = (x2 - x1) / 2;
    svg.append(h("svg:path", { class: edge.kind, d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` },
      h("svg:title", {}, edge.from + " → " + edge.to + (edge.kind === "live" ? " (live: newest rows)" : ""))));
  }
  for (const node of overview.nodes) {
    const at = where[node.id];
    const group = h("svg:g", { class: "node " + node.state, "data-id": node.id, "data-state": node.state,
      "data-rows": node.rows === null ? "" : node.rows, transform: `translate(${at.x},${at.y})` },
      h("svg:title", {}, node.detail + "\n" + node.stateLabel + (node.last ? "\nlast: " + node.last : "")),
      h("svg:rect", { width: boxWidth, height: boxHeight }),
      h("svg:text", { class: "title", x: 10, y: 20 }, node.name),
      h("svg:text", { x: 10, y: 38 }, node.layer === "kafka" ? "topic" : number(node.rows) + " rows · " + age(node.ageSeconds)),
      h("svg:text", { x: 10, y: 52, class: "state-" + node.state }, node.state));
    svg.append(STATIC || node.layer === "kafka" ? group : h("svg:a", { href: "#/table/" + node.layer + "/" + node.name }, group));
  }
  return svg;
}

// --- pages ---
async function overviewPage(main) {
  const overview = STATIC ? window.LAKEHOUSE_OVERVIEW : await api("/api/overview");
  document.getElementById("pipeline-name").textContent = overview.pipeline + " · " + overview.generatedAt;
  const rows = overview.nodes.filter((node) => node.layer !== "kafka").map((node) => h("tr", { "data-id": node.id, "data-state": node.state },
    cell(node.layer),
    h("td", {}, link("#/table/" + node.layer + "/" + node.name, node.name)),
    h("td", {}, badge(node.state, node.stateLabel), " ", h("span", { class: "muted" }, node.stateLabel)),
    cell(number(node.rows), true),
    cell(age(node.ageSeconds), true),
    cell(node.last),
    h("td", {}, node.layer === "silver"
      ? [link("#/quarantine/" + node.name, number(node.quarantined) + " quarantined"), " · ",
         link("#/quality/" + overview.suites[node.name], "quality")]
      : "")));
  main.replaceChildren(
    h("h1", {}, "Pipeline"),
    graph(overview),
    h("h2", {}, "Tables and views"),
    table(["layer", "name", "state", "rows", "age", "last", ""], rows, { id: "nodes" }));
}

async function tablePage(main, layer, name) {
  const overview = await api("/api/overview");
  const node = overview.nodes.find((candidate) => candidate.layer === layer && candidate.name === name);
  if (!node) throw new Error("no " + layer + " table " + name + " in this pipeline");
  const parts = [h("h1", {}, layer + " · " + name), h("p", {}, badge(node.state, node.stateLabel), " ", node.stateLabel, " · ",
    number(node.rows) + " rows · last success " + age(node.ageSeconds) + " ago · " + node.detail)];
  if (layer === "silver" || layer === "gold") {
    const runs = (await api(`/api/runs?layer=${layer}&name=${encodeURIComponent(name)}`)).runs;
    if (layer === "silver") {
      parts.push(h("p", {}, link("#/quarantine/" + name, "quarantine (" + number(node.quarantined) + " rows)"), " · ",
        link("#/quality/" + overview.suites[name], "quality reports of suite " + overview.suites[name])));
    }
    parts.push(h("div", { class: "plots" },
      plot("rows per run", [
        { name: "in", colour: "#3b6fd8", values: runs.map((run) => run.rowsIn) },
        { name: "out", colour: "#20a04c", values: runs.map((run) => run.rowsOut) },
        { name: "quarantined", colour: "#d43c43", values: runs.map((run) => run.quarantined) }]),
      plot("run duration", [{ name: "seconds", colour: "#7a4fd0", values: runs.map((run) => run.seconds) }], "s")));
    parts.push(h("h2", {}, "Runs (" + runs.length + ", newest last)"));
    parts.push(table(["ended", "job", "scope", "status", "seconds", "rows in", "rows out", "quarantined",
      layer === "silver" ? "dropped (duplicates)" : "", "message"],
    runs.map((run) => h("tr", { class: "run", "data-status": run.status },
      cell(run.endedAt), cell(run.job), cell(run.scope), h("td", { class: "state-" + (run.status === "succeeded" ? "ok" : run.status === "running" ? "info" : "failing") }, run.status),
      cell(run.seconds, true), cell(number(run.rowsIn), true), cell(number(run.rowsOut), true), cell(number(run.quarantined), true),
      cell(layer === "silver" ? number(run.dropped) : "", true), cell(run.message))), { id: "runs" }));
  } else if (layer === "bronze") {
    const commits = (await api("/api/commits?source=" + encodeURIComponent(name))).commits;
    parts.push(h("div", { class: "plots" },
      plot("rows per commit (oldest left)", [{ name: "rows", colour: "#3b6fd8", values: commits.slice().reverse().map((commit) => commit.rowsWritten) }])));
    parts.push(h("h2", {}, "Commits (newest first)"));
    parts.push(table(["version", "at", "operation", "rows written"], commits.map((commit) => h("tr", {},
      cell(commit.version, true), cell(commit.at), cell(commit.operation), cell(number(commit.rowsWritten), true)))));
  } else if (layer === "view") {
    parts.push(...refreshSection(name, (await api("/api/views?view=" + encodeURIComponent(name))).refreshes));
  }
  main.replaceChildren(...parts);
}

function refreshSection(view, refreshes) {
  return [
    h("h2", {}, view),
    h("div", { class: "plots" },
      plot(view + ": refresh duration", [{ name: "seconds", colour: "#7a4fd0", values: refreshes.map((refresh) => refresh.seconds) }], "s"),
      plot(view + ": freshness", [{ name: "seconds behind", colour: "#d08a12", values: refreshes.map((refresh) => refresh.freshnessSeconds) }], "s")),
    table(["ended", "status", "mode", "why", "buckets", "rows", "freshness", "seconds", "message"],
      refreshes.map((refresh) => h("tr", { class: "refresh", "data-mode": refresh.mode },
        cell(refresh.endedAt), h("td", { class: "state-" + (refresh.status === "succeeded" ? "ok" : "failing") }, refresh.status),
        cell(refresh.mode), cell(refresh.reason), cell(number(refresh.buckets), true), cell(number(refresh.rows), true),
        cell(age(refresh.freshnessSeconds), true), cell(refresh.seconds, true), cell(refresh.message))), { "data-view": view }),
  ];
}

async function viewsPage(main) {
  const refreshes = (await api("/api/views")).refreshes;
  const views = [...new Set(refreshes.map((refresh) => refresh.view))].sort();
  main.replaceChildren(h("h1", {}, "Views: every refresh, its mode and why"),
    ...(views.length ? views.flatMap((view) => refreshSection(view, refreshes.filter((refresh) => refresh.view === view)))
      : [h("p", { class: "muted" }, "no view has been refreshed yet")]));
}

async function qualityPage(main, suite, runId) {
  if (runId) return reportPage(main, suite, runId);
  const validations = (await api("/api/quality?suite=" + encodeURIComponent(suite))).validations;
  const oldestFirst = validations.slice().reverse();
  main.replaceChildren(
    h("h1", {}, "Quality: suite " + suite),
    h("div", { class: "plots" },
      plot("expectations met", [{ name: "%", colour: "#20a04c", values: oldestFirst.map((run) => run.successPercent) }], "%"),
      plot("anomaly check: rows per batch", [{ name: "observed", colour: "#3b6fd8", values: oldestFirst.map((run) => run.anomalyObserved) }])),
    h("h2", {}, "Validation runs (" + validations.length + ", newest first)"),
    table(["validated", "run", "result", "gate", "expectations failed", "gate failures", "anomaly check"],
      validations.map((run) => h("tr", { class: "validation" },
        cell(run.validatedAt), h("td", {}, link("#/quality/" + suite + "/" + encodeURIComponent(run.runId), run.runId)),
        h("td", {}, badge(run.success ? "ok" : "failing", run.success ? "success" : "failures")),
        h("td", {}, run.gatePassed ? "passed" : h("span", { class: "error" }, "FAILED")),
        cell(run.unsuccessful + " of " + run.evaluated, true), cell(run.gateFailures.join(", ")),
        cell(run.anomalySuccess === null ? "–" : (run.anomalySuccess ? "ok" : "ANOMALY") + (run.anomalyDetails ? ": " + run.anomalyDetails : ""))))));
}

async function reportPage(main, suite, runId) {
  const report = await api(`/api/quality/report?suite=${encodeURIComponent(suite)}&run=${encodeURIComponent(runId)}`);
  const results = report.results || [];
  const anomalies = (report.meta && report.meta.anomaly_checks) || [];
  main.replaceChildren(
    h("h1", {}, "Validation of " + suite + ": " + runId),
    h("p", {}, badge(report.success ? "ok" : "failing"), " ", (report.statistics ? `${report.statistics.successful_expectations} of ${report.statistics.evaluated_expectations} expectations met` : ""),
      " · ", link("#/quality/" + suite, "all runs of " + suite)),
    table(["expectation", "arguments", "result", "observed", "unexpected", "sample of unexpected values", "details"],
      results.map((result) => {
        const config = result.expectation_config || {};
        const outcome = result.result || {};
        return h("tr", { class: "expectation", "data-success": String(result.success) },
          cell(config.expectation_type || config.type), h("td", {}, h("pre", {}, JSON.stringify(config.kwargs || {}))),
          h("td", {}, badge(result.success ? "ok" : "failing", result.success ? "met" : "not met")),
          cell(outcome.observed_value === undefined ? "" : JSON.stringify(outcome.observed_value)),
          cell(outcome.unexpected_count === undefined ? "" : number(outcome.unexpected_count) + " (" + Number(outcome.unexpected_percent).toFixed(2) + "%)", true),
          h("td", {}, outcome.partial_unexpected_list && outcome.partial_unexpected_list.length ? h("pre", {}, JSON.stringify(outcome.partial_unexpected_list, null, 1)) : ""),
          cell(outcome.details || ""));
      })),
    h("h2", {}, "Anomaly check"),
    anomalies.length ? table(["metric", "strategy", "result", "observed", "details"], anomalies.map((check) => h("tr", {},
      cell(check.metric), cell(check.strategy), h("td", {}, badge(check.success ? "ok" : "failing", check.success ? "ok" : "anomaly")),
      cell(check.observed_value === undefined ? "" : JSON.stringify(check.observed_value)), cell(check.details))))
      : h("p", { class: "muted" }, "no anomaly check in this run"));
}

async function quarantinePage(main, tableName, reason, page) {
  const reasons = (await api("/api/quarantine?table=" + encodeURIComponent(tableName))).reasons;
  const size = 50;
  const records = (await api(`/api/quarantine/records?table=${encodeURIComponent(tableName)}&reason=${encodeURIComponent(reason || "")}&page=${page}&size=${size}`)).records;
  const base = "#/quarantine/" + tableName + "/" + encodeURIComponent(reason || "");
  main.replaceChildren(
    h("h1", {}, "Quarantine of silver." + tableName),
    h("p", { class: "muted" }, "Fix what produced these records, then rebuild the dates with `./lakehouse rerun silver --from D --to D --table " + tableName + "`."),
    table(["failed expectation", "records"], reasons.map((entry) => h("tr", { class: "reason", "data-reason": entry.reason, "data-rows": entry.rows },
      h("td", {}, link("#/quarantine/" + tableName + "/" + encodeURIComponent(entry.reason), entry.reason)), cell(number(entry.rows), true))), { id: "reasons" }),
    h("h2", {}, (reason ? "Records failing " + reason : "All records") + ", page " + (page + 1)),
    h("p", {}, page > 0 ? link(base + "/" + (page - 1), "← previous") : "", " ", records.length === size ? link(base + "/" + (page + 1), "next →") : ""),
    table(["topic", "partition", "offset", "Kafka time", "key", "value", "failed expectations", "run"],
      records.map((record) => h("tr", { class: "record" }, cell(record.topic), cell(record.partition, true), cell(record.offset, true),
        cell(record.kafkaTimestamp), cell(record.key), h("td", { class: "value" }, h("pre", {}, record.value === null ? "(null)" : record.value)),
        cell(record.failedExpectations.join(", ")), cell(record.runId)))));
}

async function route() {
  const main = document.getElementById("main");
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  document.body.dataset.ready = "";
  try {
    if (STATIC || parts[0] === "") await overviewPage(main);
    else if (parts[0] === "table") await tablePage(main, parts[1], parts[2]);
    else if (parts[0] === "views") await viewsPage(main);
    else if (parts[0] === "quality") await qualityPage(main, parts[1], parts[2]);
    else if (parts[0] === "quarantine") await quarantinePage(main, parts[1], parts[2], Number(parts[3] || 0));
    else throw new Error("no such page: " + location.hash);
    document.body.dataset.ready = STATIC || parts[0] === "" ? "overview" : parts[0];
  } catch (error) {
    main.replaceChildren(h("p", { class: "error", id: "error" }, String(error.message || error)));
    document.body.dataset.ready = "error";
  }
}

if (STATIC) {
  document.querySelector("header nav").remove(); // one page: nothing to navigate to
}
window.addEventListener("hashchange", route);
route();
