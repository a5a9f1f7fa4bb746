/* The worker's check forms (/checks/), online and offline. No framework.
 *
 * Each item form keeps one client_id (rendered by the server) for its submission: a retry, or
 * a replay from the offline queue, sends the same id and the server never writes twice.
 * check_time is taken when the user presses submit; the location is asked for without
 * blocking (a short timeout). A submission that cannot reach the server (offline, or a network
 * failure) is stored with its photos in an IndexedDB queue, shown on the page, and sent — in
 * order, one at a time — on the `online` event, on page load and when the page comes back into
 * view. An entry leaves the queue only when the server answered 2xx (a duplicate answers 2xx
 * too); a 4xx keeps it, marked failed, with its message and retry / discard buttons.
 * Without JavaScript the forms post normally and the server redirects back with a message.
 */
(function () {
  "use strict";

  var DB_NAME = "dualprev-checks";
  var STORE = "queue";
  var MAX_PHOTOS = 3;
  var MAX_BYTES = 10 * 1024 * 1024;
  var GEO_TIMEOUT = 2500;
  var SHRINK_ABOVE = 3 * 1024 * 1024;
  var SHRINK_SIDE = 2560;
  var strings = {};
  var flushing = false;
  var sendingId = null; // the queue entry being sent now
  var lastPos = null;

  function t(key) { return strings[key] || key; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function deviceId() {
    try {
      var id = localStorage.getItem("dualprev-device-id");
      if (!id) { id = "web-" + uuid(); localStorage.setItem("dualprev-device-id", id); }
      return id;
    } catch (e) { return ""; }
  }

  // --- The queue (IndexedDB) ------------------------------------------------------------------

  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("IndexedDB unavailable")); return; }
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function queueAll() {
    return withStore("readonly", function (s) { return s.getAll(); })
      .then(function (rows) { return (rows || []).sort(function (a, b) { return a.seq - b.seq; }); })
      .catch(function () { return []; });
  }
  function queuePut(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function queueDelete(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }

  // --- Location, without blocking ------------------------------------------------------------

  function locate(timeout) {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      var settled = false;
      function done(value) { if (!settled) { settled = true; clearTimeout(timer); resolve(value); } }
      var timer = setTimeout(function () { done(null); }, timeout);
      try {
        navigator.geolocation.getCurrentPosition(function (p) {
          lastPos = { lat: p.coords.latitude, lng: p.coords.longitude, acc: p.coords.accuracy, at: Date.now() };
          done(lastPos);
        }, function () { done(null); }, { enableHighAccuracy: true, timeout: timeout, maximumAge: 120000 });
      } catch (e) { done(null); }
    });
  }

  function position() {
    if (lastPos && Date.now() - lastPos.at < 120000) return Promise.resolve(lastPos);
    return locate(GEO_TIMEOUT);
  }

  // --- Talking to the server ---------------------------------------------------------------

  /* The account the page belongs to: queued checks are sent only by the account that made
     them (a shared phone must not upload one worker's checks under another's name). */
  function ownerId() {
    var panel = document.getElementById("offline-queue");
    return panel ? panel.dataset.owner || "" : "";
  }

  function mine(entry) {
    return !entry.fields.owner || entry.fields.owner === ownerId();
  }

  function csrfToken() {
    var panel = document.getElementById("offline-queue");
    if (panel && panel.dataset.csrf) return panel.dataset.csrf;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  /* Resolves to {kind: "ok" | "rejected" | "server" | "auth" | "network", data?, message?}. */
  function send(entry, replay) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (k) { body.append(k, entry.fields[k]); });
    if (replay) body.set("offline", "1");
    entry.photos.forEach(function (p) { body.append("photos", new Blob([p.data], { type: p.type }), p.name); });
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (resp) {
      if (resp.type === "opaqueredirect" || (resp.status >= 300 && resp.status < 400)) return { kind: "auth" };
      return resp.json().catch(function () { return null; }).then(function (data) {
        if (resp.ok) return data && data.ok ? { kind: "ok", data: data } : { kind: "network" };
        if (resp.status >= 400 && resp.status < 500) {
          var message = data && data.error ? data.error : (resp.status === 403 ? t("csrfFailed") : t("rejected") + " (" + resp.status + ")");
          return { kind: "rejected", message: message };
        }
        return { kind: "server" };
      });
    }, function () { return { kind: "network" }; });
  }

  // --- The queue panel -----------------------------------------------------------------------

  function fmtTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d.getMonth() + 1) + "/" + d.getDate() + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render() {
    var panel = document.getElementById("offline-queue");
    if (!panel) return Promise.resolve();
    return queueAll().then(function (entries) {
      entries = entries.filter(mine);
      panel.hidden = entries.length === 0;
      document.getElementById("queue-count").textContent = entries.length;
      var list = document.getElementById("queue-items");
      list.textContent = "";
      entries.forEach(function (entry) {
        var li = el("li", entry.state === "failed" ? "failed" : "");
        li.dataset.id = entry.id;
        li.appendChild(el("span", "grow", entry.title));
        li.appendChild(el("span", "result-badge status-" + entry.fields.status, entry.statusLabel || ""));
        li.appendChild(el("span", "small muted nowrap", fmtTime(entry.fields.check_time)));
        if (entry.photos.length) li.appendChild(el("span", "small muted", entry.photos.length + " " + t("photos")));
        var state = entry.state === "failed" ? t("failed") : (entry.id === sendingId ? t("sending") : t("pending"));
        li.appendChild(el("span", "badge " + (entry.state === "failed" ? "badge-danger" : "badge-warn") + " queue-state", state));
        if (entry.error) li.appendChild(el("span", "error", entry.error));
        if (entry.state === "failed") {
          var retry = el("button", "btn btn-small queue-retry", t("retry"));
          retry.type = "button";
          retry.addEventListener("click", function () {
            entry.state = "pending"; entry.error = "";
            queuePut(entry).then(flush);
          });
          var discard = el("button", "btn btn-small btn-danger queue-discard", t("discard"));
          discard.type = "button";
          discard.addEventListener("click", function () {
            if (!window.confirm(t("confirmDiscard"))) return;
            queueDelete(entry.id).then(function () { unmarkQueued(entry); return render(); });
          });
          li.appendChild(retry);
          li.appendChild(discard);
        }
        list.appendChild(li);
      });
      entries.forEach(function (entry) {
        var form = document.getElementById("card-" + entry.occurrence);
        if (form && !form.classList.contains("is-done")) markQueued(form, entry);
      });
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var note = document.getElementById("queue-note");
    return queueAll().then(function (entries) {
      var pending = entries.filter(function (e) { return e.state !== "failed" && mine(e); });
      var i = 0;
      function next() {
        if (i >= pending.length) return Promise.resolve();
        var entry = pending[i++];
        sendingId = entry.id;
        return render().then(function () { return send(entry, true); }).then(function (r) {
          sendingId = null;
          if (r.kind === "ok") {
            return queueDelete(entry.id).then(function () { markSent(entry, r.data); }).then(next);
          }
          if (r.kind === "rejected") {
            entry.state = "failed"; entry.error = r.message;
            return queuePut(entry).then(next);
          }
          if (r.kind === "server") {
            entry.error = t("server");
            return queuePut(entry).then(next);
          }
          if (r.kind === "auth" && note) note.textContent = t("login");
          return null; // network or login: stop, try again later
        });
      }
      return next();
    }).catch(function () { /* storage unavailable */ }).then(function () {
      flushing = false;
      sendingId = null;
      return render();
    });
  }

  // --- Cards ---------------------------------------------------------------------------------

  function showError(form, message) {
    var box = form.querySelector(".card-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "nearest" });
  }

  function setBusy(form, busy) {
    var button = form.querySelector(".submit-check");
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.disabled = busy;
    button.textContent = busy ? t("sendingCard") : button.dataset.label;
  }

  function link(href, text) {
    var a = el("a", "", text + " ›");
    a.href = href;
    return a;
  }

  function showDone(form, data) {
    form.classList.remove("is-queued");
    form.classList.add("is-done");
    var box = form.querySelector(".card-result");
    box.className = "card-result" + (data.draft ? " hazard" : "");
    box.textContent = "";
    var head = el("div", "");
    head.appendChild(el("strong", "", "✓ " + t("submitted") + " "));
    head.appendChild(el("span", "result-badge status-" + data.record.status, data.record.status_label));
    head.appendChild(el("span", "small muted", " " + fmtTime(data.record.check_time)));
    box.appendChild(head);
    if (data.message) box.appendChild(el("div", "small result-message", data.message));
    var links = el("div", "small");
    links.appendChild(link(data.record.url, t("viewRecord")));
    if (data.draft) {
      links.appendChild(document.createTextNode(" · "));
      var a = link(data.draft.url, t("viewDraft"));
      a.className = "draft-link";
      links.appendChild(a);
    }
    box.appendChild(links);
    box.hidden = false;
  }

  function markQueued(form, entry) {
    var failed = entry.state === "failed";
    form.classList.add("is-queued");
    var box = form.querySelector(".card-result");
    box.className = "card-result " + (failed ? "hazard" : "queued");
    box.textContent = "";
    box.appendChild(el("strong", "", failed ? t("failed") : t("queued")));
    box.appendChild(el("div", "small muted", (entry.statusLabel || "") + " · " + fmtTime(entry.fields.check_time)));
    if (failed && entry.error) box.appendChild(el("div", "small", entry.error));
    box.hidden = false;
  }

  function unmarkQueued(entry) {
    var form = document.getElementById("card-" + entry.occurrence);
    if (!form || !form.classList.contains("is-queued")) return;
    form.classList.remove("is-queued");
    form.querySelector(".card-result").hidden = true;
    setBusy(form, false);
  }

  function markSent(entry, data) {
    var form = document.getElementById("card-" + entry.occurrence);
    if (form) showDone(form, data);
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve({ name: file.name || "photo.jpg", type: file.type || "image/jpeg", data: reader.result }); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(file);
    });
  }

  function renderThumbs(form) {
    var box = form.querySelector(".thumbs");
    box.textContent = "";
    form._photos.forEach(function (file, index) {
      var thumb = el("div", "thumb");
      var img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      var remove = el("button", "", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", t("removePhoto"));
      remove.addEventListener("click", function () { form._photos.splice(index, 1); renderThumbs(form); });
      thumb.appendChild(img);
      thumb.appendChild(remove);
      box.appendChild(thumb);
    });
  }

  /* A big camera photo is scaled down on the phone before it is queued or sent (the server
     scales it to 1600 px anyway): less to upload, less kept offline, and a 12 MB photo still
     fits the 10 MB limit. Anything that cannot be decoded here is sent as it is. */
  function shrink(file) {
    if (file.size <= SHRINK_ABOVE || !/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        var scale = Math.min(1, SHRINK_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height); // the browser applies EXIF orientation
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          try { resolve(new File([blob], name, { type: "image/jpeg" })); } catch (e) { blob.name = name; resolve(blob); }
        }, "image/jpeg", 0.88);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function addPhotos(form, input) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    var problem = "";
    var button = form.querySelector(".submit-check");
    button.disabled = true;
    return Promise.all(files.map(function (file) {
      if (file.type && file.type.indexOf("image/") !== 0) { problem = t("notImage"); return null; }
      return shrink(file);
    })).then(function (ready) {
      ready.forEach(function (file) {
        if (!file) return;
        if (file.size > MAX_BYTES) { problem = t("tooBig"); return; }
        if (form._photos.length >= MAX_PHOTOS) { problem = t("tooMany"); return; }
        form._photos.push(file);
      });
      button.disabled = false;
      showError(form, problem);
      renderThumbs(form);
    });
  }

  function statusOf(form) {
    var checked = form.querySelector("input[name=status]:checked");
    return checked ? checked.value : "";
  }

  function updateNote(form) {
    var needed = statusOf(form) === "1" || statusOf(form) === "3";
    form.querySelector(".note-label").classList.toggle("needed", needed);
  }

  function submitCard(form) {
    var checkTime = new Date().toISOString(); // the moment the user pressed submit
    showError(form, "");
    var status = statusOf(form);
    var note = form.querySelector("textarea[name=note]").value.trim();
    if (!status) { showError(form, t("needStatus")); return; }
    if ((status === "1" || status === "3") && !note) {
      showError(form, t("needNote"));
      form.querySelector("textarea[name=note]").focus();
      return;
    }
    setBusy(form, true);
    var label = form.querySelector("input[name=status]:checked + span");
    Promise.all([position(), Promise.all(form._photos.map(readFile))]).then(function (res) {
      var pos = res[0];
      var fields = {
        client_id: form.elements.client_id.value,
        status: status,
        note: note,
        check_time: checkTime,
        scanned: form.elements.scanned.value,
        device_id: deviceId(),
        owner: ownerId()
      };
      if (pos) { fields.latitude = pos.lat; fields.longitude = pos.lng; fields.accuracy = pos.acc; }
      var entry = {
        id: fields.client_id,
        seq: Date.now(),
        url: form.action,
        occurrence: form.dataset.occurrence,
        title: form.dataset.title,
        statusLabel: label ? label.textContent : "",
        fields: fields,
        photos: res[1],
        state: "pending",
        error: ""
      };
      if (!navigator.onLine) return enqueue(form, entry);
      return send(entry, false).then(function (r) {
        if (r.kind === "ok") { showDone(form, r.data); return flush(); }
        if (r.kind === "rejected") { setBusy(form, false); showError(form, r.message); return null; }
        return enqueue(form, entry).then(function () {
          if (r.kind === "auth") { var n = document.getElementById("queue-note"); if (n) n.textContent = t("login"); }
        });
      });
    }).catch(function () {
      setBusy(form, false);
      showError(form, t("storageFailed"));
    });
  }

  function enqueue(form, entry) {
    return queuePut(entry).then(function () {
      markQueued(form, entry);
      return render();
    }, function () {
      setBusy(form, false);
      showError(form, t("storageFailed"));
    });
  }

  function setUpCard(form) {
    form._photos = [];
    form.noValidate = true;
    form.classList.add("js-ready");
    var input = form.querySelector("input[type=file][name=photos]");
    input.addEventListener("change", function () { addPhotos(form, input); });
    form.addEventListener("change", function (e) { if (e.target.name === "status") updateNote(form); });
    form.addEventListener("submit", function (e) { e.preventDefault(); submitCard(form); });
  }

  function showNet() {
    var banner = document.getElementById("net-status");
    if (banner) banner.hidden = navigator.onLine;
    var button = document.getElementById("queue-flush");
    if (button) button.disabled = !navigator.onLine;
  }

  function start() {
    var source = document.getElementById("queue-strings");
    if (source) {
      Object.keys(source.dataset).forEach(function (k) { strings[k] = source.dataset[k]; });
    }
    var forms = document.querySelectorAll("form[data-check-form]");
    Array.prototype.forEach.call(forms, setUpCard);
    if (forms.length) locate(8000); // warm up the location; submit never waits long for it
    var flushButton = document.getElementById("queue-flush");
    if (flushButton) flushButton.addEventListener("click", function () { flush(); });
    showNet();
    window.addEventListener("online", function () { showNet(); flush(); });
    window.addEventListener("offline", showNet);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
    setInterval(function () { flush(); }, 60000);
    render().then(flush);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
