// End-to-end: the finance view (www/finance.html) against the real stack. A merchant of its
// own (onboarded through the admin API, so its day holds only this run's payments; 15 % VAT, a
// 50 % rollout, no new-customer cap) is paid three times by bKash through the API and the sandbox's TEST-ONLY
// approve shortcut (as tests/support/lib.rs `paid_bkash` does: create, confirm, approve, the
// edge's return URL) and once by Nagad, Tk 9,000.xx (cashback Tk 45.00), through the sandbox's
// hosted page by HTTP; today's bKash and Nagad statements are uploaded (the sandbox's exports,
// only this run's lines), today is reconciled, and then a finance clerk's phone (PHONE: 360×740,
// deviceScaleFactor 2, unthrottled) opens the page served by the edge, in Bangla and in
// English: types the merchant's read-only rk_ key, picks today, and must see the matched count,
// the settlement's cashback and tax totals and the cohorts table the API gives, with
// no horizontal scroll. Screenshots: finance-bn.png, finance-en.png (full page).
//
// Env: BDPAY_EDGE_URL (default http://127.0.0.1:8787), BDPAY_SANDBOX_URL (default
// http://127.0.0.1:8790), BDPAY_E2E_OUT (default .bdpay/e2e), BDPAY_ADMIN_TOKEN (the local
// stack's TEST operator token by default). Dates are Dhaka days (UTC+6); a run across Dhaka midnight can fail
// (and after 21:00 the Nagad payment may settle on the next day: the totals are then checked against the API only).
// Prints one line per check and `N passed, N failed` last; exits non-zero on any failure.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, PHONE } from "./profile.mjs";

