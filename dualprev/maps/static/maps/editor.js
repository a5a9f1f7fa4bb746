/* Drawing risk objects on a site plan: click (or tap) to add polygon vertices, double-click,
   tap the first vertex or press "完成区域" to close; a point takes one click. Coordinates are sent
   normalised to 0-1 of the image; the server validates them again. No framework. */
(function () {
  'use strict';
  var root = document.getElementById('editor');
  var svg = document.getElementById('editor-map');
  if (!root || !svg) return;
  var NS = 'http://www.w3.org/2000/svg';
  var W = Number(svg.dataset.width), H = Number(svg.dataset.height);
  var side = Math.max(W, H);
  var draft = svg.querySelector('.draft');
  var form = document.getElementById('zone-form');
  var status = document.getElementById('draft-status');
  var errorBox = document.getElementById('editor-error');
  var msgs = JSON.parse(document.getElementById('editor-messages').textContent);
  var points = [];
  var closed = false;
  var lastClick = {t: 0, x: 0, y: 0};

  function shape() { return form.querySelector('input[name=shape]:checked').value; }
  function fmt(text, n) { return text.replace('%(n)s', n); }
  function clamp(v) { return Math.min(1, Math.max(0, v)); }

  function toImage(evt) {
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX; pt.y = evt.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return [clamp(p.x / W), clamp(p.y / H)];
  }

  function screenDistance(a, evt) {
    var ctm = svg.getScreenCTM();
    var pt = svg.createSVGPoint();
    pt.x = a[0] * W; pt.y = a[1] * H;
    var s = pt.matrixTransform(ctm);
    return Math.hypot(s.x - evt.clientX, s.y - evt.clientY);
  }

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function render() {
    while (draft.firstChild) draft.removeChild(draft.firstChild);
    var px = points.map(function (p) { return (p[0] * W).toFixed(1) + ',' + (p[1] * H).toFixed(1); });
    var sw = Math.max(side * 0.0025, 1.5);
    if (shape() === 'polygon' && points.length > 1) {
      draft.appendChild(el(closed ? 'polygon' : 'polyline', {
        points: px.join(' '), fill: closed ? 'rgba(29,79,145,0.25)' : 'none',
        stroke: '#1d4f91', 'stroke-width': sw, 'stroke-dasharray': closed ? '' : (sw * 3) + ' ' + (sw * 2)
      }));
    }
    points.forEach(function (p, i) {
      draft.appendChild(el('circle', {
        cx: p[0] * W, cy: p[1] * H, r: side * (i === 0 ? 0.009 : 0.006),
        fill: i === 0 ? '#1d4f91' : '#ffffff', stroke: '#1d4f91', 'stroke-width': sw, 'class': 'vertex'
      }));
    });
    document.getElementById('zone-points').value = JSON.stringify(points);
    if (!points.length) status.textContent = msgs.none;
    else if (shape() === 'point') status.textContent = msgs.point;
    else if (closed) status.textContent = fmt(msgs.closed, points.length);
    else status.textContent = fmt(msgs.count, points.length);
    svg.dataset.vertices = String(points.length);
    svg.dataset.closed = closed ? '1' : '0';
  }

  function showError(text) {
    errorBox.textContent = text || '';
    errorBox.hidden = !text;
  }

  function closePolygon() {
    if (shape() !== 'polygon') return;
    if (points.length < 3) { showError(msgs.need_points); return; }
    closed = true; showError(''); render();
  }

  svg.addEventListener('click', function (evt) {
    evt.preventDefault();
    showError('');
    if (shape() === 'point') { points = [toImage(evt)]; closed = true; render(); return; }
    if (closed) return;
    var now = Date.now();
    var quickRepeat = now - lastClick.t < 400 && Math.hypot(evt.clientX - lastClick.x, evt.clientY - lastClick.y) < 10;
    lastClick = {t: now, x: evt.clientX, y: evt.clientY};
    // A second click in the same place (a double click or double tap), or a click on the first
    // vertex, closes the polygon.
    if (points.length >= 3 && (quickRepeat || screenDistance(points[0], evt) < 14)) { closePolygon(); return; }
    if (quickRepeat && points.length) return;
    points.push(toImage(evt));
    render();
  });

  document.getElementById('btn-close').addEventListener('click', closePolygon);
  document.getElementById('btn-undo').addEventListener('click', function () {
    if (closed && shape() === 'polygon') closed = false; else points.pop();
    if (shape() === 'point') closed = false;
    render();
  });
  document.getElementById('btn-clear').addEventListener('click', function () {
    points = []; closed = false; showError(''); render();
  });
  form.querySelectorAll('input[name=shape]').forEach(function (radio) {
    radio.addEventListener('change', function () { points = []; closed = false; render(); });
  });

  form.addEventListener('submit', function (evt) {
    evt.preventDefault();
    var object = form.querySelector('select[name=risk_object]').value;
    if (!object) { showError(msgs.need_object); return; }
    if (shape() === 'polygon' && points.length < 3) { showError(msgs.need_points); return; }
    if (shape() === 'point' && points.length !== 1) { showError(msgs.need_point); return; }
    var button = document.getElementById('btn-save');
    button.disabled = true;
    fetch(root.dataset.saveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'X-CSRFToken': form.querySelector('input[name=csrfmiddlewaretoken]').value
      },
      body: JSON.stringify({risk_object: object, shape: shape(), points: points})
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (result.ok) { window.location.assign(root.dataset.saveUrl); return; }
      button.disabled = false;
      showError(result.data.error || msgs.failed);
    }).catch(function () { button.disabled = false; showError(msgs.failed); });
  });

  render();
})();
