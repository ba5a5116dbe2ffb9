// The page's behaviour: sort a table by a clicked header, filter every table by series, memory and
// price, switch Korean / English, render the Bokeh charts of the language shown, answer the fit form.
"use strict";
(function () {
  const body = document.body;
  const charts = JSON.parse(document.getElementById("charts").textContent);
  const rendered = new Set();

  function renderCharts(lang) {
    if (!window.Bokeh) return;
    document.querySelectorAll('.chart[data-lang="' + lang + '"]').forEach(function (div, i) {
      if (rendered.has(div)) return;
      rendered.add(div);
      div.id = div.id || "chart-" + lang + "-" + i;
      window.Bokeh.embed.embed_item(charts[div.dataset.chart][lang], div.id);
    });
  }

  function setLang(lang) {
    body.classList.remove("lang-en", "lang-ko");
    body.classList.add("lang-" + lang);
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.setLang === lang));
    });
    document.querySelectorAll("[data-title-ko]").forEach(function (el) {
      if (el.dataset.titleEn === undefined) el.dataset.titleEn = el.title;
      el.title = lang === "ko" ? el.dataset.titleKo : el.dataset.titleEn;
    });
    document.querySelectorAll("[data-en][data-ko]").forEach(function (el) {
      el.textContent = el.dataset[lang];
    });
    document.querySelectorAll("[data-placeholder-en]").forEach(function (el) {
      el.placeholder = lang === "ko" ? el.dataset.placeholderKo : el.dataset.placeholderEn;
    });
    renderCharts(lang);
    if (window.fitAnswer) window.fitAnswer();
  }

  function sortValue(cell, numeric) {
    const raw = cell.hasAttribute("data-sort") ? cell.dataset.sort : null;
    if (raw === null || raw === "") return null;
    return numeric ? parseFloat(raw) : raw;
  }

  function sortBy(th) {
    const table = th.closest("table");
    const index = Array.prototype.indexOf.call(th.parentNode.children, th);
    const numeric = th.dataset.type === "number";
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const tbody = table.tBodies[0];
    const rows = Array.from(tbody.rows).map(function (row, i) {
      return { row: row, i: i, v: sortValue(row.cells[index], numeric) };
    });
    rows.sort(function (a, b) {
      if (a.v === null || b.v === null) return (a.v === null) - (b.v === null) || a.i - b.i;
      const c = numeric ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return (ascending ? c : -c) || a.i - b.i;
    });
    rows.forEach(function (r) { tbody.appendChild(r.row); });
  }

  function applyFilters() {
    const series = document.getElementById("f-series").value;
    const memory = parseFloat(document.getElementById("f-memory").value);
    const low = parseFloat(document.getElementById("f-price-min").value);
    const high = parseFloat(document.getElementById("f-price-max").value);
    document.querySelectorAll("section.table tbody tr").forEach(function (row) {
      const d = row.dataset;
      let show = true;
      if (series && d.series !== undefined) show = d.series === series;
      if (show && !isNaN(memory) && d.memory !== undefined) show = d.memory !== "" && parseFloat(d.memory) >= memory;
      const price = d.price === undefined || d.price === "" ? NaN : parseFloat(d.price);
      if (show && !isNaN(low) && d.price !== undefined) show = !isNaN(price) && price >= low;
      if (show && !isNaN(high) && d.price !== undefined) show = !isNaN(price) && price <= high;
      row.hidden = !show;
    });
  }

  // What fits: the precomputed answer of the chosen card, model, format and context, looked up.
  const fitData = document.getElementById("fit-data");
  if (fitData) {
    const A = JSON.parse(fitData.textContent);
    const W = JSON.parse(document.getElementById("fit-words").textContent);
    const choice = function (id) { return parseInt(document.getElementById("fit-" + id).value, 10); };
    const cell = function (tag, text, key) {
      const el = document.createElement(tag);
      el.textContent = text;
      if (key) el.dataset.fit = key;
      return el;
    };
    window.fitAnswer = function () {
      const w = W[body.classList.contains("lang-ko") ? "ko" : "en"];
      const c = choice("card"), m = choice("model"), f = choice("format"), x = choice("context");
      const X = A.contexts.length, F = A.formats.length;
      const k = ((c * A.models.length + m) * F + f) * X + x, j = (m * F + f) * X + x;
      const gb = function (v) { return v.toFixed(2) + " " + w.gb; };
      const fits = A.fits[k] === 1;
      const rows = ["weights", "kv_cache", "scratch", "runtime", "total"].map(function (t) {
        return [w[t], gb(A.memory[t][j]), t];
      });
      rows.push([w.capacity, A.capacity_gib[c] + " " + w.gib, "capacity"]);
      rows.push([w.headroom, gb(A.headroom_gb), "headroom"]);
      rows.push([fits ? w.spare : w.short, gb(Math.abs(A.spare[k])), "spare"]);
      rows.push([w.bound, A.bound[k].toFixed(1) + " " + w.rate, "bound"]);
      const out = document.getElementById("fit-answer");
      out.replaceChildren();
      const verdict = cell("p", A.cards[c] + ", " + A.models[m][1] + ", " + A.formats[f][1] + ", " +
                           A.contexts[x] + ": " + (fits ? w.fits : w.no_fit), "verdict");
      verdict.className = "verdict " + (fits ? "yes" : "no");
      out.appendChild(verdict);
      const table = document.createElement("table");
      rows.forEach(function (r) {
        const tr = document.createElement("tr");
        tr.append(cell("th", r[0]), cell("td", r[1], r[2]));
        table.appendChild(tr);
      });
      const tr = document.createElement("tr");
      tr.className = "predicted";
      let speed;
      if (!fits) speed = cell("td", w.none_fit, "predicted");
      else if (A.predicted[k] === null) speed = cell("td", w.no_prediction, "predicted");
      else {
        speed = cell("td", "", "predicted");
        speed.appendChild(cell("i", A.predicted[k].toFixed(1) + " " + w.rate + ", " + w.interval + " " +
                               A.low[k].toFixed(1) + "–" + A.high[k].toFixed(1)));
        const software = A.software_names[A.software[k]];
        speed.appendChild(document.createTextNode(" (" + w.by.replace("{software}", software) + ")"));
      }
      speed.style.whiteSpace = "normal";
      tr.append(cell("th", w.predicted), speed);
      table.appendChild(tr);
      out.appendChild(table);
    };
    ["card", "model", "format", "context"].forEach(function (id) {
      document.getElementById("fit-" + id).addEventListener("change", window.fitAnswer);
    });
    window.fitAnswer();
  }

  document.querySelectorAll("button.sort").forEach(function (b) {
    b.addEventListener("click", function () { sortBy(b.closest("th")); });
  });
  ["f-series", "f-memory", "f-price-min", "f-price-max"].forEach(function (id) {
    document.getElementById(id).addEventListener("input", applyFilters);
  });
  document.getElementById("f-reset").addEventListener("click", function () {
    ["f-series", "f-memory", "f-price-min", "f-price-max"].forEach(function (id) {
      document.getElementById(id).value = "";
    });
    applyFilters();
  });
  document.querySelectorAll("[data-set-lang]").forEach(function (b) {
    b.addEventListener("click", function () { setLang(b.dataset.setLang); });
  });
  const start = /^#?ko\b/.test(location.hash) ? "ko" : "en";
  // The tables are in the HTML; the charts are drawn once the first paint is done.
  requestAnimationFrame(function () { setTimeout(function () { setLang(start); }, 0); });
})();
