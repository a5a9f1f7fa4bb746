/* The worker's hazard forms (report, draft, fix). No framework; the forms work without it.
 *
 * - Photo inputs show the chosen photos as thumbnails (with a remove button), keep at most
 *   three, and scale a big camera photo down on the phone before it is sent (the server
 *   re-encodes to 1600 px anyway): less to upload, and six camera photos still fit one
 *   request. The input's file list is replaced through DataTransfer; where a browser cannot
 *   do that, the photos go as chosen.
 * - The submit button is disabled once pressed (the server also ignores a second copy of a
 *   report form, see hazards.forms_worker.ReportGuard).
 */
(function () {
  "use strict";

  var MAX_PHOTOS = 3;
  var SHRINK_ABOVE = 3 * 1024 * 1024;
  var SHRINK_SIDE = 2560;

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
          try { resolve(new File([blob], name, { type: "image/jpeg" })); } catch (e) { resolve(file); }
        }, "image/jpeg", 0.88);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function canReplaceFiles() {
    try { return typeof DataTransfer === "function" && !!new DataTransfer().items; } catch (e) { return false; }
  }

  function setFiles(input, files) {
    var dt = new DataTransfer();
    files.forEach(function (f) { dt.items.add(f); });
    input.files = dt.files;
  }

  function setupPhotos(box, form) {
    var input = box.querySelector("input[type=file]");
    var thumbs = box.querySelector(".thumbs");
    var note = box.querySelector(".photo-note");
    if (!input || !thumbs || !canReplaceFiles()) return;
    box.classList.add("js-ready");
    var chosen = [];
    var busy = 0;

    function render() {
      thumbs.textContent = "";
      chosen.forEach(function (file, index) {
        var thumb = document.createElement("div");
        thumb.className = "thumb";
        var img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", box.dataset.remove || "remove");
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          setFiles(input, chosen);
          render();
        });
        thumb.appendChild(img);
        thumb.appendChild(remove);
        thumbs.appendChild(thumb);
      });
    }

    input.addEventListener("change", function () {
      var added = Array.prototype.slice.call(input.files || []);
      var room = MAX_PHOTOS - chosen.length;
      if (note) note.hidden = added.length <= room;
      added = added.slice(0, Math.max(room, 0));
      busy += 1;
      form.dataset.busy = "1";
      Promise.all(added.map(shrink)).then(function (files) {
        chosen = chosen.concat(files).slice(0, MAX_PHOTOS);
        setFiles(input, chosen);
        render();
      }).finally(function () {
        busy -= 1;
        if (!busy) delete form.dataset.busy;
      });
    });
  }

  function setupForm(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-photos]"), function (box) {
      setupPhotos(box, form);
    });
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[type=submit]");
      if (form.dataset.busy) { event.preventDefault(); return; } // photos still being prepared
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      if (button) {
        button.disabled = true;
        if (button.dataset.sending) button.textContent = button.dataset.sending;
      }
    });
    // Back from the next page (bfcache): the form may be used again.
    window.addEventListener("pageshow", function () {
      delete form.dataset.sent;
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = false; if (button.dataset.label) button.textContent = button.dataset.label; }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-hz-form]"), setupForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
