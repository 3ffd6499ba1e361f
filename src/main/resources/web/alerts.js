// The watched terms' live ticker (--watch): polls GET /api/alerts and shows the newest alerts
// above the panels. Hidden until the first alert, so a job without --watch shows nothing.
"use strict";
(function () {
  const POLL_MS = 500;
  const SHOW = 8;

  function build() {
    const section = document.createElement("section");
    section.className = "card alerts";
    section.id = "alerts-card";
    section.setAttribute("aria-labelledby", "alerts-title");
    section.hidden = true;
    section.innerHTML =
      '<div class="card-head"><h2 id="alerts-title">Watched terms</h2>' +
      '<span class="muted small" id="alerts-count"></span></div>' +
      '<ul id="alerts-list" aria-live="polite" style="list-style:none;margin:0;padding:0"></ul>';
    const main = document.querySelector("main");
    main.insertBefore(section, main.firstChild);
    return section;
  }

  function item(alert) {
    const li = document.createElement("li");
    li.dataset.id = alert.id_str;
    li.style.cssText = "padding:4px 0;border-bottom:1px solid rgba(127,127,127,.2);" +
      "white-space:nowrap;overflow:hidden;text-overflow:ellipsis";
    const terms = document.createElement("strong");
    terms.className = "alert-terms";
    terms.textContent = (alert.terms || []).join(" ") + " ";
    const time = document.createElement("span");
    time.className = "muted small";
    time.textContent = (alert.alerted_at || "").replace("T", " ").replace(/\.\d+Z$/, "Z") + " ";
    const text = document.createElement("span");
    text.className = "alert-text";
    text.textContent = alert.text || "";
    li.append(time, terms, text);
    return li;
  }

  let section;
  async function poll() {
    try {
      const res = await fetch("api/alerts?n=" + SHOW, { cache: "no-store" });
      if (res.ok) {
        const alerts = (await res.json()).alerts || [];
        if (alerts.length > 0) {
          section.hidden = false;
          const list = document.getElementById("alerts-list");
          list.replaceChildren(...alerts.map(item));
          document.getElementById("alerts-count").textContent =
            "newest " + alerts.length;
        }
      }
    } catch (e) {
      // The server is away (a restart): the next poll tries again.
    }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    section = build();
    poll();
  });
})();
