// DEV ONLY, not a test of the stack: www/finance.html against canned answers (playwright
// page.route), for working on the page without the edge and for preview screenshots. The
// real end-to-end test is tests/e2e/finance.mjs. Serves www/ on its own port with the
// _headers of /finance.html (its Content-Security-Policy included), so a CSP mistake shows
// here too. The page's clock is fixed at 2026-12-06 10:00 in Dhaka.
//
//   node tests/e2e/finance-fixtures.mjs            # every scenario, PNGs in .bdpay/finance-preview
//   BDPAY_E2E_OUT=/tmp/x ONLY=not-run CHUNKS=1 node tests/e2e/finance-fixtures.mjs   (CHUNKS: also 740 px pieces)
// Prints one line per scenario; exits non-zero when one fails (a page error, a CSP report,
// a horizontal scroll at 360 px, or a missing piece of text).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, PHONE } from "./profile.mjs";

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../www");
const OUT = process.env.BDPAY_E2E_OUT || ".bdpay/finance-preview";
const ONLY = process.env.ONLY || "";
const NOW = new Date("2026-12-06T10:00:00+06:00");
fs.mkdirSync(OUT, { recursive: true });

// ------------------------------------------------------------------ fixtures (the brief's JSON)
const SUMMARY = { matched: 10, fuzzy_matched: 1, needs_review: 1, missing_at_provider: 0, missing_in_ledger: 1, amount_mismatch: 1,
  ledger_total: "12500.00", statement_total: "12750.00", difference: "250.00", difference_ratio: "0.0200" };
const REPORT = {
  object: "reconciliation", date: "2026-12-05", status: "complete",
  statements: { bkash: { source: "uploaded", lines: 12, received_at: "2026-12-06T03:00:02+06:00" }, nagad: null },
  summary: SUMMARY, alarm: false, created_at: "2026-12-06T03:00:05+06:00",
  items: [
    { kind: "matched", provider: "bkash", payment_id: "pay_m000000000000000000000001", refund_id: null, trx_id: "CKP40QZ7AA", amount_ledger: "500.00", amount_statement: "500.00", confidence: 1,
      evidence: { statement_line: 1, statement_time: "2026-12-05T10:00:02+06:00", ledger_time: "2026-12-05T10:00:00+06:00", invoice: "pay_m000000000000000000000001", wallet: "01XX1234", recovered: false } },
    { kind: "needs_review", provider: "bkash", payment_id: "pay_7k2m9q4x8w1z5c3v6b0n2j4h", refund_id: null, trx_id: "CKP40QZ7TM", amount_ledger: "1250.00", amount_statement: "1250.00", confidence: 0.81,
      evidence: { statement_line: 7, statement_time: "2026-12-05T14:07:02+06:00", ledger_time: "2026-12-05T14:05:33+06:00", invoice: "pay_7k2m9q4x8w1z5c3v6b0n2j4h", wallet: "01XX8575", recovered: false } },
    { kind: "fuzzy_matched", provider: "bkash", payment_id: "pay_q3w8e1r6t9y2u5i0o4p7a1s3", refund_id: null, trx_id: null, amount_ledger: "650.00", amount_statement: "650.00", confidence: 0.93,
      evidence: { statement_line: 9, statement_time: "2026-12-05T18:41:10+06:00", ledger_time: "2026-12-05T18:40:58+06:00", invoice: "pay_q3w8e1r6t9y2u5i0o4p7a1s3", wallet: "01XX0412", recovered: true } },
    { kind: "missing_in_ledger", provider: "bkash", payment_id: null, refund_id: null, trx_id: "CKQ11AB9ZD", amount_ledger: null, amount_statement: "250.00", confidence: null,
      evidence: { statement_line: 11, statement_time: "2026-12-05T21:15:44+06:00", ledger_time: null, invoice: null, wallet: "01XX7780", recovered: false } },
    { kind: "amount_mismatch", provider: "bkash", payment_id: "pay_z9x8c7v6b5n4m3l2k1j0h9g8", refund_id: null, trx_id: "CKP77RT2QE", amount_ledger: "1300.00", amount_statement: "1350.00", confidence: 0.97,
      evidence: { statement_line: 4, statement_time: "2026-12-05T12:02:19+06:00", ledger_time: "2026-12-05T12:02:11+06:00", invoice: "pay_z9x8c7v6b5n4m3l2k1j0h9g8", wallet: "01XX2231", recovered: false } },
  ],
};
const ALARMED = { ...REPORT, status: "incomplete", alarm: true,
  statements: { bkash: REPORT.statements.bkash, nagad: null },
  summary: { ...SUMMARY, statement_total: "13150.00", difference: "650.00", difference_ratio: "0.0520" } };