const EDGE = (process.env.BDPAY_EDGE_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
const SANDBOX = (process.env.BDPAY_SANDBOX_URL || "http://127.0.0.1:8790").replace(/\/$/, "");
const OUT = process.env.BDPAY_E2E_OUT || ".bdpay/e2e";
const ADMIN_TOKEN = process.env.BDPAY_ADMIN_TOKEN || "adm_test_only_operator_token_0001";
/** The merchant's secret key (uploads, runs) and read-only key (the page); set by onboard(). */
let KEY = "";
let READ_KEY = "";
const PAYMENTS = 3;
// bKash sandbox wallets that pay (tests/sandbox/README.md), not 01770618575 (the integration
// tests') nor run.mjs's rotation start; amounts are random, so bKash's "same wallet and
// amount within two minutes" (2029) does not meet a rerun.
const WALLETS = ["01877722345", "01619777282", "01619777283"];
// A Nagad wallet that pays (any valid number does) that the integration tests do not use.
const NAGAD_WALLET = "01811000001";

fs.mkdirSync(OUT, { recursive: true });
const today = new Date(Date.now() + 6 * 3600 * 1000).toISOString().slice(0, 10);
const run = Date.now().toString(36);

let passed = 0;
let failed = 0;
/** One check: its line, and whether it passed. A failed check that later ones need ends the run. */
async function check(name, fn, { needed = false } = {}) {
  const started = Date.now();
  try {
    const detail = await fn();
    passed++;
    console.log(`ok   ${name}${detail ? `: ${detail}` : ""} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return true;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e.message || e).split("\n")[0]}`);
    if (needed) finish();
    return false;
  }
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** The edge with the merchant's key: {status, body} (body JSON, else text). */
async function edge(method, route, { body, type, key = KEY } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = type || "application/json";
  if (method === "POST" && route === "/v1/payments") headers["idempotency-key"] = `fin-${run}-${Math.random().toString(36).slice(2)}`;
  const r = await fetch(EDGE + route, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* a CSV or an empty body */ }
  return { status: r.status, body: parsed };
}
function expectOk(res, what) {
  if (res.status < 200 || res.status > 299) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

/** A succeeded bKash payment without the hosted page (tests/support/lib.rs `paid_bkash`). */
async function paidBkash(i) {
  const amount = `${100 + Math.floor(Math.random() * 800)}.${String(Math.floor(Math.random() * 100)).padStart(2, "0")}`;
  const p = expectOk(await edge("POST", "/v1/payments", {
    body: { order_id: `FIN-${run}-${i}`, amount, return_url: "http://shop.example/return?x=1" } }), "create");
  const confirm = await fetch(`${EDGE}/v1/payments/${p.id}/confirm`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_secret: p.client_secret, provider: "bkash" }),
  });
  const confirmed = await confirm.json().catch(() => ({}));
  if (!confirm.ok || !confirmed.redirect_url) throw new Error(`confirm: ${confirm.status} ${JSON.stringify(confirmed)}`);
  const reference = new URL(confirmed.redirect_url).searchParams.get("paymentId");
  if (!reference) throw new Error(`no paymentId in ${confirmed.redirect_url}`);
  const approve = await fetch(`${SANDBOX}/__control/bkash/approve/${reference}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ wallet: WALLETS[i % WALLETS.length] }),
  });
  if (!approve.ok) throw new Error(`sandbox approve: ${approve.status} ${await approve.text()}`);
  // The shopper's browser comes back: the edge executes at bKash.
  await fetch(`${EDGE}/v1/return/bkash?payment=${p.id}&paymentID=${reference}&status=success`, { redirect: "manual" });
  let status = "";
  for (let tries = 0; tries < 40; tries++) {
    status = expectOk(await edge("GET", `/v1/payments/${p.id}`), "read payment").status;
    if (status !== "pending" && status !== "requires_method") break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  if (status !== "succeeded") throw new Error(`payment ${p.id} is ${status}`);
  return { id: p.id, reference, amount };
}

/** The Location of a redirect answer (fetch with redirect: "manual"). */
function location(r) {
  const to = r.headers.get("location");
  if (!to) throw new Error(`no redirect: HTTP ${r.status}`);
  return to;
}

/** A succeeded Nagad payment of Tk 9,000.xx through the sandbox's hosted page (number, OTP,
    PIN), as tests/support/lib.rs `nagad_page` does, then the shopper's return to the edge. */
async function paidNagad() {
  const amount = `9000.${String(Math.floor(Math.random() * 100)).padStart(2, "0")}`;
  const p = expectOk(await edge("POST", "/v1/payments", {
    body: { order_id: `FIN-${run}-N`, amount, return_url: "http://shop.example/return?x=1" } }), "create");
  const confirm = await fetch(`${EDGE}/v1/payments/${p.id}/confirm`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_secret: p.client_secret, provider: "nagad" }),
  });
  const confirmed = await confirm.json().catch(() => ({}));
  if (!confirm.ok || !confirmed.redirect_url) throw new Error(`confirm: ${confirm.status} ${JSON.stringify(confirmed)}`);
  if (!confirmed.offer || confirmed.offer.kind !== "cashback" || confirmed.offer.amount !== "45.00")
    throw new Error(`offer: ${JSON.stringify(confirmed.offer)}`);
  const base = confirmed.redirect_url.split("?")[0];
  const page = await fetch(confirmed.redirect_url);
  if (!page.ok) throw new Error(`Nagad page: ${page.status}`);
  const form = (fields) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString(), redirect: "manual" });
  for (const [step, fields] of [["number", { number: NAGAD_WALLET }], ["otp", { otp: "123456" }]]) {
    const r = await fetch(`${base}/${step}`, form(fields));
    if (r.status !== 200) throw new Error(`Nagad ${step} step: ${r.status}`);
  }
  const back = location(await fetch(`${base}/pin`, form({ pin: "1234" })));
  await fetch(back, { redirect: "manual" });
  let status = "";
  for (let tries = 0; tries < 40; tries++) {
    status = expectOk(await edge("GET", `/v1/payments/${p.id}`), "read payment").status;
    if (status !== "pending" && status !== "requires_method") break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  if (status !== "succeeded") throw new Error(`payment ${p.id} is ${status}`);
  // Our Nagad order id (shared/src/ids.rs nagad_order_id): BDP and the id's first 17 characters, upper case.
  return { id: p.id, amount, orderId: "BDP" + p.id.slice(4, 21).toUpperCase(), paidAt: Date.now() };
}

/** A line of the sandbox's CSV (its fields never hold quotes today; quoted ones are kept whole). */
function csvFields(line) {
  const out = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { out.push(cur); cur = ""; } else cur += c;
  }
  out.push(cur);
  return out;
}

console.log(`finance e2e: edge ${EDGE}, sandbox ${SANDBOX}, Dhaka day ${today}, screenshots in ${OUT}`);

await check("a merchant of its own, with a secret and a read-only test key", async () => {
  const m = expectOk(await edge("POST", "/admin/merchants", { body: { name: "Finance View Shop" }, key: ADMIN_TOKEN }), "merchant");
  KEY = expectOk(await edge("POST", `/admin/merchants/${m.id}/keys`, { body: { mode: "test" }, key: ADMIN_TOKEN }), "key").key;
  READ_KEY = expectOk(await edge("POST", `/admin/merchants/${m.id}/keys`, { body: { mode: "test", read_only: true }, key: ADMIN_TOKEN }), "read key").key;
  // Its Tk 9,000 payment comes without a phone (a new customer, capped at Tk 2,000 by default);
  // 15 % VAT for the tax line; half its orders in a variant, so the cohorts table has columns.
  expectOk(await edge("PUT", "/v1/settings", { body: { risk: { new_customer_max: null }, tax: { vat_bp: 1500 },
    rollout: { variant: "smart_routing", share_bp: 5000 } } }), "settings");
  return m.id;
}, { needed: true });

const paid = [];
await check(`${PAYMENTS} bKash payments paid through the API and the sandbox`, async () => {
  for (let i = 0; i < PAYMENTS; i++) paid.push(await paidBkash(i));
  return paid.map((p) => `${p.id} ৳${p.amount}`).join(", ");
}, { needed: true });

let nagad = null;
await check("a Nagad payment of Tk 9,000.xx through the sandbox's page, offered Tk 45.00 cashback", async () => {
  nagad = await paidNagad();
  return `${nagad.id} ৳${nagad.amount}`;
}, { needed: true });

let statement = "";
await check("today's bKash statement from the sandbox, this run's lines only", async () => {
  const r = await fetch(`${SANDBOX}/__control/statements/bkash/${today}?format=csv`);
  if (!r.ok) throw new Error(`export: ${r.status} ${await r.text()}`);
  const lines = (await r.text()).split(/\r?\n/).filter((l) => l.length);
  const header = csvFields(lines[0] || "");
  const at = (name) => header.indexOf(name);
  if (at("payment_id") < 0 || at("invoice") < 0) throw new Error(`unexpected header: ${lines[0]}`);
  const ids = new Set(paid.map((p) => p.id)), refs = new Set(paid.map((p) => p.reference));
  const ours = lines.slice(1).filter((l) => { const f = csvFields(l); return ids.has(f[at("invoice")]) || refs.has(f[at("payment_id")]); });
  if (ours.length !== PAYMENTS) throw new Error(`${ours.length} of ${PAYMENTS} payments in the export`);
  statement = [lines[0], ...ours].join("\r\n") + "\r\n";
  return `${ours.length} lines`;
}, { needed: true });

await check(`PUT /v1/statements/bkash/${today}`, async () => {
  const r = expectOk(await edge("PUT", `/v1/statements/bkash/${today}`, { body: statement, type: "text/csv" }), "upload");
  return typeof r === "object" && r.lines != null ? `${r.lines} lines taken` : "";
}, { needed: true });

await check(`today's Nagad statement, this run's line only, PUT /v1/statements/nagad/${today}`, async () => {
  const r = await fetch(`${SANDBOX}/__control/statements/nagad/${today}?format=csv`);
  if (!r.ok) throw new Error(`export: ${r.status} ${await r.text()}`);
  const lines = (await r.text()).split(/\r?\n/).filter((l) => l.length);
  const at = csvFields(lines[0] || "").indexOf("order_id");
  if (at < 0) throw new Error(`unexpected header: ${lines[0]}`);
  const ours = lines.slice(1).filter((l) => csvFields(l)[at] === nagad.orderId);
  if (ours.length !== 1) throw new Error(`${ours.length} lines for ${nagad.orderId} in the export`);
  const held = expectOk(await edge("PUT", `/v1/statements/nagad/${today}`, { body: [lines[0], ...ours].join("\r\n") + "\r\n", type: "text/csv" }), "upload");
  return `${held.lines} line taken`;
}, { needed: true });

let report = null;
await check(`POST /v1/reconciliation/${today}/run, then GET it`, async () => {
  expectOk(await edge("POST", `/v1/reconciliation/${today}/run`), "run");
  report = expectOk(await edge("GET", `/v1/reconciliation/${today}`), "read");
  if (!report || !report.summary || typeof report.summary.matched !== "number") throw new Error(`no summary: ${JSON.stringify(report).slice(0, 300)}`);
  return `matched ${report.summary.matched}, status ${report.status}, alarm ${report.alarm}`;
}, { needed: true });

await check("this run's payments are matched", async () => {
  const ids = new Set([...paid.map((p) => p.id), nagad.id]);
  const flagged = (report.items || []).filter((it) => it.kind !== "matched" && ids.has(it.payment_id));
  if (flagged.length) throw new Error(flagged.map((it) => `${it.payment_id} ${it.kind}`).join(", "));
  if (report.summary.matched < PAYMENTS + 1) throw new Error(`matched ${report.summary.matched} < ${PAYMENTS + 1}`);
});

await check("the Nagad item and the summary carry the cashback", async () => {
  const item = (report.items || []).find((it) => it.payment_id === nagad.id);
  if (!item || item.cashback !== "45.00" || item.promotion_kind !== "cashback") throw new Error(`item: ${JSON.stringify(item)}`);
  if (report.summary.cashback !== "45.00") throw new Error(`summary cashback ${report.summary.cashback}`);
  return `item ${item.cashback}, summary ${report.summary.cashback}`;
});

let settlement = null;
let cohorts = null;
await check(`GET /v1/settlements/${today} and /v1/analytics/cohorts for the fortnight`, async () => {
  settlement = expectOk(await edge("GET", `/v1/settlements/${today}`), "settlement");
  if (!settlement.total || settlement.total.cashback == null || settlement.total.vat == null) throw new Error(`no totals: ${JSON.stringify(settlement).slice(0, 300)}`);
  // Paid before 21:00 in Dhaka (the earliest cut-off, Ramadan's), the Nagad payment settles today.
  const dhakaHour = new Date(nagad.paidAt + 6 * 3600 * 1000).getUTCHours();
  if (dhakaHour < 21 && settlement.total.cashback !== "45.00") throw new Error(`total cashback ${settlement.total.cashback}, want 45.00`);
  if (dhakaHour < 21 && settlement.total.vat === "0.00") throw new Error("no VAT in the day's total");
  const from = new Date(Date.parse(today + "T00:00:00Z") - 13 * 86400000).toISOString().slice(0, 10);
  cohorts = expectOk(await edge("GET", `/v1/analytics/cohorts?from=${from}&to=${today}`), "cohorts").cohorts;
  const checkouts = cohorts.reduce((n, c) => n + c.checkouts, 0);
  if (checkouts !== PAYMENTS + 1) throw new Error(`${checkouts} checkouts in the cohorts, want ${PAYMENTS + 1}`);
  return `cashback ${settlement.total.cashback}, VAT ${settlement.total.vat}; cohorts ${cohorts.map((c) => `${c.name} ${c.checkouts}`).join(", ")}`;
}, { needed: true });

const BN = "০১২৩৪৫৬৭৮৯";
const bnDigits = (s) => String(s).replace(/[0-9]/g, (d) => BN[d]);
/** Money as the page writes it (finance.js money()): ৳ and lakh grouping, Bangla digits in Bangla. */
function shownMoney(s, lang) {
  const [whole, frac] = String(s).split(".");
  const grouped = whole.length <= 3 ? whole : whole.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ",") + "," + whole.slice(-3);
  const text = `৳${grouped}.${frac}`;
  return lang === "bn" ? bnDigits(text) : text;
}
/** "0.5000" as the page writes it: "50.00%" (Bangla digits in Bangla). */
function shownPercent(s, lang) {
  const [whole, frac] = String(s).split(".");
  const text = `${String(Number(whole + frac.slice(0, 2)))}.${frac.slice(2, 4)}%`;
  return lang === "bn" ? bnDigits(text) : text;
}
const toReview = (report.items || []).filter((it) => it.kind !== "matched").length;

for (const lang of ["bn", "en"]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bdpay-finance-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS, ...PHONE,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e.message || e)));
  page.on("console", (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text()); });
  const shown = await check(`finance.html?lang=${lang} at 360 px: key, today, the summary`, async () => {
    await page.goto(`${EDGE}/finance.html?lang=${lang}`);
    const htmlLang = await page.getAttribute("html", "lang");
    if (htmlLang !== lang) throw new Error(`page language ${htmlLang} (was ?lang= lost on a redirect?)`);
    await page.fill("#key", READ_KEY);
    await page.fill("#date", today);
    await page.click("#show");
    await page.locator('#recon-body [data-kind="matched"], #recon-body .error, #error:not([hidden])').first().waitFor();
    if (await page.isVisible("#error")) throw new Error(`the page says: ${(await page.textContent("#error")).trim()}`);
    const cell = page.locator('#recon-body [data-kind="matched"]');
    if (!(await cell.count())) throw new Error(`no summary: ${(await page.textContent("#recon-body")).trim().slice(0, 200)}`);
    const value = Number(await cell.getAttribute("data-value"));
    const text = (await cell.locator(".n").textContent()).trim();
    const want = lang === "bn" ? bnDigits(report.summary.matched) : String(report.summary.matched);
    if (value !== report.summary.matched || text !== want) throw new Error(`matched shown ${text} (${value}), API ${report.summary.matched}`);
    return `matched ${text}`;
  });
  if (shown) {
    await check(`${lang}: no horizontal scroll at 360 px`, async () => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) throw new Error(`scrollWidth ${width}`);
      return `scrollWidth ${width}`;
    });
    await check(`${lang}: review list, settlement, calendar, chart and cohorts drawn without errors`, async () => {
      // Every section done loading (the chart's history arrives last).
      await page.waitForFunction(() => !document.querySelector("#results .placeholder") && !document.getElementById("show").disabled);
      const boxes = await page.evaluate(() => ["review", "settlement", "calendar", "chart", "cohorts"]
        .filter((id) => document.querySelector(`#${id}-body .error`))
        .map((id) => `${id}: ${document.querySelector(`#${id}-body .error`).textContent.trim()}`));
      if (boxes.length) throw new Error(boxes.join(" | "));
      const items = await page.locator("#review-body li.item").count();
      if (items !== toReview) throw new Error(`${items} review cards, API has ${toReview} items that are not matched`);
      const days = await page.locator("table.calendar tbody tr").count();
      if (days !== 14) throw new Error(`${days} calendar days, want 14`);
      if (!(await page.locator("#chart-body svg.chart").count())) throw new Error(`no chart: ${(await page.textContent("#chart-body")).trim()}`);
      if (errors.length) throw new Error(`page errors: ${errors.join(" | ")}`);
      return `${items} to review, 14 days, chart`;
    });
    await check(`${lang}: the settlement's cashback and tax totals as the API gives them`, async () => {
      const shown = [];
      for (const field of ["cashback", "vat", "withholding"]) {
        const cell = page.locator(`#settlement-body .beside-totals dd[data-field="${field}"]`);
        if (!(await cell.count())) throw new Error(`no ${field} total: ${(await page.textContent("#settlement-body")).trim().slice(0, 200)}`);
        const text = (await cell.textContent()).trim(), want = shownMoney(settlement.total[field], lang);
        if (text !== want) throw new Error(`${field} shown ${text}, API ${settlement.total[field]} (${want})`);
        shown.push(`${field} ${text}`);
      }
      const nagadCashback = page.locator('#settlement-body td[data-provider="nagad"][data-field="cashback"]');
      if (settlement.providers.nagad && (await nagadCashback.textContent()).trim() !== shownMoney(settlement.providers.nagad.cashback, lang))
        throw new Error(`Nagad's cashback shown ${(await nagadCashback.textContent()).trim()}, API ${settlement.providers.nagad.cashback}`);
      return shown.join(", ");
    });
    await check(`${lang}: the cohorts table, a column per cohort, as the API gives it`, async () => {
      const heads = await page.locator("#cohorts-body thead th[data-cohort]").evaluateAll((ths) => ths.map((th) => th.getAttribute("data-cohort")));
      if (heads.join() !== cohorts.map((c) => c.name).join()) throw new Error(`columns ${heads.join()}, API ${cohorts.map((c) => c.name).join()}`);
      const control = page.locator('#cohorts-body thead th[data-cohort="control"]');
      if ((await control.count()) && (await control.textContent()).trim() !== (lang === "bn" ? "কন্ট্রোল" : "Control"))
        throw new Error(`control is headed ${(await control.textContent()).trim()}`);
      for (const c of cohorts) {
        const cell = (field) => page.locator(`#cohorts-body td[data-cohort="${c.name}"][data-field="${field}"]`).textContent().then((x) => x.trim());
        const checkouts = await cell("checkouts"), share = await cell("share"), rate = await cell("success_rate");
        const want = lang === "bn" ? bnDigits(c.checkouts) : String(c.checkouts);
        if (checkouts !== want) throw new Error(`${c.name}: checkouts shown ${checkouts}, API ${c.checkouts}`);
        if (share !== shownPercent(c.share, lang)) throw new Error(`${c.name}: share shown ${share}, API ${c.share}`);
        if (rate !== shownPercent(c.success_rate, lang)) throw new Error(`${c.name}: success rate shown ${rate}, API ${c.success_rate}`);
      }
      return cohorts.map((c) => `${c.name} ${c.checkouts}`).join(", ");
    });
  }
  await page.screenshot({ path: path.join(OUT, shown ? `finance-${lang}.png` : `FAILED-finance-${lang}.png`), fullPage: true }).catch(() => {});
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

finish();
