(function () {
  "use strict";
  var STORE = "pillscan-labels-v1", PAGE = 100;
  var data = JSON.parse(document.getElementById("pillscan-data").textContent);
  var rows = data.rows, body = document.getElementById("posts-body");
  var trs = {};
  Array.prototype.forEach.call(body.querySelectorAll("tr[data-i]"), function (tr) { trs[tr.dataset.i] = tr; });
  document.documentElement.classList.add("js");
  var memory = {}, persistent = true;
  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "{}") || {}; }
    catch (e) { persistent = false; return memory; }
  }
  function save(all) {
    try { window.localStorage.setItem(STORE, JSON.stringify(all)); }
    catch (e) { persistent = false; memory = all; }
  }
  var labels = load();
  var state = {page: 0, sortKey: "score", sortDir: -1, cur: -1, order: []};
  function $(id) { return document.getElementById(id); }
  function fill(select, values) {
    values.forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; select.appendChild(o);
    });
  }
  function uniq(get) {
    var seen = {}, out = [];
    rows.forEach(function (r) { (get(r) || []).forEach(function (v) { if (v && !seen[v]) { seen[v] = 1; out.push(v); } }); });
    return out.sort();
  }
  fill($("f-drug"), uniq(function (r) { return r.drugs; }));
  fill($("f-signal"), uniq(function (r) { return r.signals; }));
  fill($("f-source"), uniq(function (r) { return [r.source]; }));
  fill($("f-account"), uniq(function (r) { return [r.account]; }));
  rows.forEach(function (r, i) {
    r.i = i;
    r.hay = [r.text, r.id, r.account, r.source, (r.reasons || []).join(" ")].join("\n").toLowerCase();
    var tr = trs[i];
    if (r.url && /^https?:\/\//i.test(r.url) && tr) {
      var cell = tr.querySelector("td.where"), a = document.createElement("a");
      a.href = r.url; a.textContent = "open post"; a.target = "_blank"; a.rel = "noopener noreferrer";
      cell.appendChild(document.createElement("br")); cell.appendChild(a);
    }
  });
  function labelOf(r) { var l = labels[r.key]; return l ? l.label : ""; }
  function matches(r) {
    var d = $("f-decision").value, q = $("f-search").value.trim().toLowerCase();
    if (d === "offer" || d === "review") { if (r.decision !== d) return false; }
    else if (d === "labelled") { if (!labelOf(r)) return false; }
    else if (d === "unlabelled") { if (labelOf(r)) return false; }
    var drug = $("f-drug").value, sig = $("f-signal").value, src = $("f-source").value, acc = $("f-account").value;
    if (drug && (r.drugs || []).indexOf(drug) < 0) return false;
    if (sig && (r.signals || []).indexOf(sig) < 0) return false;
    if (src && r.source !== src) return false;
    if (acc && r.account !== acc) return false;
    if (q && q.split(/\s+/).some(function (w) { return r.hay.indexOf(w) < 0; })) return false;
    return true;
  }
  function cmp(a, b) {
    var k = state.sortKey, x = a[k], y = b[k];
    if (x === y) return (b.score - a.score) || (a.i - b.i);
    if (x === undefined || x === null || x === "") return 1;
    if (y === undefined || y === null || y === "") return -1;
    return (x < y ? -1 : 1) * state.sortDir;
  }
  function render() {
    var shown = rows.filter(matches).sort(cmp);
    state.order = shown;
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * PAGE, visible = {};
    shown.slice(start, start + PAGE).forEach(function (r) { visible[r.i] = 1; body.appendChild(trs[r.i]); });
    rows.forEach(function (r) { trs[r.i].hidden = !visible[r.i]; paint(r); });
    $("shown").textContent = shown.length + " of " + rows.length + " rows match";
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0; $("next").disabled = state.page >= pages - 1;
    Array.prototype.forEach.call(document.querySelectorAll("#posts th.sort"), function (th) {
      th.classList.toggle("asc", th.dataset.key === state.sortKey && state.sortDir > 0);
      th.classList.toggle("desc", th.dataset.key === state.sortKey && state.sortDir < 0);
    });
    if (state.cur >= 0 && !visible[state.cur]) setCur(-1);
    counts();
  }
  function paint(r) {
    var tr = trs[r.i], l = labelOf(r);
    tr.classList.remove("lab-offer", "lab-not_offer", "lab-skip");
    if (l) tr.classList.add("lab-" + l);
    Array.prototype.forEach.call(tr.querySelectorAll(".labels button"), function (b) {
      b.classList.toggle("on", b.dataset.label === l);
      b.setAttribute("aria-pressed", b.dataset.label === l ? "true" : "false");
    });
  }
  function counts() {
    var n = {offer: 0, not_offer: 0, skip: 0};
    rows.forEach(function (r) { var l = labelOf(r); if (l) n[l] += 1; });
    $("label-counts").textContent = "labelled here: " + n.offer + " offer, " + n.not_offer + " not an offer, " +
      n.skip + " skipped" + (persistent ? " (kept in this browser)" : " (this browser blocks storage: export before closing)");
  }
  function setLabel(i, label) {
    var r = rows[i]; labels = load();
    if (!label || labelOf(r) === label) delete labels[r.key];
    else labels[r.key] = {label: label, at: new Date().toISOString()};
    save(labels); paint(r); counts();
  }
  function setCur(i) {
    if (state.cur >= 0 && trs[state.cur]) trs[state.cur].classList.remove("cur");
    state.cur = i;
    if (i >= 0) { trs[i].classList.add("cur"); trs[i].scrollIntoView({block: "nearest"}); }
  }
  function move(step) {
    var vis = state.order.slice(state.page * PAGE, state.page * PAGE + PAGE);
    if (!vis.length) return;
    var at = -1;
    vis.forEach(function (r, k) { if (r.i === state.cur) at = k; });
    var next = at < 0 ? (step > 0 ? 0 : vis.length - 1) : at + step;
    if (next >= vis.length && state.page * PAGE + PAGE < state.order.length) { state.page += 1; render(); next = 0; }
    else if (next < 0 && state.page > 0) { state.page -= 1; render(); next = PAGE - 1; }
    vis = state.order.slice(state.page * PAGE, state.page * PAGE + PAGE);
    setCur(vis[Math.max(0, Math.min(next, vis.length - 1))].i);
  }
  function csvField(v) {
    var s = v === undefined || v === null ? "" : String(v);
    // Inert in a spreadsheet (OWASP): the rule of pillscan.textsafe.spreadsheet_cell, which labels.py undoes.
    if (/^[=+\-@\t\r]/.test(s) || /^'[=+\-@\t\r']/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportLabels() {
    var cols = ["text", "label", "id", "source", "account", "channel", "platform", "created_at", "url", "score", "decision",
                "labelled_at"];
    var lines = [cols.join(",")], n = 0;
    rows.forEach(function (r) {
      var l = labels[r.key]; if (!l) return;
      n += 1;
      lines.push([r.text, l.label, r.id, r.source, r.account, r.channel, r.platform, r.time, r.url, r.score, r.decision,
                  l.at].map(csvField).join(","));
    });
    if (!n) { $("export-note").textContent = "nothing labelled yet"; return; }
    var blob = new Blob([lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "pillscan-labels-" + new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "") + ".csv";
    document.body.appendChild(a); a.click(); a.remove();
    $("export-note").textContent = "exported " + n + " labels (" + a.download + ")";
  }
  body.addEventListener("click", function (e) {
    var b = e.target.closest(".labels button"); if (!b) return;
    var i = +b.closest("tr").dataset.i; setCur(i); setLabel(i, b.dataset.label);
  });
  ["f-decision", "f-drug", "f-signal", "f-source", "f-account"].forEach(function (id) {
    $(id).addEventListener("change", function () { state.page = 0; render(); });
  });
  $("f-search").addEventListener("input", function () { state.page = 0; render(); });
  $("prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("next").addEventListener("click", function () { state.page += 1; render(); });
  $("export").addEventListener("click", exportLabels);
  $("clear").addEventListener("click", function () {
    if (!window.confirm("Forget every label on the posts of this report?")) return;
    labels = load(); rows.forEach(function (r) { delete labels[r.key]; }); save(labels); render();
  });
  Array.prototype.forEach.call(document.querySelectorAll("#posts th.sort"), function (th) {
    th.addEventListener("click", function () {
      if (state.sortKey === th.dataset.key) state.sortDir = -state.sortDir;
      else { state.sortKey = th.dataset.key; state.sortDir = th.dataset.key === "score" ? -1 : 1; }
      render();
    });
  });
  document.querySelectorAll("#accounts-table th.sort").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var tb = document.querySelector("#accounts-table tbody"), dir = th.classList.contains("desc") ? 1 : -1;
      var list = Array.prototype.slice.call(tb.rows);
      list.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v, nx = parseFloat(x), ny = parseFloat(y);
        if (!isNaN(nx) && !isNaN(ny)) return (nx - ny) * dir;
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      list.forEach(function (tr) { tb.appendChild(tr); });
      document.querySelectorAll("#accounts-table th.sort").forEach(function (o) { o.classList.remove("asc", "desc"); });
      th.classList.add(dir > 0 ? "asc" : "desc");
    });
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-account]"); if (!b) return;
    $("f-account").value = b.dataset.account; showTab("posts"); state.page = 0; render();
  });
  function showTab(name) {
    Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (t) { t.hidden = t.id !== "tab-" + name; });
    Array.prototype.forEach.call(document.querySelectorAll("nav.tabs button"), function (b) {
      b.classList.toggle("on", b.dataset.tab === name);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("nav.tabs button"), function (b) {
    b.addEventListener("click", function () { showTab(b.dataset.tab); });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    var keys = {o: "offer", "1": "offer", n: "not_offer", "0": "not_offer", s: "skip"};
    if (e.key === "j" || e.key === "ArrowDown") { move(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowUp") { move(-1); e.preventDefault(); }
    else if (keys[e.key] && state.cur >= 0) { setLabel(state.cur, keys[e.key]); move(1); e.preventDefault(); }
    else if ((e.key === "x" || e.key === "Backspace") && state.cur >= 0) { setLabel(state.cur, ""); e.preventDefault(); }
    else if (e.key === "/") { $("f-search").focus(); e.preventDefault(); }
  });
  window.addEventListener("storage", function (e) { if (e.key === STORE) { labels = load(); render(); } });
  showTab("posts");
  render();
})();