/** bKash below its ৳5,000 minimum: nothing credited for the day, all carried over. */
const SMALL_DAY = { object: "settlement", date: "2026-12-05", providers: {
  bkash: { gross: "3200.00", fees: "59.20", refunds: "0.00", net: "3140.80", expected_credit_at: null, carried_over: "3140.80" }, nagad: null } };
const SETTLEMENT = { object: "settlement", date: "2026-12-05", providers: {
  bkash: { gross: "12500.00", fees: "231.25", refunds: "0.00", net: "12268.75", expected_credit_at: "2026-12-06T12:39:00+06:00", carried_over: "0.00",
    cashback: "0.00", vat: "1630.43", withholding: "0.00" },
  nagad: { gross: "9000.00", fees: "44.80", refunds: "350.00", net: "8605.20", expected_credit_at: null, carried_over: "8605.20",
    cashback: "45.00", vat: "1173.91", withholding: "0.00" } },
  total: { gross: "21500.00", fees: "276.05", refunds: "350.00", net: "20873.95", credited: "12268.75", carried_over: "8605.20",
    cashback: "45.00", vat: "2804.34", withholding: "0.00" } };
/** The grey release over the fortnight: control and one variant. */
const COHORTS = { object: "cohorts", from: "2026-11-22", to: "2026-12-05", cohorts: [
  { name: "control", share: "0.8000", checkouts: 412, success_rate: "0.9126", median_seconds_to_pay: 65, refunds: 7 },
  { name: "smart_routing", share: "0.2000", checkouts: 103, success_rate: "0.9417", median_seconds_to_pay: 48, refunds: 1 } ] };
/** Fourteen days from 2026-12-06 with Dhaka's Friday/Saturday weekend and Victory Day. */
function calendar(from) {
  const days = [];
  for (let i = 0; i < 14; i++) {
    const d = new Date(Date.parse(from + "T00:00:00Z") + i * 86400000);
    const date = d.toISOString().slice(0, 10), wd = d.getUTCDay();
    const holiday = date === "2026-12-16" ? "বিজয় দিবস (Victory Day)" : date === "2026-12-25" ? "Christmas Day" : null;
    const business = !(wd === 5 || wd === 6 || holiday);
    days.push({ date, business_day: business, holiday, ramadan: false, credits: [] });
  }
  days[0].credits.push({ provider: "bkash", for_date: "2026-12-05", amount: "12201.50", expected_credit_at: "2026-12-06T12:39:00+06:00" });
  days[1].credits.push({ provider: "bkash", for_date: "2026-12-06", amount: "8450.00", expected_credit_at: "2026-12-07T12:39:00+06:00" },
    { provider: "nagad", for_date: "2026-12-05", amount: "6530.40", expected_credit_at: "2026-12-07T16:00:00+06:00" });
  return { object: "settlement_calendar", from, days };
}
/** The list for the chart: most days of the fortnight, two missing, one over the line. */
function history(from, to, alarmDay = "2026-11-28") {
  const data = [];
  for (let t = Date.parse(from + "T00:00:00Z"); t <= Date.parse(to + "T00:00:00Z"); t += 86400000) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date === "2026-11-25" || date === "2026-12-01") continue;
    const n = (t / 86400000) % 7;
    const total = (8000 + n * 1375 + (date.endsWith("5") ? 4500 : 0)).toFixed(2);
    const ratio = date === alarmDay ? "0.0310" : date === "2026-12-05" ? "0.0200" : (0.002 + n * 0.0019).toFixed(4);
    data.push({ date, status: "complete", alarm: date === alarmDay,
      summary: date === "2026-12-05" ? (alarmDay === date ? ALARMED.summary : SUMMARY) : { ...SUMMARY, ledger_total: total, difference_ratio: ratio } });
  }
  return { object: "list", data };
}
const json = (status, body) => ({ status, contentType: "application/json", body: JSON.stringify(body) });
const notFound = json(404, { error: { code: "not_found", message: "That day has not been reconciled yet.", message_bn: "এই দিনের হিসাব এখনো মেলানো হয়নি।" } });
const unauthorized = json(401, { error: { code: "unauthorized", message: "Invalid API key.", message_bn: "API কী সঠিক নয়।" } });
const forbidden = json(403, { error: { code: "forbidden", message: "A read-only key cannot do this.", message_bn: "শুধু-পড়ার কী দিয়ে এটি করা যায় না।" } });

