// Live preview of an assessment: asks POST /api/v1/assessments/preview (the endpoint
// integrations use) whenever every factor of the chosen method has a value.
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function render(box, data, error) {
    var swatch = box.querySelector(".swatch-big");
    var text = box.querySelector(".preview-text");
    swatch.className = "swatch-big " + (data ? "risk-" + data.colour : "empty");
    swatch.textContent = data ? data.level : "—";
    box.dataset.colour = data ? data.colour : "";
    text.classList.toggle("muted", !data && !error);
    if (error) { text.innerHTML = ""; var p = document.createElement("div"); p.className = "error"; p.textContent = error; text.appendChild(p); return; }
    if (!data) { text.textContent = box.dataset.hint; return; }
    text.innerHTML = "";
    var score = document.createElement("div"); score.className = "score";
    score.textContent = box.dataset.scoreLabel + " " + data.score;
    var detail = document.createElement("div"); detail.className = "muted small";
    // LEC/MES bands are numbers (级别 2 · 较大); LS bands are already the level name.
    detail.textContent = data.band === data.level ? data.level
      : box.dataset.bandLabel + " " + data.band + " · " + data.level;
    text.appendChild(score); text.appendChild(detail);
  }
  var seq = 0;
  function update() {
    var form = document.getElementById("assess-form");
    var box = document.getElementById("preview");
    if (!form || !box) return;
    var method = form.querySelector("[name=method]").value;
    var profiles = JSON.parse(form.dataset.profiles || "{}");
    var inputs = {}, complete = true, any = false;
    form.querySelectorAll("select[name^=f_]").forEach(function (sel) {
      if (sel.value === "") { complete = false; } else { any = true; inputs[sel.name.slice(2)] = sel.value; }
    });
    if (!any || !complete) { render(box, null, null); return; }
    var mine = ++seq;
    fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ method: method, profile: profiles[method] || null, inputs: inputs })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (mine !== seq) return;
      if (res.ok) render(box, res.body, null); else render(box, null, res.body.detail || "?");
    }).catch(function () { if (mine === seq) render(box, null, box.dataset.failed); });
  }
  document.addEventListener("change", function (e) {
    if (e.target.closest && e.target.closest("#assess-form")) update();
  });
  document.addEventListener("htmx:afterSwap", update);
  document.addEventListener("DOMContentLoaded", update);
})();
