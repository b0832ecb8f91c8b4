/*! bdpay.js: the bdpay checkout widget's loader */
// It finds its own <script> tag, paints a loading line, loads the widget's WebAssembly from
// beside itself and mounts it. No framework, no cookies, no globals. Only the line above is
// shipped as a comment (esbuild keeps /*! comments).
// Source of www/bdpay.js: scripts/build-widget.sh writes the content-hashed file names in
// (the __BDPAY_FILES__ word) and minifies it with esbuild. /bdpay.js is cached for minutes,
// the hashed files for a year.
(function (d, w) {
  "use strict";
  // currentScript is null in a few old webviews: then the last bdpay tag with a payment.
  var s = d.currentScript || [].slice.call(d.querySelectorAll("script[src*='bdpay.js']")).pop();
  if (!s || !s.src) return;
  var at = function (n) { return (s.getAttribute("data-" + n) || "").trim(); };
  var src = new URL(s.src, location.href);
  var api = src.origin;
  var en = /^en/i.test(at("lang"));
  var pay = at("payment"), sec = at("client-secret");
  // The desktop build adds the QR encoder; a phone never downloads it.
  // Android's WebView says "; wv)", iOS webviews and in-app browsers leave "Safari" out;
  // KaiOS feature phones say "KAIOS" (routing prefers bKash there).
  var ua = navigator.userAgent, view = /; wv\)|FBAN|FBAV/.test(ua) || (/iPhone|iPad/.test(ua) && !/Safari/.test(ua));
  var desk = at("device") === "desktop" || (!view && w.matchMedia &&
    matchMedia("(min-width: 720px) and (hover: hover) and (pointer: fine)").matches);
  var dev = desk ? "desktop" : view ? "webview" : /KAIOS/i.test(ua) ? "feature_phone" : "mobile_web";
  // [glue, wasm] for each build: phone or desktop (with the QR encoder), Bangla or English;
  // a phone build's "-manual" twin adds the manual-transfer screen, loaded only when needed.
  var all = __BDPAY_FILES__, key = (desk ? "desktop-" : "phone-") + (en ? "en" : "bn");
  // Fetches a build's glue and wasm now; resolves to its module, ready to mount.
  function load(f) {
    var wasm = fetch(new URL(f[1], src));
    // One glue module per wasm build (the query names it), in case a page mounts two kinds.
    var m = import(new URL(f[0], src).href + "?" + f[1].slice(-17, -5)).then(function (g) {
      return g.default({ module_or_path: wasm }).then(function () { return g; });
    });
    wasm.catch(function () {});
    m.catch(function () {});
    return m;
  }
  // The device id confirm carries (docs/device-id.md): SHA-256 of ten stable features that
  // say what kind of phone this is, never who holds it; null where the browser cannot hash
  // (no crypto.subtle outside a secure context). Worked out here, while the wasm loads: the
  // browser's own SHA-256 and no bytes of it in the wasm.
  function deviceId() {
    var sc = w.screen || {}, n = navigator, x = +sc.width || 0, y = +sc.height || 0, tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    var f = ["bdpay-device-1", Math.min(x, y), Math.max(x, y), sc.colorDepth, w.devicePixelRatio,
      n.hardwareConcurrency, n.maxTouchPoints, tz, n.language, n.platform].join("|");
    try {
      return crypto.subtle.digest("SHA-256", new TextEncoder().encode(f)).then(function (b) {
        return [].map.call(new Uint8Array(b), function (v) { return (v | 256).toString(16).slice(1); }).join("");
      }).catch(function () { return null; });
    } catch (e) {
      return Promise.resolve(null);
    }
  }
  // Everything the first screen needs starts now and travels together: glue, wasm, status.
  var ready = load(all[key]), id = deviceId();
  var first;
  if (/^pay_[a-z0-9]{24}$/.test(pay) && sec) {
    first = fetch(api + "/v1/payments/" + pay + "/status?client_secret=" + encodeURIComponent(sec), { cache: "no-store" });
    first.catch(function () {});
  }

  function box(t, words, status) {
    t.setAttribute("data-bdpay-status", status);
    var html = '<p role="status" style="margin:0;padding:16px;min-height:120px;border:1px solid var(--bdpay-border,#d9e2ec);' +
      'border-radius:var(--bdpay-radius,12px);background:var(--bdpay-bg,#fff);color:var(--bdpay-muted,#52606d);' +
      'font:var(--bdpay-font-size,16px)/1.45 var(--bdpay-font,system-ui,sans-serif)">' + words + "</p>";
    try {
      (t.shadowRoot || t.attachShadow({ mode: "open" })).innerHTML = html;
    } catch (e) {
      t.textContent = words;
    }
  }

  function start() {
    var sel = at("target"), t = sel && d.querySelector(sel);
    if (!t) {
      if (sel) return console.error("bdpay: no element matches data-target " + sel);
      // No data-target: the widget goes where the tag is.
      t = d.createElement("div");
      if (s.parentNode && s.parentNode !== d.head) s.parentNode.insertBefore(t, s);
      else d.body.appendChild(t);
    }
    box(t, en ? "Loading the payment…" : "পেমেন্ট লোড হচ্ছে…", "loading");
    var failed = function () {
      box(t, en ? "The payment could not load. Check your connection and reload the page."
        : "পেমেন্ট লোড হয়নি। ইন্টারনেট সংযোগ দেখে পেজটি আবার লোড করুন।", "load_failed");
    };
    // The widget calls `more` when the payment needs the manual-transfer screen: that build
    // takes the container over and asks for the status itself.
    var twin = all[key + "-manual"];
    var more = twin && function () {
      load(twin).then(function (m) { m.mount(t, s, api, dev, void 0, void 0, id); }).catch(failed);
    };
    ready.then(function (m) { m.mount(t, s, api, dev, first, more, id); }).catch(failed);
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})(document, window);