/** The edge as each scenario wants it: (method, path, query, key) → a page.route fulfil. */
const scenarios = {
  "bn": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT }) },
  "en": { lang: "en", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT }) },
  // Switching language after loading redraws every section from what was fetched.
  "toggle-bn-to-en": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT }), toggle: true },
  "alarm-bn": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: ALARMED, alarmDay: "2026-12-05", settlement: SMALL_DAY }),
    expect: ["সতর্কতা", "৫.২০%", "বিকাশের সর্বনিম্ন ৳৫,০০০-এর কম"] },
  "not-run-rk-bn": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: null }), run: true,
    expect: ["গোপন কী (sk_…) লাগে"] },
  "not-run-sk-en": { lang: "en", key: "sk_test_demo", edge: () => ({ report: null, runReport: REPORT }), run: true,
    expect: ["Reconciliation done.", "Needs review"] },
  "bad-key-bn": { lang: "bn", key: "rk_test_wrong", edge: () => ({ all: unauthorized }), expect: ["কীটি গ্রহণ করা হয়নি"], hidden: true },
  "offline-en": { lang: "en", key: "rk_test_finance_clerk", edge: () => ({ abort: true }), expect: ["Cannot reach bdpay"], hidden: true },
  "server-error-bn": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT, settlementFails: true }), expect: ["সমস্যা হয়েছে (HTTP 500)"] },
  // The same 500 once, then "Try again" in that section brings the settlement.
  "retry-bn": { lang: "bn", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT, settlementFailsOnce: true }), retry: true,
    expect: ["৳১২,২৬৮.৭৫", "এবার নয়"] },
  // No checkouts in the fortnight; a settlement from an edge before promotions (no cashback, no total).
  "no-cohorts-en": { lang: "en", key: "rk_test_finance_clerk", edge: () => ({ report: REPORT, cohorts: { ...COHORTS, cohorts: [] }, settlement: SMALL_DAY }),
    expect: ["No checkouts in these 14 days.", "Not this time"], absent: ["Total cashback"] },
};

async function answer(route, sc) {
  const u = new URL(route.request().url()), m = route.request().method(), p = u.pathname;
  const auth = route.request().headers().authorization || "";
  const setup = sc.edge();
  if (setup.abort) return route.abort("internetdisconnected");
  if (!/^Bearer (rk|sk)_/.test(auth)) return route.fulfill(unauthorized);
  if (setup.all) return route.fulfill(setup.all);
  let r;
  if (m === "POST" && /^\/v1\/reconciliation\/\d{4}-\d{2}-\d{2}\/run$/.test(p)) {
    r = auth.startsWith("Bearer rk_") ? forbidden : json(200, setup.runReport || REPORT);
    if (setup.runReport) sc.ran = true;
  } else if (m === "GET" && p === "/v1/settlements/calendar") r = json(200, calendar(u.searchParams.get("from")));
  else if (m === "GET" && /^\/v1\/settlements\/\d{4}-\d{2}-\d{2}$/.test(p))
    r = setup.settlementFails || (setup.settlementFailsOnce && !sc.failed && (sc.failed = true)) ? json(500, { error: { code: "internal_error", message: "Something went wrong on our side.", message_bn: "আমাদের দিকে সমস্যা হয়েছে।" } }) : json(200, setup.settlement || SETTLEMENT);
  else if (m === "GET" && p === "/v1/analytics/cohorts") r = json(200, setup.cohorts || COHORTS);
  else if (m === "GET" && p === "/v1/reconciliation") {
    const h = history(u.searchParams.get("from"), u.searchParams.get("to"), setup.alarmDay);
    if (!setup.report && !sc.ran) h.data = h.data.filter((x) => x.date !== "2026-12-05");
    r = json(200, h);
  } else if (m === "GET" && /^\/v1\/reconciliation\/\d{4}-\d{2}-\d{2}$/.test(p)) r = setup.report || sc.ran ? json(200, setup.report || setup.runReport) : notFound;
  else r = json(404, { error: { code: "not_found", message: "No such route.", message_bn: "এমন কোনো পথ নেই।" } });
  await new Promise((ok) => setTimeout(ok, 150)); // a little latency, so "loading" is drawn
  return route.fulfill(r);
}

