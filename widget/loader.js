// bdpay.js, the checkout widget's loader: finds its own <script> tag, paints the widget's
// skeleton, loads the widget's WebAssembly from beside itself and mounts it into the
// skeleton's frame. No framework, no cookies, no globals. No comment is shipped: every byte
// of this file is on the shopper's way to the first paint.
// Source of www/bdpay.js: scripts/build-widget.sh writes the content-hashed file names in
// (the __BDPAY_FILES__ word) and the stylesheet (in place of its CSS word), and minifies it with
// esbuild. /bdpay.js is cached for minutes, the hashed files for a year.
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
  // A desktop's twin build adds the QR encoder; a phone never downloads it.
  // Android's WebView says "; wv)", iOS webviews and in-app browsers leave "Safari" out;
  // KaiOS feature phones say "KAIOS" (routing prefers bKash there).
  var ua = navigator.userAgent, view = /; wv\)|FBAN|FBAV/.test(ua) || (/iPhone|iPad/.test(ua) && !/Safari/.test(ua));
  var desk = at("device") === "desktop" || (!view && w.matchMedia &&
    matchMedia("(min-width: 720px) and (hover: hover) and (pointer: fine)").matches);
  var dev = desk ? "desktop" : view ? "webview" : /KAIOS/i.test(ua) ? "feature_phone" : "mobile_web";
  // [glue's hash, wasm's hash] for each build (scripts/build-widget.sh): "phone-bn" or
  // "phone-en" first, everywhere; its twin "phone-…-manual" or, on a desktop,
  // "desktop-…-manual" (with the QR encoder) only when a payment needs it.
  var all = __BDPAY_FILES__, lang = en ? "en" : "bn";
  // Fetches a build's glue and wasm now; resolves to its module, ready to mount.
  // `f` is the build's two content hashes: its glue's and its wasm's.
  function load(f) {
    var wasm = fetch(new URL("pkg/bdpay_widget_bg." + f[1] + ".wasm", src));
    // One glue module per wasm build (the query names it), in case a page mounts two kinds.
    var m = import(new URL("pkg/bdpay_widget." + f[0] + ".js", src).href + "?" + f[1]).then(function (g) {
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
  var ready = load(all["phone-" + lang]), id = deviceId();
  var first;
  if (/^pay_[a-z0-9]{24}$/.test(pay) && sec) {
    first = fetch(api + "/v1/payments/" + pay + "/status?client_secret=" + encodeURIComponent(sec), { cache: "no-store" });
    first.catch(function () {});
  }

  // The skeleton: the widget's own loading view (widget/src/render.rs at `loading`) in its own
  // stylesheet (widget/widget.css, written in by the build) and frame (#w), so the wasm takes
  // it over without a visible change (widget/src/view.rs builds inside the same frame). It is
  // usable: the phone field takes typing, which the wasm carries over, and a wallet tapped
  // here is handed to mount as `tapped`, confirmed once the status says requires_method.
  var words = en ? ["Mobile number (optional)", "bKash", "Nagad", "Pay", "Loading the payment…"]
    : ["মোবাইল নম্বর (ঐচ্ছিক)", "বিকাশ", "নগদ", "পেমেন্ট করুন", "পেমেন্ট লোড হচ্ছে…"];
  var tapped;
  function wallet(p, name) {
    return "<button type=button data-provider=" + p + "><span><b>" + name + "</b>" + words[3] + "</span></button>";
  }
  function paint(t) {
    t.setAttribute("data-bdpay-status", "loading");
    var root;
    try {
      root = t.shadowRoot || t.attachShadow({ mode: "open" });
    } catch (e) {
      return (t.textContent = words[4]);
    }
    root.innerHTML = "<style>" + __BDPAY_CSS__ + "</style><div id=w class=w part=widget><div class=h></div>" +
      "<div id=f><div id=pw><label for=p>" + words[0] + "</label><input id=p type=tel inputmode=tel " +
      "autocomplete=tel maxlength=20><div class=t></div></div><div class=b>" + wallet("bkash", words[1]) +
      wallet("nagad", words[2]) + "</div></div><div class=g><i></i></div><p class=s role=status>" + words[4] + "</p></div>";
    root.getElementById("f").addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b || tapped) return;
      tapped = b.getAttribute("data-provider");
      b.setAttribute("aria-busy", "true");
      for (var x of root.querySelectorAll("button")) x.disabled = true;
      root.querySelector(".g").setAttribute("data-provider", tapped);
    });
  }
  // The words that replace the skeleton when the widget cannot load.
  function fail(t) {
    var w = t.shadowRoot && t.shadowRoot.getElementById("w"), why = en
      ? "The payment could not load. Check your connection and reload the page."
      : "পেমেন্ট লোড হয়নি। ইন্টারনেট সংযোগ দেখে পেজটি আবার লোড করুন।";
    t.setAttribute("data-bdpay-status", "load_failed");
    if (w) w.innerHTML = "<p class=s role=status>" + why + "</p>";
    else t.textContent = why;
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
    paint(t);
    var failed = function () { fail(t); };
    // The widget calls `more` when the payment needs a screen its build leaves out (the
    // manual transfer, the step-up's code, the compliance fields, a desktop's QR code): the
    // twin with them takes the container over and asks for the status itself.
    var twin = all[(desk ? "desktop-" : "phone-") + lang + "-manual"];
    var more = twin && function () {
      load(twin).then(function (m) { m.mount(t, s, api, dev, { device_id: id, resumed: true }); }).catch(failed);
    };
    ready.then(function (m) {
      m.mount(t, s, api, dev, { first: first, more: more, device_id: id, tapped: tapped });
    }).catch(failed);
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})(document, window);
