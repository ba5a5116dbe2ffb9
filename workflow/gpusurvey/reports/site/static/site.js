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
