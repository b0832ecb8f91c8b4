// What the end-to-end scripts (run.mjs, risk.mjs) share: the stack's addresses from the
// environment, a call to the edge, a fresh phone (or desktop) in Chromium, screenshots, the
// widget's status, a purchase on the demo shop, the sandbox's hosted wallet page, and the
// runner that takes each test through a fresh browser (runTests).
//
// Env: BDPAY_EDGE_URL (default http://127.0.0.1:8787), BDPAY_SANDBOX_URL (default
// http://127.0.0.1:8790), BDPAY_E2E_OUT (screenshots, default .bdpay/e2e), BDPAY_E2E_ONLY (a
// substring of test names), BDPAY_E2E_FAST=1 (no throttling, for a quick local look).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startMerchant } from "./merchant.mjs";
import { SLOW_3G, CPU_SLOWDOWN, CHROMIUM_ARGS, PHONE } from "./profile.mjs";

export const EDGE = (process.env.BDPAY_EDGE_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
export const SANDBOX = (process.env.BDPAY_SANDBOX_URL || "http://127.0.0.1:8790").replace(/\/$/, "");
export const OUT = process.env.BDPAY_E2E_OUT || ".bdpay/e2e";
export const ONLY = process.env.BDPAY_E2E_ONLY || "";
export const FAST = process.env.BDPAY_E2E_FAST === "1";
// The operators' token of the local stack (TEST ONLY, scripts/lib.sh TEST_ADMIN_TOKEN).
export const ADMIN_TOKEN = process.env.BDPAY_ADMIN_TOKEN || "adm_test_only_operator_token_0001";
export const WIDGET = "#pay";

fs.mkdirSync(OUT, { recursive: true });

/** A call to the edge with a Bearer key; the JSON answer, or an error naming the status. */
export async function api(method, route, key, body) {
  const r = await fetch(EDGE + route, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json", "idempotency-key": `e2e-${Date.now()}-${Math.random()}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** A fresh phone (or a desktop): its own profile, throttled network and CPU, the shop's origin. */
export async function phone(merchant, device = PHONE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bdpay-e2e-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    ...device,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(FAST ? 20_000 : 120_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e.message || e)));
  if (!FAST && device === PHONE) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  }
  const close = async () => {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { page, errors, close, shop: merchant.url, context };
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

/** The widget's `data-bdpay-status`, waited for until it is one of `want`. */
export async function widgetStatus(page, ...want) {
  await page.waitForFunction(
    ([sel, w]) => w.includes(document.querySelector(sel)?.getAttribute("data-bdpay-status")),
    [WIDGET, want],
  );
  return page.getAttribute(WIDGET, "data-bdpay-status");
}

/**
 * Shop → product → cart → checkout, in `lang`; ends with the widget's buttons on screen, or
 * (`ready: false`) as soon as the checkout page is there.
 */
export async function buy(t, { lang, product, quantity, ready = true }) {
  const { page, shop } = t;
  await page.goto(`${shop}/`);
  await page.evaluate((l) => localStorage.setItem("demo-lang", JSON.stringify(l)), lang);
  await page.goto(`${shop}/product.html?p=${product}`);
  for (let i = 1; i < quantity; i++) await page.click("#plus");
  await page.click("#add");
  await page.waitForURL(/cart\.html/);
  await page.click("#checkout");
  await page.waitForURL(/checkout\.html/);
  if (!ready) return;
  await widgetStatus(page, "requires_method");
  await page.locator(`${WIDGET} button[data-provider=bkash]`).waitFor({ state: "visible" });
}

/**
 * Completes a provider's hosted page in the sandbox: each step shows one field (wallet, OTP
 * or PIN); the button that confirms is pressed, or the one that cancels when `cancel`.
 */
export async function payAtProvider(t, { wallet, otp, pin, cancel = false }) {
  const { page, shop } = t;
  await page.waitForURL((u) => !u.href.startsWith(shop));
  for (let step = 0; step < 6 && !page.url().startsWith(shop); step++) {
    const field = page.locator("input:not([type=hidden]):visible").first();
    await field.waitFor({ state: "visible" });
    if (cancel) {
      await Promise.all([
        page.waitForNavigation(),
        page.locator("button[value=cancel], button:has-text('Cancel'), button:has-text('Close'), a:has-text('Cancel')").first().click(),
      ]);
      break;
    }
    const hint = ((await field.getAttribute("name")) || "") + " " + ((await field.getAttribute("placeholder")) || "") + " " + ((await field.getAttribute("type")) || "");
    const value = /pin|password/i.test(hint) ? pin : /otp|code|verif/i.test(hint) ? otp : wallet;
    await field.fill(value);
    await Promise.all([
      page.waitForNavigation(),
      page.locator("button[value=confirm], button[type=submit]:not([value=cancel]), button.confirm").first().click(),
    ]);
  }
  await page.waitForURL((u) => u.href.startsWith(shop));
}

/**
 * Runs `tests` (name → async (t) => …) one after another, each on a fresh browser (`deviceFor(name)`,
 * a phone unless it says otherwise), against the demo shop served from its own origin. Prints
 * one line per test, a screenshot named `FAILED-<prefix><name>` for each failure, and `N passed,
 * N failed` last; exits non-zero on any failure. BDPAY_E2E_ONLY picks tests by name.
 */
export async function runTests(label, tests, { prefix = "", deviceFor = () => undefined } = {}) {
  const merchant = await startMerchant({ edge: EDGE });
  let passed = 0;
  let failed = 0;
  console.log(`${label}: shop ${merchant.url}, edge ${EDGE}, sandbox ${SANDBOX}, ${FAST ? "unthrottled" : "slow 3G + 4x CPU"}, screenshots in ${OUT}`);
  for (const [name, run] of Object.entries(tests)) {
    if (ONLY && !name.includes(ONLY)) continue;
    const t = await phone(merchant, deviceFor(name));
    const started = Date.now();
    try {
      await run(t);
      const own = t.errors.filter((e) => !/sandbox/i.test(e));
      if (own.length) throw new Error(`page errors: ${own.join(" | ")}`);
      passed++;
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed++;
      await shot(t.page, `FAILED-${prefix}${name.replace(/\W+/g, "-")}`).catch(() => {});
      console.log(`FAIL ${name}: ${String(e.message || e).split("\n")[0]} (at ${t.page.url()})`);
    } finally {
      await t.close();
    }
  }
  await merchant.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
