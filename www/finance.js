/* The finance view (finance.html): one Dhaka day's reconciliation, what needs review, that
   day's settlement (with the cashback and tax its payments carried), the next two weeks' bank
   credits, a 14-day chart and the grey release's cohorts over those 14 days, in Bangla (default)
   or English. Reads the merchant API with a key the clerk types in, kept in sessionStorage
   only. No framework; every word of the server goes in as text, never as HTML.
   Money stays a string: formatted digit by digit, subtracted as BigInt poisha, and turned
   into a float only for the height of a bar. */
(function () {
  "use strict";

  var BN = "০১২৩৪৫৬৭৮৯";
  var ALARM_RATIO = 0.02; // the 2 % line drawn on the chart; the edge alone decides `alarm`
  var KEY_STORE = "bdpay-finance-key";
  var KINDS = ["matched", "fuzzy_matched", "needs_review", "missing_at_provider", "missing_in_ledger", "amount_mismatch"];
  var SVG = "http://www.w3.org/2000/svg";

  var params = new URLSearchParams(location.search);
  var lang = params.get("lang") === "en" ? "en" : "bn";
  var EDGE = edgeOrigin();

  // ---------------------------------------------------------------- words
  var W = {
    loading: ["লোড হচ্ছে…", "Loading…"],
    loaded: [function (d) { return d + "-এর হিসাব দেখানো হচ্ছে।"; }, function (d) { return "Showing " + d + "."; }],
    needKey: ["কী দিন: rk_ বা sk_ দিয়ে শুরু হয়।", "Enter a key: it starts with rk_ or sk_."],
    badKeyShape: ["এটি bdpay-এর কী মনে হচ্ছে না: কী rk_ বা sk_ দিয়ে শুরু হয়।", "That does not look like a bdpay key: keys start with rk_ or sk_."],
    needDate: ["একটি তারিখ বেছে নিন।", "Pick a date."],
    secretNote: ["এটি গোপন কী (sk_…): শুধু ডেভেলপমেন্টে ব্যবহার করুন। হিসাব দেখার জন্য শুধু-পড়ার কী (rk_…) যথেষ্ট।",
      "This is a secret key (sk_…): use it in development only. A read-only key (rk_…) is enough to read the books."],
    sendsTo: [function (o) { return "কী পাঠানো হবে এখানে: " + o; }, function (o) { return "The key is sent to: " + o; }],
    forgotten: ["কী মুছে ফেলা হয়েছে।", "The key is forgotten."],
    e401: ["কীটি গ্রহণ করা হয়নি (401)। কীটি ঠিক আছে কি না দেখে আবার দিন।", "The key was not accepted (401). Check it and enter it again."],
    e403: ["এই কী দিয়ে এটি দেখা যায় না (403)।", "This key may not read this (403)."],
    eNet: ["bdpay-তে পৌঁছানো যাচ্ছে না। ইন্টারনেট সংযোগ দেখে আবার চেষ্টা করুন।", "Cannot reach bdpay. Check the internet connection and try again."],
    e429: ["এখন অনেক অনুরোধ আসছে। এক মিনিট পরে আবার চেষ্টা করুন।", "Too many requests just now. Try again in a minute."],
    eServer: [function (s) { return "bdpay-তে সমস্যা হয়েছে (HTTP " + s + ")। একটু পরে আবার চেষ্টা করুন।"; },
      function (s) { return "bdpay had a problem (HTTP " + s + "). Try again shortly."; }],
    eShape: ["bdpay-এর উত্তর বোঝা যায়নি। পেজটি আবার লোড করুন।", "bdpay's answer could not be read. Reload the page."],
    retry: ["আবার চেষ্টা করুন", "Try again"],
    // reconciliation
    reconTitle: [function (d) { return "হিসাব মেলানো: " + d; }, function (d) { return "Reconciliation: " + d; }],
    notRun: [function (d) { return d + "-এর হিসাব এখনো মেলানো হয়নি। প্রতিদিন রাত ৩টায় আগের দিনের হিসাব নিজে থেকেই মেলানো হয়।"; },
      function (d) { return d + " has not been reconciled yet. Each day is reconciled by itself at 3 a.m. the next night."; }],
    runNow: ["এখনই মেলান", "Run now"],
    running: ["মেলানো হচ্ছে…", "Reconciling…"],
    ran: ["হিসাব মেলানো হয়েছে।", "Reconciliation done."],
    needSecret: ["এখনই মেলাতে গোপন কী (sk_…) লাগে। শুধু-পড়ার কী (rk_…) দিয়ে শুধু দেখা যায়: আপনার ডেভেলপার বা মালিককে চালাতে বলুন।",
      "Running it needs a secret key (sk_…). A read-only key (rk_…) can only read: ask your developer or the owner to run it."],
    complete: ["সম্পূর্ণ", "Complete"],
    incomplete: ["অসম্পূর্ণ", "Incomplete"],
    incompleteWhy: ["লেনদেন আছে এমন কোনো প্রোভাইডারের স্টেটমেন্ট আসেনি, তাই সব মেলানো যায়নি।",
      "A provider with payments that day sent no statement, so not everything could be matched."],
    alarm: ["সতর্কতা: এই দিনের হিসাবে বড় গরমিল", "Alarm: this day does not reconcile"],
    alarmWhy: [function (d, p) { return "স্টেটমেন্ট আর লেজারের পার্থক্য " + d + " (" + p + ")। নিচের তালিকা দেখে আজই ব্যবস্থা নিন।"; },
      function (d, p) { return "Statement and ledger differ by " + d + " (" + p + "). Go through the list below today."; }],
    statements: ["স্টেটমেন্ট", "Statements"],
    noStatement: ["স্টেটমেন্ট নেই", "no statement"],
    uploaded: ["আপলোড করা", "uploaded"],
    fetched: ["প্রোভাইডার থেকে আনা", "fetched"],
    lines: [function (n) { return n + " লাইন"; }, function (n) { return n + (n === "1" ? " line" : " lines"); }],
    receivedAt: [function (t) { return "পাওয়া গেছে " + t; }, function (t) { return "received " + t; }],
    countsCaption: ["লেনদেন মেলানোর ফল", "How the payments matched"],
    ledgerTotal: ["bdpay-এর হিসাবে মোট (লেজার)", "Total in bdpay's ledger"],
    statementTotal: ["স্টেটমেন্টে মোট", "Total in the statements"],
    difference: ["পার্থক্য", "Difference"],
    differenceRatio: ["পার্থক্যের হার", "Difference ratio"],
    reportMade: [function (t) { return "রিপোর্ট তৈরি " + t; }, function (t) { return "Report made " + t; }],
    // kinds, as counts and as badges
    matched: ["মিলেছে", "Matched"],
    fuzzy_matched: ["আনুমানিক মিলেছে", "Fuzzy match"],
    needs_review: ["যাচাই দরকার", "Needs review"],
    missing_at_provider: ["প্রোভাইডারের কাছে নেই", "Missing at provider"],
    missing_in_ledger: ["লেজারে নেই", "Missing in ledger"],
    amount_mismatch: ["টাকার অঙ্ক মেলেনি", "Amount mismatch"],
    kindHelp: {
      fuzzy_matched: ["TrxID ছাড়াই টাকা আর সময় দেখে মেলানো হয়েছে।", "Matched by amount and time, without the TrxID."],
      needs_review: ["মিল থাকতে পারে, তবে নিশ্চিত নয়: প্রমাণ দেখে ঠিক করুন।", "Probably the same payment, but not certain: decide from the evidence."],
      missing_at_provider: ["bdpay-তে সফল, কিন্তু প্রোভাইডারের স্টেটমেন্টে পাওয়া যায়নি।", "Succeeded in bdpay but not found in the provider's statement."],
      missing_in_ledger: ["স্টেটমেন্টে আছে, কিন্তু bdpay-এর হিসাবে নেই।", "In the provider's statement but not in bdpay's ledger."],
      amount_mismatch: ["একই লেনদেন, কিন্তু দুই জায়গায় টাকার অঙ্ক আলাদা।", "The same payment with a different amount on each side."]
    },
    // review list
    nothingToReview: ["যাচাই করার মতো কিছু নেই: সব লেনদেন মিলেছে।", "Nothing to review: every payment matched."],
    reviewNoReport: ["এই দিনের হিসাব মেলানো হলে এখানে তালিকা আসবে।", "The list appears here once the day is reconciled."],
    reviewCount: [function (n) { return n + "টি লেনদেন"; }, function (n) { return n + (n === "1" ? " item" : " items"); }],
    inLedger: ["লেজারে টাকা", "Ledger amount"],
    inStatement: ["স্টেটমেন্টে টাকা", "Statement amount"],
    ledgerTime: ["লেজারের সময়", "Ledger time"],
    statementTime: ["স্টেটমেন্টের সময়", "Statement time"],
    trxId: ["TrxID", "TrxID"],
    invoice: ["ইনভয়েস", "Invoice"],
    payment: ["পেমেন্ট", "Payment"],
    refund: ["রিফান্ড", "Refund"],
    wallet: ["ওয়ালেট", "Wallet"],
    statementLine: ["স্টেটমেন্টের লাইন", "Statement line"],
    confidence: ["মিলের নিশ্চয়তা", "Confidence"],
    recovered: ["পরে উদ্ধার করা পেমেন্ট", "Recovered payment"],
    yes: ["হ্যাঁ", "yes"],
    no: ["না", "no"],
    none: ["নেই", "none"],
    off: [function (d) { return "পার্থক্য " + d; }, function (d) { return "differs by " + d; }],
    // settlement
    noSettlement: ["এই দিনের কোনো সেটেলমেন্ট নেই: সম্ভবত সেদিন কোনো লেনদেন হয়নি।", "No settlement for this day: probably no payments that day."],
    gross: ["মোট লেনদেন", "Gross"],
    fees: ["ফি", "Fees"],
    refunds: ["রিফান্ড", "Refunds"],
    net: ["নিট", "Net"],
    carriedOver: ["পরের বারে গেছে", "Carried over"],
    expectedCredit: ["ব্যাংকে আসবে", "Reaches the bank"],
    notThisTime: ["এবার নয়", "Not this time"],
    carriedAll: [function (p, of, min) { return p + ": " + (min ? "এই দিনের নিট টাকা " + of + " সর্বনিম্ন " + min + "-এর কম, তাই পুরোটা" : "এই দিনের নিট টাকা পুরোটা") + " পরের সেটেলমেন্টে যোগ হবে; এই দিনের জন্য আলাদা জমা আসবে না।"; },
      function (p, of, min) { return p + ": " + (min ? "this day's net is below " + of + " " + min + " minimum, so all of it carries" : "this day's net carries") + " over to the next settlement; no separate credit comes for this day."; }],
    settlementCaption: [function (d) { return d + "-এর লেনদেন: প্রোভাইডার অনুযায়ী"; }, function (d) { return "Payments of " + d + ", by provider"; }],
    cashback: ["ক্যাশব্যাক", "Cashback"],
    vat: ["ভ্যাট", "VAT"],
    withholding: ["উৎসে কর", "Tax withheld"],
    besideHead: ["প্রোমোশন ও কর", "Promotions and tax"],
    totalsHead: ["দুই প্রোভাইডার মিলিয়ে", "Both providers together"],
    cashbackTotal: ["মোট ক্যাশব্যাক", "Total cashback"],
    vatTotal: ["মোট ভ্যাট", "Total VAT"],
    withholdingTotal: ["মোট উৎসে কর", "Total tax withheld"],
    besideNote: ["ক্যাশব্যাক হলো ওয়ালেটের অফারে গ্রাহক যা ফেরত পান। ক্যাশব্যাক ও কর আপনার হিসাবের জন্য দেখানো হয়েছে; নিট টাকা থেকে কাটা হয়নি।",
      "Cashback is what the wallet's offer gives the shopper back. Cashback and tax are shown for your books; they are not taken off the net."],
    // calendar
    calendarCaption: ["তারিখ অনুযায়ী প্রত্যাশিত জমা", "Expected credits by date"],
    day: ["দিন", "Day"],
    credits: ["জমা", "Credits"],
    today: ["আজ", "today"],
    weekend: ["সাপ্তাহিক ছুটি", "Weekend"],
    holiday: ["ছুটি", "Holiday"],
    bankClosed: ["ব্যাংক বন্ধ", "Banks closed"],
    ramadan: ["রমজান: ব্যাংকের সময় কম", "Ramadan: shorter bank hours"],
    noCredit: ["কোনো জমা নেই", "No credit"],
    forDay: [function (d) { return d + "-এর লেনদেন"; }, function (d) { return "for " + d; }],
    at: [function (t) { return t; }, function (t) { return "at " + t; }],
    // chart
    chartTitle: [function (a, b) { return a + " থেকে " + b + ": দৈনিক লেনদেন ও পার্থক্যের হার"; }, function (a, b) { return "Daily volume and difference ratio, " + a + " to " + b; }],
    chartDesc: [function (n, max, over) { return "১৪ দিনের মধ্যে " + n + " দিনের রিপোর্ট আছে। সবচেয়ে বেশি লেনদেন " + max + "। " + (over === "০" ? "কোনো দিন পার্থক্য ২%-এর সীমা ছাড়ায়নি।" : over + " দিন পার্থক্য ২%-এর সীমা ছাড়িয়েছে।"); },
      function (n, max, over) { return n + " of 14 days have a report. Highest volume " + max + ". " + (over === "0" ? "No day's difference went past the 2% line." : over + " day(s) went past the 2% line."); }],
    noHistory: ["গত ১৪ দিনে কোনো রিপোর্ট নেই।", "No reports in the last 14 days."],
    legendVolume: ["দৈনিক লেনদেন (লেজারে মোট)", "Daily volume (ledger total)"],
    legendRatio: ["পার্থক্যের হার", "Difference ratio"],
    legendLimit: ["২% সতর্ক সীমা", "2% alarm line"],
    legendNone: ["রিপোর্ট নেই", "No report"],
    limitLabel: ["২%", "2%"],
    asTable: ["টেবিল হিসেবে দেখুন", "Show as a table"],
    date: ["তারিখ", "Date"],
    volume: ["লেনদেন", "Volume"],
    status: ["অবস্থা", "Status"],
    alarmShort: ["সতর্কতা", "alarm"],
    // cohorts
    cohortsCaption: [function (a, b) { return a + " থেকে " + b + ": প্রতিটি দলের চেকআউট"; }, function (a, b) { return "Checkouts per cohort, " + a + " to " + b; }],
    cohortsHelp: ["প্রতিটি অর্ডার তৈরির সময় একটি দলে পড়ে: কন্ট্রোল (আগের মতো), বা যে নতুন সংস্করণ ধীরে ধীরে চালু হচ্ছে।",
      "Each order falls in one cohort when it is made: control (as before), or the variant being rolled out."],
    noCohorts: ["এই ১৪ দিনে কোনো চেকআউট নেই।", "No checkouts in these 14 days."],
    cohort: ["দল", "Cohort"],
    control: ["কন্ট্রোল", "Control"],
    share: ["চেকআউটের অংশ", "Share of checkouts"],
    checkouts: ["চেকআউট", "Checkouts"],
    successRate: ["সফল পেমেন্টের হার", "Success rate"],
    medianToPay: ["পেমেন্টে সময় (মধ্যমা)", "Median time to pay"],
    refunded: ["রিফান্ড হয়েছে", "Refunded"],
    seconds: [function (n) { return n + " সেকেন্ড"; }, function (n) { return n + " s"; }],
    minutes: [function (m, s) { return m + " মিনিট" + (s ? " " + s + " সেকেন্ড" : ""); }, function (m, s) { return m + " min" + (s ? " " + s + " s" : ""); }],
    hours: [function (h, m) { return h + " ঘণ্টা" + (m ? " " + m + " মিনিট" : ""); }, function (h, m) { return h + " h" + (m ? " " + m + " min" : ""); }],
    providers: { bkash: ["বিকাশ", "bKash"], nagad: ["নগদ", "Nagad"] },
    providersOf: { bkash: ["বিকাশের", "bKash's"], nagad: ["নগদের", "Nagad's"] },
    bkashMinimum: ["৳৫,০০০", "৳5,000"],
    keyIs: ["কী:", "Key:"],
    title: ["হিসাব ও সেটেলমেন্ট · bdpay", "Finance · bdpay"]
  };
  function t(k) {
    var w = W[k], i = lang === "bn" ? 0 : 1;
    var v = w ? w[i] : k;
    return typeof v === "function" ? v.apply(null, [].slice.call(arguments, 1)) : v;
  }
  function pick(pair) { return pair ? pair[lang === "bn" ? 0 : 1] : ""; }
  function provider(p) { return pick(W.providers[p]) || p; }

  // ---------------------------------------------------------------- numbers, money, dates
  function digits(s) { return lang === "bn" ? String(s).replace(/[0-9]/g, function (d) { return BN[d]; }) : String(s); }
  /** Lakh grouping of a string of digits: 1234567 → 12,34,567 (as shared/src/locale.rs). */
  function group(whole) {
    if (whole.length <= 3) return whole;
    return whole.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ",") + "," + whole.slice(-3);
  }
  function count(n) { return digits(group(String(Math.trunc(Number(n) || 0)))); }
  /** "1250.00" → "৳১,২৫০.০০" (bn) / "৳1,250.00" (en); "-250.00" → "−৳২৫০.০০". Never a float. */
  function money(s) {
    var m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s == null ? "" : s).trim());
    if (!m) return "—";
    var whole = m[2].replace(/^0+(?=\d)/, ""), frac = ((m[3] || "") + "00").slice(0, 2);
    return (m[1] && /[1-9]/.test(whole + frac) ? "−" : "") + "৳" + digits(group(whole) + "." + frac);
  }
  /** Money as BigInt poisha, for an exact difference. */
  function poisha(s) {
    var m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s == null ? "" : s).trim());
    if (!m) return null;
    var p = BigInt(m[2]) * BigInt(100) + BigInt(((m[3] || "") + "00").slice(0, 2));
    return m[1] ? -p : p;
  }
  function fromPoisha(p) {
    var neg = p < BigInt(0), s = (neg ? -p : p).toString();
    while (s.length < 3) s = "0" + s;
    return (neg ? "-" : "") + s.slice(0, -2) + "." + s.slice(-2);
  }
  /** "0.0200" → "২.০০%": the decimal point moved two places, no float. */
  function percent(ratio) {
    var m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(ratio == null ? "" : ratio).trim());
    if (!m) return "—";
    var frac = (m[3] || "") + "0000";
    var whole = (m[2] + frac.slice(0, 2)).replace(/^0+(?=\d)/, "");
    var rest = (m[3] || "").length > 2 ? m[3].slice(2) : "00";
    if (rest.length < 2) rest += "0";
    return (m[1] ? "−" : "") + digits(group(whole) + "." + rest) + "%";
  }
  /** Whole seconds for people: "৪৫ সেকেন্ড", "2 min 5 s", "1 h 10 min"; "—" without one. */
  function duration(secs) {
    if (secs == null || !/^\d+$/.test(String(secs))) return "—";
    var n = Number(secs);
    if (n < 60) return t("seconds", count(n));
    if (n < 3600) return t("minutes", count(Math.floor(n / 60)), n % 60 ? count(n % 60) : "");
    return t("hours", count(Math.floor(n / 3600)), Math.floor(n % 3600 / 60) ? count(Math.floor(n % 3600 / 60)) : "");
  }
  function locale() { return lang === "bn" ? "bn-BD" : "en-GB"; }
  function isDay(s) { return typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s) && addDays(s, 0) === s; }
  function addDays(ymd, n) {
    var d = new Date(ymd + "T00:00:00Z");
    if (isNaN(d)) return "";
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  /** Today in Dhaka (UTC+6 all year: Bangladesh has no daylight saving). */
  function dhakaToday() { return new Date(Date.now() + 6 * 3600 * 1000).toISOString().slice(0, 10); }
  function weekday(ymd) { return new Date(ymd + "T00:00:00Z").getUTCDay(); } // 5 Fri, 6 Sat
  function day(ymd, opts) {
    if (!isDay(ymd)) return String(ymd || "—");
    return new Intl.DateTimeFormat(locale(), Object.assign({ timeZone: "UTC" }, opts || { day: "numeric", month: "long", year: "numeric" }))
      .format(new Date(ymd + "T00:00:00Z"));
  }
  function shortDay(ymd) { return day(ymd, { day: "numeric", month: "short" }); }
  /** An instant as Dhaka wall time; the date too when it is not `sameDay`. */
  function when(iso, sameDay) {
    var d = new Date(iso);
    if (!iso || isNaN(d)) return null;
    var ymd = new Date(d.getTime() + 6 * 3600 * 1000).toISOString().slice(0, 10);
    var time = new Intl.DateTimeFormat(locale(), { timeZone: "Asia/Dhaka", hour: "2-digit", minute: "2-digit", second: d.getUTCSeconds() ? "2-digit" : undefined, hourCycle: "h23" }).format(d);
    return ymd === sameDay ? time : shortDay(ymd) + ", " + time;
  }

  // ---------------------------------------------------------------- DOM
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    set(el, attrs);
    add(el, kids);
    return el;
  }
  function s(tag, attrs, kids) {
    var el = document.createElementNS(SVG, tag);
    set(el, attrs);
    add(el, kids);
    return el;
  }
  function set(el, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k === "on") Object.keys(v).forEach(function (e) { el.addEventListener(e, v[e]); });
      else el.setAttribute(k === "cls" ? "class" : k, v === true ? "" : String(v));
    });
  }
  function add(el, kids) {
    [].concat(kids == null ? [] : kids).forEach(function (k) {
      if (k == null || k === false) return;
      el.appendChild(typeof k === "string" ? document.createTextNode(k) : k);
    });
  }
  function fill(el, kids) {
    el.textContent = "";
    add(el, kids);
  }
  var $ = function (id) { return document.getElementById(id); };

  // ---------------------------------------------------------------- the edge and the key
  /** The page's own origin; a `<meta name="bdpay-edge">` the server wrote; or `?edge=` when it is
      this machine (development): a link must never be able to send the key elsewhere. */
  function edgeOrigin() {
    var meta = document.querySelector('meta[name="bdpay-edge"]');
    var named = params.get("edge");
    if (named) {
      try {
        var u = new URL(named);
        if (/^https?:$/.test(u.protocol) && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname)) return u.origin;
      } catch (e) { /* not a URL: ignored */ }
    }
    return ((meta && meta.content) || location.origin).replace(/\/$/, "");
  }
  function storedKey() {
    try { return sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { return ""; }
  }
  function storeKey(k) {
    try { if (k) sessionStorage.setItem(KEY_STORE, k); else sessionStorage.removeItem(KEY_STORE); } catch (e) { /* private mode: kept in memory only */ }
  }
  var key = "";

  /** One call: {status, body}; status 0 when the network failed or 30 s passed. */
  function call(method, path) {
    var ctl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 30000);
    return fetch(EDGE + path, {
      method: method,
      headers: { authorization: "Bearer " + key, accept: "application/json" },
      cache: "no-store",
      signal: ctl ? ctl.signal : undefined
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) { return { status: r.status, body: body }; });
    }, function () {
      return { status: 0, body: null };
    }).then(function (res) {
      clearTimeout(timer);
      return res;
    });
  }
  /** What went wrong with a call, in words; the server's own sentence added when it has one. */
  function problem(res) {
    if (res.status === 0) return t("eNet");
    if (res.status === 401) return t("e401");
    if (res.status === 403) return t("e403");
    if (res.status === 429) return t("e429");
    if (res.status >= 200 && res.status < 300) return t("eShape");
    // A 4xx's own sentence says what was wrong with the request; a 5xx's adds nothing.
    var e = res.status < 500 && res.body && res.body.error, said = e && (lang === "bn" ? e.message_bn || e.message : e.message);
    return t("eServer", res.status) + (said ? " " + said : "");
  }

  // ---------------------------------------------------------------- state
  // The answers as they came, so that switching language redraws without asking again.
  var view = { date: "", today: "", recon: null, settlement: null, calendar: null, history: null, cohorts: null, run: null };

  var sections = {
    recon: function () {
      return call("GET", "/v1/reconciliation/" + view.date).then(function (r) { view.recon = r; view.run = null; });
    },
    settlement: function () {
      return call("GET", "/v1/settlements/" + view.date).then(function (r) { view.settlement = r; });
    },
    calendar: function () {
      return call("GET", "/v1/settlements/calendar?from=" + view.today + "&days=14").then(function (r) { view.calendar = r; });
    },
    history: function () {
      return call("GET", "/v1/reconciliation?from=" + addDays(view.date, -13) + "&to=" + view.date).then(function (r) { view.history = r; });
    },
    cohorts: function () {
      return call("GET", "/v1/analytics/cohorts?from=" + addDays(view.date, -13) + "&to=" + view.date).then(function (r) { view.cohorts = r; });
    }
  };

  // ---------------------------------------------------------------- drawing
  function loadingBox() { return h("p", { cls: "muted placeholder", text: t("loading") }); }
  function errorBox(res, again) {
    return h("div", { cls: "error", role: "alert" }, [
      h("p", { text: problem(res) }),
      again ? h("button", { cls: "btn secondary small", type: "button", text: t("retry"), on: { click: again } }) : null
    ]);
  }
  function retry(name) {
    return function () {
      view[name] = "loading";
      render();
      sections[name]().then(render);
    };
  }
  function ok(res, check) { return res && res !== "loading" && res.status >= 200 && res.status < 300 && res.body && check(res.body); }

  function render() {
    document.documentElement.lang = lang;
    document.title = t("title");
    document.querySelectorAll("[data-bn]").forEach(function (el) { el.textContent = el.getAttribute("data-" + lang); });
    var b = $("lang");
    b.textContent = lang === "bn" ? "English" : "বাংলা";
    b.lang = lang === "bn" ? "en" : "bn";
    keyNote();
    if (!$("key-set").hidden) keyShown(false);
    if (!view.date) return;
    $("recon-h").textContent = t("reconTitle", day(view.date));
    drawRecon();
    drawReview();
    drawSettlement();
    drawCalendar();
    drawChart();
    drawCohorts();
  }

  /** The key field while no key is accepted; afterwards one line: "Key: rk_test_…abcd". */
  function keyShown(open) {
    $("key-field").hidden = !open;
    $("key-set").hidden = open;
    if (!open) fill($("key-what"), [t("keyIs") + " ", h("code", { text: key.replace(/^((?:rk|sk)_(?:test_|live_)?).*(.{4})$/, "$1…$2") })]);
  }

  function keyNote() {
    var note = $("key-note"), k = $("key").value.trim() || key, parts = [];
    if (/^sk_/.test(k)) parts.push(t("secretNote"));
    if (EDGE !== location.origin) parts.push(t("sendsTo", EDGE));
    note.textContent = parts.join(" ");
    note.hidden = !parts.length;
  }

  function isReport(b) { return b && b.summary && typeof b.summary === "object"; }

  function drawRecon() {
    var out = $("recon-body"), r = view.recon;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (r.status === 404) return fill(out, notRun());
    if (!ok(r, isReport)) return fill(out, errorBox(r, retry("recon")));
    var rep = r.body, sm = rep.summary;
    var kids = [];
    if (view.run === "done") kids.push(h("p", { cls: "done", role: "status", text: t("ran") }));
    if (rep.alarm) {
      kids.push(h("div", { cls: "alarm", role: "alert" }, [
        h("p", { cls: "alarm-head" }, [h("span", { "aria-hidden": "true", cls: "alarm-icon", text: "!" }), t("alarm")]),
        h("p", { text: t("alarmWhy", money(sm.difference), percent(sm.difference_ratio)) })
      ]));
    }
    var complete = rep.status === "complete";
    kids.push(h("p", { cls: "state" }, [
      h("span", { cls: "badge " + (complete ? "good" : "warn"), text: complete ? t("complete") : t("incomplete") }),
      complete ? null : h("span", { cls: "why", text: " " + t("incompleteWhy") })
    ]));
    kids.push(statementsLine(rep));
    kids.push(h("h3", { cls: "sr-only", text: t("countsCaption") }));
    kids.push(h("ul", { cls: "stats" }, KINDS.map(function (k) {
      var n = Number(sm[k]) || 0;
      var tone = k === "matched" ? "good" : !n ? "quiet" : k === "fuzzy_matched" ? "info" : "attn";
      return h("li", { cls: "stat " + tone, "data-kind": k, "data-value": n }, [
        h("span", { cls: "n", text: count(n) }),
        h("span", { cls: "label", text: t(k) })
      ]);
    })));
    kids.push(h("dl", { cls: "totals" }, [
      h("dt", { text: t("ledgerTotal") }), h("dd", { text: money(sm.ledger_total) }),
      h("dt", { text: t("statementTotal") }), h("dd", { text: money(sm.statement_total) }),
      h("dt", { text: t("difference") }), h("dd", { cls: rep.alarm ? "bad" : "", text: money(sm.difference) }),
      h("dt", { text: t("differenceRatio") }), h("dd", { cls: rep.alarm ? "bad" : "", text: percent(sm.difference_ratio) })
    ]));
    var made = when(rep.created_at);
    if (made) kids.push(h("p", { cls: "hint", text: t("reportMade", made) }));
    fill(out, kids);
  }

  function statementsLine(rep) {
    var st = rep.statements || {};
    var names = Object.keys(st).length ? Object.keys(st) : ["bkash", "nagad"];
    return h("p", { cls: "statements" }, [h("strong", { text: t("statements") + ": " })].concat(names.map(function (p, i) {
      var x = st[p], bits;
      if (!x) bits = t("noStatement");
      else {
        bits = [x.source === "fetched" ? t("fetched") : t("uploaded")];
        if (x.lines != null) bits.push(t("lines", count(x.lines)));
        var at = when(x.received_at);
        if (at) bits.push(t("receivedAt", at));
        bits = bits.join(", ");
      }
      return h("span", { cls: "stmt" + (x ? "" : " missing") }, [(i ? " · " : ""), h("b", { text: provider(p) }), " " + bits]);
    })));
  }

  function notRun() {
    var busy = view.run === "running";
    var kids = [
      h("p", { cls: "notice", text: t("notRun", day(view.date)) }),
      h("button", { id: "run", cls: "btn", type: "button", disabled: busy, "aria-describedby": "run-out", text: busy ? t("running") : t("runNow"), on: { click: runNow } }),
      h("div", { id: "run-out", "aria-live": "polite" }, view.run && view.run.status != null ? [
        h("div", { cls: "error", role: "alert" }, h("p", { text: (view.run.status === 401 || view.run.status === 403) && !/^sk_/.test(key) ? t("needSecret") : problem(view.run) }))
      ] : null)
    ];
    return kids;
  }

  function runNow() {
    view.run = "running";
    drawRecon();
    say(t("running"));
    call("POST", "/v1/reconciliation/" + view.date + "/run").then(function (r) {
      if (r.status >= 200 && r.status < 300 && isReport(r.body)) {
        view.recon = r;
        view.run = "done";
        render();
        say(t("loaded", day(view.date)));
        // The new report belongs on the chart too.
        sections.history().then(render);
      } else {
        view.run = r;
        drawRecon();
        say("");
        var b = $("run");
        if (b) b.focus();
      }
    });
  }

  function drawReview() {
    var out = $("review-body"), r = view.recon;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (!ok(r, isReport)) {
      // The reconciliation section already says why, in words: say where the list will be.
      return fill(out, h("p", { cls: "muted", text: r.status === 404 ? t("reviewNoReport") : problem(r) }));
    }
    var items = (Array.isArray(r.body.items) ? r.body.items : []).filter(function (it) { return it && it.kind !== "matched"; });
    if (!items.length) return fill(out, h("p", { cls: "done", text: t("nothingToReview") }));
    fill(out, [
      h("p", { cls: "muted", text: t("reviewCount", count(items.length)) }),
      h("ol", { cls: "items" }, items.map(function (it) { return reviewItem(it, r.body.date || view.date); }))
    ]);
  }

  function reviewItem(it, date) {
    var ev = it.evidence || {};
    var known = W[it.kind] ? t(it.kind) : String(it.kind || "");
    var help = W.kindHelp[it.kind];
    var rows = [];
    function row(label, value, cls) {
      rows.push(h("div", { cls: "kv" + (cls ? " " + cls : "") }, [h("dt", { text: label }), h("dd", value == null ? { cls: "none", text: t("none") } : { text: value })]));
    }
    var mismatch = null, a = poisha(it.amount_ledger), b = poisha(it.amount_statement);
    if (a !== null && b !== null && a !== b) mismatch = fromPoisha(b - a);
    row(t("inLedger"), it.amount_ledger == null ? null : money(it.amount_ledger), mismatch ? "bad" : "");
    row(t("inStatement"), it.amount_statement == null ? null : money(it.amount_statement), mismatch ? "bad" : "");
    row(t("ledgerTime"), when(ev.ledger_time, date));
    row(t("statementTime"), when(ev.statement_time, date));
    row(t("trxId"), it.trx_id || null, "id");
    row(t("wallet"), ev.wallet || null, "id");
    row(t("invoice"), ev.invoice || null, "id wide");
    if (it.payment_id && it.payment_id !== ev.invoice) row(t("payment"), it.payment_id, "id wide");
    if (it.refund_id) row(t("refund"), it.refund_id, "id wide");
    row(t("statementLine"), ev.statement_line == null ? null : count(ev.statement_line));
    row(t("confidence"), typeof it.confidence === "number" ? digits(Math.round(it.confidence * 100)) + "%" : null);
    if (ev.recovered === true) row(t("recovered"), t("yes"), "wide");
    return h("li", { cls: "item kind-" + it.kind, "data-kind": it.kind }, [
      h("article", { "aria-label": known + ", " + provider(it.provider) + (it.trx_id ? ", " + it.trx_id : "") }, [
        h("header", { cls: "item-head" }, [
          h("span", { cls: "badge kind", text: known }),
          h("span", { cls: "who" }, [h("b", { text: provider(it.provider) })]),
          mismatch ? h("span", { cls: "off", text: t("off", money(mismatch)) }) : null
        ]),
        help ? h("p", { cls: "help", text: pick(help) }) : null,
        h("dl", { cls: "evidence" }, rows)
      ])
    ]);
  }

  function drawSettlement() {
    var out = $("settlement-body"), r = view.settlement;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (r.status === 404) return fill(out, h("p", { cls: "muted", text: t("noSettlement") }));
    if (!ok(r, function (b) { return b.providers && typeof b.providers === "object"; })) return fill(out, errorBox(r, retry("settlement")));
    var ps = r.body.providers, names = Object.keys(ps).filter(function (p) { return ps[p]; });
    if (!names.length) return fill(out, h("p", { cls: "muted", text: t("noSettlement") }));
    var notes = [];
    var beside = names.some(function (p) { return ps[p].cashback != null || ps[p].vat != null || ps[p].withholding != null; });
    var tot = r.body.total, totals = tot && typeof tot === "object" && (tot.cashback != null || tot.vat != null) ? tot : null;
    function line(label, field, cls, mark) {
      return h("tr", { cls: cls || "" }, [h("th", { scope: "row", text: label })].concat(names.map(function (p) {
        return h("td", { cls: "num", "data-provider": mark ? p : null, "data-field": mark || null, text: money(ps[p][field]) });
      })));
    }
    var credit = h("tr", {}, [h("th", { scope: "row", text: t("expectedCredit") })].concat(names.map(function (p) {
      var at = when(ps[p].expected_credit_at);
      if (!at) {
        notes.push(t("carriedAll", provider(p), pick(W.providersOf[p]) || provider(p), p === "bkash" ? t("bkashMinimum") : ""));
        return h("td", { cls: "num warn-text", text: t("notThisTime") + " *" });
      }
      return h("td", { cls: "num", text: at });
    })));
    fill(out, [
      h("div", { cls: "scroll" }, h("table", { cls: "money" }, [
        h("caption", { text: t("settlementCaption", day(r.body.date || view.date)) }),
        h("thead", {}, h("tr", {}, [h("td", {})].concat(names.map(function (p) { return h("th", { scope: "col", cls: "num", text: provider(p) }); })))),
        h("tbody", {}, [
          line(t("gross"), "gross"),
          line(t("fees"), "fees"),
          line(t("refunds"), "refunds"),
          line(t("net"), "net", "strong"),
          line(t("carriedOver"), "carried_over"),
          credit
        ]),
        // What the payments carried beside the money (an edge before promotions sends none).
        beside ? h("tbody", { cls: "beside" }, [
          h("tr", { cls: "sub" }, [h("th", { scope: "rowgroup", colspan: names.length + 1, text: t("besideHead") })]),
          line(t("cashback"), "cashback", "", "cashback"),
          line(t("vat"), "vat", "", "vat"),
          line(t("withholding"), "withholding", "", "withholding")
        ]) : null
      ])),
      notes.length ? h("div", { cls: "notes" }, notes.map(function (n) { return h("p", { cls: "hint", text: "* " + n }); })) : null,
      totals ? h("h3", { cls: "totals-head", text: t("totalsHead") }) : null,
      totals ? h("dl", { cls: "totals beside-totals" }, [
        h("dt", { text: t("cashbackTotal") }), h("dd", { "data-field": "cashback", "data-value": totals.cashback, text: money(totals.cashback) }),
        h("dt", { text: t("vatTotal") }), h("dd", { "data-field": "vat", "data-value": totals.vat, text: money(totals.vat) }),
        h("dt", { text: t("withholdingTotal") }), h("dd", { "data-field": "withholding", "data-value": totals.withholding, text: money(totals.withholding) })
      ]) : null,
      beside || totals ? h("p", { cls: "hint", text: t("besideNote") }) : null
    ]);
  }

  function holidayName(x) {
    if (!x) return "";
    if (typeof x === "string") return x;
    return (lang === "bn" ? x.name_bn || x.bn : x.name_en || x.en) || x.name || "";
  }

  function drawCalendar() {
    var out = $("calendar-body"), r = view.calendar;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (!ok(r, function (b) { return Array.isArray(b.days); })) return fill(out, errorBox(r, retry("calendar")));
    fill(out, h("table", { cls: "calendar" }, [
      h("caption", { cls: "sr-only", text: t("calendarCaption") }),
      h("thead", {}, h("tr", {}, [h("th", { scope: "col", text: t("day") }), h("th", { scope: "col", text: t("credits") })])),
      h("tbody", {}, r.body.days.map(function (d) {
        var wk = weekday(d.date), weekend = wk === 5 || wk === 6;
        var hol = holidayName(lang === "bn" && d.holiday_bn ? d.holiday_bn : d.holiday);
        var closed = d.business_day === false;
        var tags = [];
        if (d.date === view.today) tags.push(h("span", { cls: "tag today", text: t("today") }));
        if (hol) tags.push(h("span", { cls: "tag holiday", text: t("holiday") + ": " + hol }));
        else if (closed && weekend) tags.push(h("span", { cls: "tag weekend", text: t("weekend") }));
        else if (closed) tags.push(h("span", { cls: "tag weekend", text: t("bankClosed") }));
        else if (weekend) tags.push(h("span", { cls: "tag weekend", text: t("weekend") }));
        if (d.ramadan) tags.push(h("span", { cls: "tag ramadan", text: t("ramadan") }));
        var credits = Array.isArray(d.credits) ? d.credits : [];
        return h("tr", { cls: (hol ? "holiday" : closed ? "closed" : "") + (d.date === view.today ? " is-today" : ""), "data-date": d.date }, [
          h("th", { scope: "row" }, [h("span", { cls: "date", text: day(d.date, { weekday: "short", day: "numeric", month: "short" }) })].concat(tags)),
          h("td", {}, credits.length ? h("ul", { cls: "credits" }, credits.map(function (c) {
            var at = when(c.expected_credit_at, d.date);
            return h("li", {}, [
              h("span", { cls: "credit-head" }, [h("b", { text: provider(c.provider) }), " ", h("span", { cls: "num", text: money(c.amount) })]),
              h("span", { cls: "hint", text: [c.for_date ? t("forDay", shortDay(c.for_date)) : "", at ? t("at", at) : ""].filter(Boolean).join(" · ") })
            ]);
          })) : h("span", { cls: "muted", text: closed ? t("bankClosed") : t("noCredit") }))
        ]);
      }))
    ]));
  }

  function drawChart() {
    var out = $("chart-body"), r = view.history;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (!ok(r, function (b) { return Array.isArray(b.data); })) return fill(out, errorBox(r, retry("history")));
    var from = addDays(view.date, -13), byDate = {};
    r.body.data.forEach(function (x) { if (x && x.date) byDate[x.date] = x; });
    var days = [];
    for (var i = 0; i < 14; i++) days.push(addDays(from, i));
    var pts = days.map(function (d) {
      var x = byDate[d], sm = x && x.summary;
      return {
        date: d, report: x || null,
        volume: sm ? parseFloat(sm.ledger_total) || 0 : null, // floats for drawing only
        ratio: sm ? Math.abs(parseFloat(sm.difference_ratio)) || 0 : null
      };
    });
    var have = pts.filter(function (p) { return p.report; });
    if (!have.length) return fill(out, h("p", { cls: "muted", text: t("noHistory") }));
    var maxVol = Math.max.apply(null, have.map(function (p) { return p.volume; })) || 1;
    var maxAt = have.reduce(function (a, p) { return p.volume > a.volume ? p : a; }, have[0]);
    var maxRatio = Math.max(0.03, Math.max.apply(null, have.map(function (p) { return p.ratio; })) * 1.15);
    var over = have.filter(function (p) { return p.ratio > ALARM_RATIO || (p.report && p.report.alarm); }).length;

    // The drawing: 320 × 190 user units; bars against the left, the ratio against the right.
    var W0 = 320, H0 = 190, L = 6, R = 30, T = 14, B = 30, cw = (W0 - L - R) / 14, ph = H0 - T - B;
    var yv = function (v) { return T + ph - (v / maxVol) * ph; };
    var yr = function (v) { return T + ph - (Math.min(v, maxRatio) / maxRatio) * ph; };
    var title = t("chartTitle", day(from), day(view.date));
    var desc = t("chartDesc", count(have.length), money(maxAt.report.summary.ledger_total), count(over));
    var g = [s("title", { id: "chart-title", text: title }), s("desc", { id: "chart-desc", text: desc })];
    // Gridlines at half and full volume.
    [0.5, 1].forEach(function (f) {
      g.push(s("line", { x1: L, x2: W0 - R, y1: T + ph - f * ph, y2: T + ph - f * ph, cls: "grid" }));
    });
    g.push(s("line", { x1: L, x2: W0 - R, y1: T + ph, y2: T + ph, cls: "axis" }));
    pts.forEach(function (p, i) {
      var x = L + i * cw;
      if (p.report) {
        var y = yv(p.volume);
        g.push(s("rect", { x: (x + cw * 0.18).toFixed(1), y: y.toFixed(1), width: (cw * 0.64).toFixed(1), height: Math.max(0, T + ph - y).toFixed(1), rx: 2, cls: "bar" + (p.report.alarm ? " alarmed" : "") }));
      } else {
        g.push(s("text", { x: (x + cw / 2).toFixed(1), y: T + ph - 4, cls: "none", "text-anchor": "middle", text: "×" }));
      }
      var label = digits(String(Number(p.date.slice(8))));
      g.push(s("text", { x: (x + cw / 2).toFixed(1), y: H0 - B + 14, cls: "tick" + (p.date === view.date ? " chosen" : ""), "text-anchor": "middle", text: label }));
    });
    // Month under the first tick, so the day numbers read as dates.
    g.push(s("text", { x: L, y: H0 - 3, cls: "tick small", text: day(from, { month: "short" }) + " – " + day(view.date, { month: "short", year: "numeric" }) }));
    // The 2 % alarm line and its label on the right scale.
    var yl = yr(ALARM_RATIO);
    g.push(s("line", { x1: L, x2: W0 - R, y1: yl, y2: yl, cls: "limit" }));
    g.push(s("text", { x: W0 - R + 3, y: yl + 3.5, cls: "limit-label", text: t("limitLabel") }));
    g.push(s("text", { x: W0 - R + 3, y: T + 3.5, cls: "tick small", text: digits(String(Math.round(maxRatio * 100))) + "%" }));
    g.push(s("text", { x: L + 2, y: T - 4, cls: "tick small", text: money(maxAt.report.summary.ledger_total) }));
    // The ratio: a line through the days that have a report, and a dot on each.
    var line = [];
    pts.forEach(function (p, i) {
      if (!p.report) { if (line.length > 1) g.push(s("polyline", { points: line.join(" "), cls: "ratio" })); line = []; return; }
      line.push((L + i * cw + cw / 2).toFixed(1) + "," + yr(p.ratio).toFixed(1));
    });
    if (line.length > 1) g.push(s("polyline", { points: line.join(" "), cls: "ratio" }));
    pts.forEach(function (p, i) {
      if (p.report) g.push(s("circle", { cx: (L + i * cw + cw / 2).toFixed(1), cy: yr(p.ratio).toFixed(1), r: 3, cls: "dot" + (p.ratio > ALARM_RATIO ? " over" : "") }));
    });
    var svg = s("svg", { viewBox: "0 0 " + W0 + " " + H0, role: "img", "aria-labelledby": "chart-title chart-desc", cls: "chart", focusable: "false" }, g);

    fill(out, [
      h("figure", { cls: "chart-box" }, [
        svg,
        h("figcaption", {}, h("ul", { cls: "legend" }, [
          h("li", {}, [h("span", { cls: "sw bar", "aria-hidden": "true" }), t("legendVolume")]),
          h("li", {}, [h("span", { cls: "sw dot", "aria-hidden": "true" }), t("legendRatio")]),
          h("li", {}, [h("span", { cls: "sw limit", "aria-hidden": "true" }), t("legendLimit")]),
          h("li", {}, [h("span", { cls: "sw none", "aria-hidden": "true", text: "×" }), t("legendNone")])
        ]))
      ]),
      h("details", { cls: "as-table" }, [
        h("summary", { text: t("asTable") }),
        h("div", { cls: "scroll" }, h("table", {}, [
          h("caption", { cls: "sr-only", text: title }),
          h("thead", {}, h("tr", {}, [t("date"), t("volume"), t("differenceRatio"), t("status")].map(function (c, i) { return h("th", { scope: "col", cls: i && i < 3 ? "num" : "", text: c }); }))),
          h("tbody", {}, pts.map(function (p) {
            var sm = p.report && p.report.summary;
            return h("tr", {}, [
              h("th", { scope: "row", text: shortDay(p.date) }),
              h("td", { cls: "num", text: sm ? money(sm.ledger_total) : "—" }),
              h("td", { cls: "num", text: sm ? percent(sm.difference_ratio) : "—" }),
              h("td", { text: !p.report ? t("legendNone") : (p.report.status === "complete" ? t("complete") : t("incomplete")) + (p.report.alarm ? ", " + t("alarmShort") : "") })
            ]);
          }))
        ]))
      ])
    ]);
  }

  /** The grey release's cohorts over the 14 days up to the chosen one: a column per cohort
      (control first, as the edge sends them), a row per figure, so two cohorts fit 360 px. */
  function drawCohorts() {
    var out = $("cohorts-body"), r = view.cohorts;
    if (!r || r === "loading") return fill(out, loadingBox());
    if (!ok(r, function (b) { return Array.isArray(b.cohorts); })) return fill(out, errorBox(r, retry("cohorts")));
    var from = addDays(view.date, -13);
    var rows = r.body.cohorts.filter(function (c) { return c && typeof c.name === "string"; });
    if (!rows.length) return fill(out, h("p", { cls: "muted", text: t("noCohorts") }));
    // A variant's own name may break after its underscores (smart_ | routing), not mid-word.
    function name(c) { return c.name === "control" ? t("control") : c.name.replace(/_/g, "_\u200B"); }
    function figure(label, field, show) {
      return h("tr", {}, [h("th", { scope: "row", text: label })].concat(rows.map(function (c) {
        var v = c[field];
        return h("td", { cls: "num", "data-cohort": c.name, "data-field": field, "data-value": v == null ? "" : String(v), text: show(v) });
      })));
    }
    fill(out, [
      h("p", { cls: "hint cohorts-help", text: t("cohortsHelp") }),
      h("div", { cls: "scroll" }, h("table", { cls: "money cohorts" }, [
        h("caption", { text: t("cohortsCaption", day(from), day(view.date)) }),
        h("thead", {}, h("tr", {}, [h("th", { scope: "col", text: t("cohort") })].concat(rows.map(function (c) {
          return h("th", { scope: "col", cls: "num name", "data-cohort": c.name, text: name(c) });
        })))),
        h("tbody", {}, [
          figure(t("share"), "share", percent),
          figure(t("checkouts"), "checkouts", count),
          figure(t("successRate"), "success_rate", percent),
          figure(t("medianToPay"), "median_seconds_to_pay", duration),
          figure(t("refunded"), "refunds", count)
        ])
      ]))
    ]);
  }

  // ---------------------------------------------------------------- the form
  function say(words) { $("status").textContent = words; }
  function fail(words) {
    var e = $("error");
    fill(e, h("p", { text: words }));
    e.hidden = !words;
  }

  function load() {
    fail("");
    var k = $("key").value.trim(), d = $("date").value;
    if (!k) { fail(t("needKey")); $("key").focus(); return; }
    if (!/^(rk|sk)_[A-Za-z0-9_]+$/.test(k)) { fail(t("badKeyShape")); $("key").focus(); return; }
    if (!isDay(d)) { fail(t("needDate")); $("date").focus(); return; }
    key = k;
    storeKey(k);
    view = { date: d, today: dhakaToday(), recon: "loading", settlement: "loading", calendar: "loading", history: "loading", cohorts: "loading", run: null };
    var u = new URL(location.href);
    u.searchParams.set("date", d);
    history.replaceState(null, "", u.pathname + u.search + u.hash);
    $("results").hidden = false;
    $("results").setAttribute("aria-busy", "true");
    $("show").disabled = true;
    say(t("loading"));
    render();
    var names = Object.keys(sections);
    Promise.all(names.map(function (n) { return sections[n]().then(function () { render(); }); })).then(function () {
      $("show").disabled = false;
      $("results").removeAttribute("aria-busy");
      var answers = names.map(function (n) { return view[n]; });
      var refused = answers.filter(function (a) { return a.status === 401; })[0];
      var down = answers.every(function (a) { return a.status === 0; });
      if (refused || down) {
        // Nothing here can be shown: say why once, beside the key, instead of four red boxes.
        $("results").hidden = true;
        say("");
        fail(problem(refused || answers[0]));
        if (refused) keyShown(true);
        (refused ? $("key") : $("show")).focus();
        return;
      }
      keyShown(false);
      say(t("loaded", day(d)));
    });
  }

  function start() {
    var d = params.get("date");
    $("date").value = isDay(d) ? d : addDays(dhakaToday(), -1);
    $("date").max = addDays(dhakaToday(), 0);
    key = storedKey();
    $("key").value = key;
    $("form").addEventListener("submit", function (e) { e.preventDefault(); load(); });
    $("key").addEventListener("input", keyNote);
    $("change").addEventListener("click", function () {
      keyShown(true);
      $("key").select();
      $("key").focus();
    });
    $("forget").addEventListener("click", function () {
      keyShown(true);
      key = "";
      storeKey("");
      $("key").value = "";
      view = { date: "", today: "", recon: null, settlement: null, calendar: null, history: null, cohorts: null, run: null };
      $("results").hidden = true;
      fail("");
      say(t("forgotten"));
      keyNote();
      $("key").focus();
    });
    $("lang").addEventListener("click", function () {
      lang = lang === "bn" ? "en" : "bn";
      var u = new URL(location.href);
      u.searchParams.set("lang", lang);
      history.replaceState(null, "", u.pathname + u.search + u.hash);
      var e = $("error");
      if (!e.hidden) fail("");
      render();
      if (view.date && $("status").textContent) say(t("loaded", day(view.date)));
    });
    render();
    if (key) load();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
