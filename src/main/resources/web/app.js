// Trendstream dashboard: renders the server's snapshots (SSE /api/events) and runs SQL from the
// box through /api/sql. Every chart also fills an accessible table, which tests read.
(function () {
  "use strict";

  const THROUGHPUT_WINDOW_MS = 10 * 60 * 1000;
  const RECONNECT_MS = 2000;
  const PALETTE = ["#2f6fde", "#e8684a", "#35b37e", "#f2b233", "#8f5bd6", "#2bb3c0",
    "#d9487d", "#7a8699"];

  const $ = (id) => document.getElementById(id);
  const charts = {};
  const throughput = new Map(); // timestamp ms -> {input, processed}
  let source = null;
  let reconnectTimer = null;
  let lastSnapshotAt = null;
  let throughputQuery = null;

  // --- formatting -------------------------------------------------------------------------

  function fmtNumber(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: digits ?? 0 });
  }

  function fmtRate(v) {
    if (v === null || v === undefined) return "–";
    return fmtNumber(v, v < 10 ? 1 : 0);
  }

  function fmtDuration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = Math.floor(seconds % 60);
    const pad = (n) => String(n).padStart(2, "0");
    return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : m > 0 ? `${m}m ${pad(s)}s` : `${s}s`;
  }

  function fmtClock(date) {
    return date.toLocaleTimeString("en-GB", { hour12: false });
  }

  function fmtWindow(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  // --- charts -----------------------------------------------------------------------------

  function chart(id) {
    if (typeof echarts === "undefined") return null;
    if (!charts[id]) {
      charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    }
    return charts[id];
  }

  window.addEventListener("resize", () => {
    for (const c of Object.values(charts)) c.resize();
  });

  const baseOption = {
    color: PALETTE,
    animationDuration: 300,
    animationDurationUpdate: 300,
    textStyle: { fontFamily: "system-ui, sans-serif" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
  };

  function fillTable(tableId, rows) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...rows.map((row) =>
      el("tr", {}, row.map((v) => el("td", { textContent: v === null ? "" : String(v) })))));
  }

  /** Shows a panel's message (error or "no data"), or hides it; returns true if data shows. */
  function panelState(prefix, panel, emptyText) {
    const msg = $(prefix + "-msg");
    if (!panel || panel.error) {
      msg.textContent = "Not available yet: " + (panel ? panel.error : "no data");
      msg.hidden = false;
      return false;
    }
    if (panel.rows.length === 0) {
      msg.textContent = emptyText;
      msg.hidden = false;
      return false;
    }
    msg.hidden = true;
    return true;
  }

  function renderTopWords(panel) {
    const card = $("top-words-card");
    const ok = panelState("top-words", panel, "No words yet: waiting for the first batch.");
    const rows = ok ? panel.rows : [];
    fillTable("top-words-table", rows);
    card.dataset.topWord = rows.length ? rows[0][0] : "";
    card.dataset.words = rows.length;
    const c = chart("top-words-chart");
    if (!c) return;
    c.setOption({
      ...baseOption,
      grid: { left: 8, right: 56, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } },
        axisLabel: { color: "#6b7486" } },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r[0]),
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#cfd5df" } },
        axisLabel: { color: "#1c2433", fontSize: 12, width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map((r) => r[1]), barMaxWidth: 22,
        itemStyle: { color: "#2f6fde", borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: "right", color: "#46506a", fontSize: 11,
          formatter: (p) => fmtNumber(p.value) } }],
    }, { notMerge: true });
  }

  /** A small inline SVG line of counts, oldest first. */
  function sparkline(counts) {
    const ns = "http://www.w3.org/2000/svg";
    const w = 96, h = 22, max = Math.max(1, ...counts);
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    svg.setAttribute("class", "spark");
    svg.setAttribute("aria-label", "counts " + counts.join(", "));
    const step = counts.length > 1 ? w / (counts.length - 1) : 0;
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", counts.map((c, i) =>
      (i * step).toFixed(1) + "," + (h - 2 - (c / max) * (h - 4)).toFixed(1)).join(" "));
    svg.appendChild(line);
    return svg;
  }

  function renderTrending(panel) {
    const ok = panelState("trending", panel,
      "Nothing trending yet: scores start once the stream has a few windows of history.");
    const rows = ok ? panel.rows : [];
    const body = $("trending-table").querySelector("tbody");
    body.replaceChildren(...rows.map(([word, score, count, baseline, history]) => {
      const counts = String(history || "").split(",").filter((x) => x !== "").map(Number);
      const tr = el("tr", {}, [
        el("td", { className: "word" }, [String(word)]),
        el("td", { className: "num" }, [fmtNumber(score, 1)]),
        el("td", { className: "num" }, [fmtNumber(count)]),
        el("td", { className: "num" }, [fmtNumber(baseline, 1)]),
        el("td", {}, []),
      ]);
      tr.lastChild.appendChild(sparkline(counts));
      return tr;
    }));
    $("trending-card").dataset.words = rows.map((r) => r[0]).join(",");
  }

  function renderTrends(panel) {
    const ok = panelState("trends", panel, "No windows yet: waiting for the first batch.");
    const rows = ok ? panel.rows : [];
    fillTable("trends-table", rows);
    const windows = [...new Set(rows.map((r) => r[0]))].sort();
    const latest = windows[windows.length - 1];
    const byWord = new Map();
    for (const [w, word, count] of rows) {
      if (!byWord.has(word)) byWord.set(word, new Map());
      byWord.get(word).set(w, count);
    }
    // Legend order: biggest in the latest window first, so the rising word leads.
    const words = [...byWord.keys()].sort((a, b) =>
      (byWord.get(b).get(latest) || 0) - (byWord.get(a).get(latest) || 0) || a.localeCompare(b));
    $("trends-card").dataset.words = words.join(",");
    const c = chart("trends-chart");
    if (!c) return;
    c.setOption({
      ...baseOption,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll", data: words },
      grid: { left: 8, right: 20, top: 34, bottom: 4, containLabel: true },
      xAxis: { type: "category", boundaryGap: false, data: windows.map(fmtWindow),
        axisLabel: { color: "#6b7486" }, axisLine: { lineStyle: { color: "#cfd5df" } } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } },
        axisLabel: { color: "#6b7486" } },
      series: words.map((word) => ({
        name: word, type: "line", smooth: 0.25, symbolSize: 5, showSymbol: windows.length < 40,
        data: windows.map((w) => byWord.get(word).get(w) || 0),
        lineStyle: { width: 2 },
      })),
    }, { notMerge: true });
  }

  function renderLanguages(panel) {
    const ok = panelState("languages", panel, "No posts yet.");
    const rows = ok ? panel.rows : [];
    fillTable("languages-table", rows);
    const total = rows.reduce((sum, r) => sum + (Number(r[1]) || 0), 0);
    $("total-posts").textContent = ok ? fmtNumber(total) : "–";
    const c = chart("languages-chart");
    if (!c) return;
    c.setOption({
      ...baseOption,
      tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${fmtNumber(p.value)} ` +
        `(${p.percent.toFixed(1)}%)` },
      legend: { orient: "vertical", right: 10, top: "middle", icon: "circle",
        formatter: (name) => {
          const row = rows.find((r) => r[0] === name);
          const share = row && total ? (100 * row[1] / total).toFixed(1) : "0";
          return `${name}  ${share}%`;
        } },
      series: [{ type: "pie", radius: ["45%", "75%"], center: ["38%", "50%"],
        avoidLabelOverlap: true, label: { show: false },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        data: rows.map((r) => ({ name: r[0], value: r[1] })) }],
    }, { notMerge: true });
  }

  function renderThroughput(queries) {
    // The store's one query reads every post; with other sinks the tweets query does.
    const primary = queries.find((q) => q.name === "live_tables" || q.name === "tweets")
      || queries[0];
    if (!primary) {
      $("throughput-msg").textContent = "No streaming queries yet.";
      $("throughput-msg").hidden = false;
      return;
    }
    if (throughputQuery !== primary.name) {
      throughputQuery = primary.name;
      throughput.clear();
    }
    $("throughput-query").textContent = `posts/s, query ${primary.name}`;
    for (const p of primary.recentProgress || []) {
      const t = Date.parse(p.timestamp);
      if (!Number.isNaN(t)) {
        throughput.set(t, { input: p.inputRowsPerSecond, processed: p.processedRowsPerSecond });
      }
    }
    const times = [...throughput.keys()].sort((a, b) => a - b);
    const newest = times[times.length - 1];
    for (const t of times) {
      if (t < newest - THROUGHPUT_WINDOW_MS) throughput.delete(t);
    }
    const kept = times.filter((t) => throughput.has(t));
    $("throughput-msg").textContent = "No batches yet.";
    $("throughput-msg").hidden = kept.length > 0;
    fillTable("throughput-table", kept.slice(-20).map((t) =>
      [new Date(t).toISOString(), throughput.get(t).input, throughput.get(t).processed]));
    const c = chart("throughput-chart");
    if (!c) return;
    const series = (name, key) => ({
      name, type: "line", showSymbol: false, smooth: 0.2, lineStyle: { width: 2 },
      areaStyle: { opacity: key === "input" ? 0.08 : 0 },
      data: kept.map((t) => [t, throughput.get(t)[key]]),
    });
    c.setOption({
      ...baseOption,
      color: ["#2f6fde", "#35b37e"],
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: ["input", "processed"] },
      grid: { left: 8, right: 20, top: 30, bottom: 4, containLabel: true },
      xAxis: { type: "time", axisLabel: { color: "#6b7486", hideOverlap: true },
        axisLine: { lineStyle: { color: "#cfd5df" } } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } },
        axisLabel: { color: "#6b7486" } },
      series: [series("input", "input"), series("processed", "processed")],
    }, { notMerge: true });
  }

  function renderHealth(snapshot) {
    const health = $("health");
    const queries = snapshot.queries || [];
    if (queries.length === 0) {
      health.replaceChildren(el("p", { className: "muted", textContent: "No streaming queries." }));
      return;
    }
    health.replaceChildren(...queries.map((q) => {
      const p = q.lastProgress || {};
      const status = q.status || "UNKNOWN";
      const metric = (value, key) => el("div", { className: "metric" }, [
        el("div", { className: "v", textContent: value }),
        el("div", { className: "k", textContent: key }),
      ]);
      const known = (v) => v !== undefined && v !== null && v >= 0;
      const node = el("div", { className: "query" }, [
        el("div", { className: "query-head" }, [
          el("span", { className: "query-name", textContent: q.name }),
          el("span", { className: "badge " + status, textContent: status }),
        ]),
        el("div", { className: "metrics" }, [
          metric(fmtRate(p.inputRowsPerSecond), "input/s"),
          metric(fmtRate(p.processedRowsPerSecond), "processed/s"),
          metric(known(p.batchDurationMs) ? fmtNumber(p.batchDurationMs) + " ms" : "–", "batch"),
          metric(known(p.consumerLag) ? fmtNumber(p.consumerLag) : "–", "lag"),
          metric(known(p.malformed) ? fmtNumber(p.malformed) : "–", "malformed"),
          metric(known(p.batchId) ? "#" + p.batchId : "–", "batch id"),
        ]),
      ]);
      node.dataset.query = q.name;
      node.dataset.status = status;
      if (q.error) node.append(el("div", { className: "err", textContent: q.error }));
      return node;
    }));
  }

  function render(snapshot) {
    lastSnapshotAt = new Date();
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
    $("uptime").textContent = fmtDuration(snapshot.health && snapshot.health.uptimeSeconds);
    $("updated").textContent = fmtClock(lastSnapshotAt);
    renderHealth(snapshot);
    renderTrending(snapshot.trending);
    renderTopWords(snapshot.topWords);
    renderTrends(snapshot.trends);
    renderLanguages(snapshot.languages);
    renderThroughput(snapshot.queries || []);
  }

  // --- connection -------------------------------------------------------------------------

  function setConnected(state) {
    const pill = $("connection");
    document.body.dataset.connection = state;
    if (state === "live") {
      pill.className = "pill live";
      pill.textContent = "Live";
      $("banner").hidden = true;
      document.body.classList.remove("offline");
    } else if (state === "down") {
      pill.className = "pill down";
      pill.textContent = "Disconnected";
      $("banner-since").textContent = lastSnapshotAt ? fmtClock(lastSnapshotAt) : "before";
      $("banner").hidden = false;
      document.body.classList.add("offline");
    } else {
      pill.className = "pill wait";
      pill.textContent = "Connecting…";
    }
  }

  function viewParams() {
    const params = new URLSearchParams();
    params.set("top", $("top-n").value);
    params.set("stopwords", $("hide-stop").checked ? "hide" : "show");
    params.set("hashtags", $("hashtags-only").checked ? "only" : "all");
    return params;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (source) source.close();
    const es = new EventSource("api/events?" + viewParams());
    source = es;
    es.addEventListener("snapshot", (e) => {
      setConnected("live");
      render(JSON.parse(e.data));
    });
    es.onopen = () => setConnected("live");
    es.onerror = () => {
      if (source !== es) return;
      setConnected("down");
      // EventSource retries network errors itself, but gives up for good on an HTTP error
      // (a half-started server): then reconnect by hand.
      if (es.readyState === EventSource.CLOSED) {
        reconnectTimer = setTimeout(connect, RECONNECT_MS);
      }
    };
  }

  function saveView() {
    try {
      localStorage.setItem("trendstream.view", viewParams().toString());
    } catch (e) { /* private mode: the view just is not remembered */ }
  }

  function loadView() {
    try {
      const saved = new URLSearchParams(localStorage.getItem("trendstream.view") || "");
      if (saved.has("top")) $("top-n").value = saved.get("top");
      if (saved.has("stopwords")) $("hide-stop").checked = saved.get("stopwords") === "hide";
      if (saved.has("hashtags")) $("hashtags-only").checked = saved.get("hashtags") === "only";
    } catch (e) { /* ignore */ }
  }

  // --- SQL box ----------------------------------------------------------------------------

  function isNumberColumn(rows, i) {
    let seen = false;
    for (const r of rows) {
      if (r[i] === null || r[i] === undefined) continue;
      if (typeof r[i] !== "number") return false;
      seen = true;
    }
    return seen;
  }

  function renderSqlResult(result) {
    const { columns, rows } = result;
    const numeric = columns.map((_, i) => isNumberColumn(rows, i));
    const head = el("thead", {}, [el("tr", {}, columns.map((c, i) =>
      el("th", { className: numeric[i] ? "num" : "", textContent: c })))]);
    const body = el("tbody", {}, rows.map((r) => el("tr", {}, r.map((v, i) => {
      if (v === null || v === undefined) {
        return el("td", { className: "null", textContent: "null" });
      }
      const text = typeof v === "object" ? JSON.stringify(v) : String(v);
      return el("td", { className: numeric[i] ? "num" : "", textContent: text, title: text });
    }))));
    $("sql-table").replaceChildren(head, body);
    $("sql-table-wrap").hidden = false;
    $("sql-status").textContent = `${rows.length} row${rows.length === 1 ? "" : "s"}` +
      (result.truncated ? " (truncated)" : "");

    const label = numeric.findIndex((n, i) => !n && rows.some((r) => typeof r[i] === "string"));
    const value = numeric.findIndex((n) => n);
    const chartBox = $("sql-chart");
    const showChart = label >= 0 && value >= 0 && rows.length > 0 && typeof echarts !== "undefined";
    chartBox.hidden = !showChart;
    chartBox.parentElement.classList.toggle("no-chart", !showChart);
    if (!showChart) return;
    const shown = rows.slice(0, 50);
    const c = chart("sql-chart");
    c.resize();
    c.setOption({
      ...baseOption,
      grid: { left: 8, right: 16, top: 24, bottom: 4, containLabel: true },
      title: { text: `${columns[value]} by ${columns[label]}`, left: 0, top: 0,
        textStyle: { fontSize: 12, fontWeight: 500, color: "#6b7486" } },
      xAxis: { type: "category", data: shown.map((r) => String(r[label])),
        axisLabel: { rotate: shown.length > 8 ? 40 : 0, color: "#46506a", interval: 0,
          width: 90, overflow: "truncate" } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } } },
      series: [{ type: "bar", data: shown.map((r) => r[value]), barMaxWidth: 28,
        itemStyle: { color: "#8f5bd6", borderRadius: [4, 4, 0, 0] } }],
    }, { notMerge: true });
  }

  async function runSql(event) {
    if (event) event.preventDefault();
    const q = $("sql-input").value.trim();
    const error = $("sql-error");
    if (!q) return;
    $("sql-run").disabled = true;
    $("sql-status").textContent = "Running…";
    error.hidden = true;
    try {
      const res = await fetch("api/sql?q=" + encodeURIComponent(q),
        { headers: { Accept: "application/json" } });
      let body = null;
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
      if (!res.ok) {
        throw new Error((body && body.error) || `HTTP ${res.status}`);
      }
      renderSqlResult(body);
    } catch (e) {
      const message = e instanceof TypeError ? "The Trendstream server is not reachable." :
        e.message;
      error.textContent = message;
      error.hidden = false;
      $("sql-status").textContent = "";
      $("sql-table-wrap").hidden = true;
      $("sql-chart").hidden = true;
    } finally {
      $("sql-run").disabled = false;
    }
  }

  // --- start ------------------------------------------------------------------------------

  // A token given once in the address is now a cookie: drop it from the address bar.
  if (new URLSearchParams(location.search).has("access_token")) {
    history.replaceState(null, "", location.pathname);
  }
  loadView();
  $("view-form").addEventListener("change", () => {
    saveView();
    connect();
  });
  $("view-form").addEventListener("submit", (e) => e.preventDefault());
  $("sql-form").addEventListener("submit", runSql);
  $("sql-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) runSql(e);
  });
  setConnected("wait");
  connect();
})();
