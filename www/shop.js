/* The demo shop's few lines of script: the products, the cart (sessionStorage: no cookies),
   the page language (bn by default), and where the edge is. Not part of the widget. */
(function () {
  "use strict";
  // The catalogue matches the worker's demo route (POST /demo/checkout): product keys and BDT prices.
  var products = {
    tshirt: { price: 650, bn: "সুতির টি-শার্ট", en: "Cotton T-shirt",
      dbn: "নরম সুতির হাফ-হাতা টি-শার্ট, ঢাকায় তৈরি।", den: "A soft half-sleeve cotton T-shirt, made in Dhaka.", c1: "#0f766e", c2: "#99f6e4" },
    mug: { price: 350, bn: "মাটির মগ", en: "Clay mug",
      dbn: "হাতে গড়া পোড়ামাটির চায়ের মগ।", den: "A hand-made terracotta tea mug.", c1: "#b45309", c2: "#fde68a" },
    kantha: { price: 1250, bn: "নকশিকাঁথা", en: "Nakshi kantha",
      dbn: "যশোরের হাতে সেলাই করা নকশিকাঁথা।", den: "A hand-stitched Nakshi kantha from Jashore.", c1: "#9d174d", c2: "#fbcfe8" }
  };
  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  function get(kind, key) {
    var s = store(kind);
    try { return s ? JSON.parse(s.getItem(key)) : null; } catch (e) { return null; }
  }
  function put(kind, key, value) {
    var s = store(kind);
    try { if (s) { if (value == null) s.removeItem(key); else s.setItem(key, JSON.stringify(value)); } } catch (e) { /* private mode */ }
  }
  var lang = new URLSearchParams(location.search).get("lang") || get("localStorage", "demo-lang") || "bn";
  if (lang !== "en") lang = "bn";
  var meta = document.querySelector('meta[name="bdpay-edge"]');
  var demo = {
    products: products,
    lang: lang,
    // The edge's origin: the page's own, unless the merchant server says otherwise (tests do).
    edge: (meta && meta.content) || location.origin,
    money: function (taka) {
      var f = new Intl.NumberFormat(lang === "bn" ? "bn-BD" : "en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return "৳" + f.format(taka);
    },
    t: function (bn, en) { return lang === "bn" ? bn : en; },
    // Sets an element's words for good (the page-wide translation pass leaves it alone after).
    say: function (el, bn, en) {
      el.removeAttribute("data-bn");
      el.removeAttribute("data-en");
      el.textContent = lang === "bn" ? bn : en;
    },
    cart: function () { return get("sessionStorage", "demo-cart"); },
    setCart: function (c) { put("sessionStorage", "demo-cart", c); },
    payment: function () { return get("sessionStorage", "demo-payment"); },
    setPayment: function (p) { put("sessionStorage", "demo-payment", p); },
    setLang: function (l) { put("localStorage", "demo-lang", l); location.reload(); },
    // Asks the shop's server side (the worker's demo route) for a payment for this cart.
    checkout: function (cart) {
      return fetch("/demo/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product: cart.product, quantity: cart.quantity, lang: lang })
      }).then(function (r) {
        return r.json().then(function (b) {
          if (!r.ok || !b.payment_id) throw new Error((b.error && b.error.code) || "checkout_failed");
          var p = { id: b.payment_id, secret: b.client_secret, amount: b.amount, order: b.order_id, cart: cart };
          demo.setPayment(p);
          return p;
        });
      });
    },
    // Puts the widget's script tag on the page: the one thing a merchant's page has to do.
    mount: function (target, p, extra) {
      var s = document.createElement("script");
      s.src = demo.edge + "/bdpay.js";
      s.async = true;
      s.setAttribute("data-payment", p.id);
      s.setAttribute("data-client-secret", p.secret);
      s.setAttribute("data-lang", lang);
      s.setAttribute("data-target", target);
      Object.keys(extra || {}).forEach(function (k) { s.setAttribute("data-" + k, extra[k]); });
      document.body.appendChild(s);
    },
    art: function (key) {
      var p = products[key];
      return '<svg viewBox="0 0 320 180" role="img" aria-label="' + p[lang] + '"><rect width="320" height="180" fill="' + p.c2 + '"/>' +
        '<circle cx="250" cy="40" r="60" fill="' + p.c1 + '" opacity=".18"/>' +
        (key === "tshirt" ? '<path d="M110 40l30-14h40l30 14 30 26-22 22-18-12v88H120V76l-18 12-22-22z" fill="' + p.c1 + '"/>'
          : key === "mug" ? '<rect x="115" y="50" width="80" height="96" rx="12" fill="' + p.c1 + '"/><path d="M195 72h18a22 22 0 010 44h-18" fill="none" stroke="' + p.c1 + '" stroke-width="12"/>'
            : '<path d="M90 150c20-80 60-120 110-120 10 40 0 90-30 120z" fill="' + p.c1 + '"/><path d="M130 150c10-40 30-70 70-90" stroke="' + p.c2 + '" stroke-width="6" fill="none" stroke-dasharray="6 8"/>') +
        "</svg>";
    }
  };
  window.demo = demo;
  document.documentElement.lang = lang;
  function apply() {
    document.querySelectorAll("[data-bn]").forEach(function (el) {
      el.textContent = el.getAttribute("data-" + lang);
    });
    var b = document.getElementById("lang");
    if (b) {
      b.textContent = lang === "bn" ? "English" : "বাংলা";
      b.onclick = function () { demo.setLang(lang === "bn" ? "en" : "bn"); };
    }
    var c = demo.cart(), n = document.getElementById("cart-count");
    if (n) n.textContent = c ? "(" + (lang === "bn" ? String(c.quantity).replace(/\d/g, function (d) { return "০১২৩৪৫৬৭৮৯"[d]; }) : c.quantity) + ")" : "";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply);
  else apply();
})();