// ------------------------------------------------------------------ www/ with its _headers
/** The headers _headers gives `pathname` (exact paths only: enough for /finance.html). */
function headersFor(pathname) {
  const lines = fs.readFileSync(path.join(WWW, "_headers"), "utf8").split("\n");
  const out = {};
  let on = false;
  for (const line of lines) {
    if (!line.trim() || line.startsWith("#")) continue;
    if (!/^\s/.test(line)) { on = line.trim() === pathname; continue; }
    if (on) { const i = line.indexOf(":"); out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim(); }
  }
  return out;
}
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const file = path.join(WWW, path.normalize(decodeURIComponent(url.pathname)));
    if (!file.startsWith(WWW + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); return res.end("not found"); }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store", ...headersFor(url.pathname) });
    res.end(fs.readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

// ------------------------------------------------------------------ run
const site = await serve();
let failed = 0;
for (const [name, sc] of Object.entries(scenarios)) {
  if (ONLY && !name.includes(ONLY)) continue;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bdpay-finview-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS, ...PHONE });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`); });
  try {
    await page.clock.setFixedTime(NOW);
    await page.route(/\/v1\//, (route) => answer(route, sc));
    await page.goto(`${site.url}/finance.html?lang=${sc.lang}`);
    if ((await page.inputValue("#date")) !== "2026-12-05") throw new Error(`default date: ${await page.inputValue("#date")}`);
    await page.fill("#key", sc.key);
    await page.click("#show");
    await page.waitForFunction(() => !document.getElementById("show").disabled);
    if (sc.run) {
      await page.click("#run");
      await page.waitForFunction(() => !document.querySelector("#run[disabled]"));
      await page.waitForTimeout(400);
    }
    let calls = 0;
    if (sc.toggle) {
      page.on("request", (r) => { if (/\/v1\//.test(r.url())) calls++; });
      await page.click("#lang");
      if ((await page.getAttribute("html", "lang")) !== "en" || !page.url().includes("lang=en")) problems.push("the toggle did not switch to English");
    }
    if (sc.retry) {
      await page.click("#settlement-body .error button");
      await page.locator("#settlement-body table").waitFor();
    }
    await page.waitForTimeout(300);
    const text = await page.evaluate(() => document.body.innerText);
    if (calls) problems.push(`the toggle fetched again (${calls} calls)`);
    for (const want of sc.expect || (sc.lang === "bn" && !sc.toggle
      ? ["১০", "৳১২,৫০০.০০", "২.০০%", "যাচাই দরকার", "বিজয় দিবস", "মোট ক্যাশব্যাক", "৳৪৫.০০", "৳২,৮০৪.৩৪", "কন্ট্রোল", "৮০.০০%", "৪১২", "১ মিনিট ৫ সেকেন্ড"]
      : ["Matched", "৳12,500.00", "2.00%", "Needs review", "Victory Day", "Total cashback", "৳45.00", "৳2,804.34", "Control", "80.00%", "412", "1 min 5 s"]))
      if (!text.includes(want)) problems.push(`missing text: ${want}`);
    for (const not of sc.absent || []) if (text.includes(not)) problems.push(`unexpected text: ${not}`);
    if (sc.hidden && !(await page.isHidden("#results"))) problems.push("results shown beside a key/network error");
    if (!sc.hidden) {
      const empties = await page.evaluate(() => ["recon-body", "review-body", "settlement-body", "calendar-body", "chart-body", "cohorts-body"].filter((id) => !document.getElementById(id).textContent.trim()));
      if (empties.length) problems.push(`empty boxes: ${empties.join(", ")}`);
      const loading = await page.evaluate(() => document.querySelectorAll(".placeholder").length);
      if (loading) problems.push(`${loading} sections still loading`);
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 360) problems.push(`horizontal scroll: ${width}px`);
    await page.screenshot({ path: path.join(OUT, `finance-${name}.png`), fullPage: true });
    if (process.env.CHUNKS) {
      // The full page in screen-high pieces, easier to look at than one long strip.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0, i = 0; y < height; y += 740, i++)
        await page.screenshot({ path: path.join(OUT, `finance-${name}-${i}.png`), fullPage: true, clip: { x: 0, y, width: 360, height: Math.min(740, height - y) } });
    }
    if (problems.length) throw new Error(problems.join(" | "));
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e.message || e).split("\n")[0]}`);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
site.close();
console.log(`screenshots in ${OUT}`);
process.exit(failed ? 1 : 0);
