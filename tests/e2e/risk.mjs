// End-to-end for issue #16's widget side, on a cheap phone (PHONE at 360×740; slow 3G and a
// 4× slower CPU unless BDPAY_E2E_FAST=1) against the real stack: the demo shop served from its
// own origin (merchant.mjs), the worker, the provider sandbox and its SMS stand-in.
//
//   a. a wallet's promotion on its button, in Bangla: Tk 1,300 at the demo merchant shows bKash's
//      commission-free offer; Tk 8,000 shows Nagad's 0.5 % cashback (৳৪০.০০);
//   b. a Grameenphone number typed (013…) puts up the banner for Nagad; bKash stays usable;
//   c. the step-up: a merchant of its own (admin API, TEST-ONLY operator token) whose setting
//      steps every new customer up (`PUT /v1/settings {"risk": {"step_up_score": 20}}`); the
//      shopper pays, the phone build hands over to its twin with the code's form, the code is
//      read from the SMS stand-in, a wrong one is refused in Bangla, the right one goes on to
//      the wallet's page, and the payment succeeds there. Its confirm carries the loader's
//      device id, equal to the SHA-256 of docs/device-id.md's features read off the page.
//
// Env: BDPAY_EDGE_URL (default http://127.0.0.1:8787), BDPAY_SANDBOX_URL (default
// http://127.0.0.1:8790), BDPAY_E2E_OUT (screenshots, default .bdpay/e2e), BDPAY_ADMIN_TOKEN
// (the local stack's TEST operator token by default), BDPAY_E2E_ONLY, BDPAY_E2E_FAST=1.
// Prints one line per test and `N passed, N failed` last; exits non-zero on any failure.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SANDBOX, ADMIN_TOKEN, WIDGET, api, shot, widgetStatus, buy, payAtProvider, runTests } from "./shopper.mjs";

// The device id docs/device-id.md describes, worked out here from the page's raw features
// (read in the page, joined and hashed in Node), to hold the loader's to its documentation.
async function expectedDeviceId(page) {
  const f = await page.evaluate(() => {
    const s = window.screen, n = navigator, x = +s.width || 0, y = +s.height || 0;
    return [Math.min(x, y), Math.max(x, y), s.colorDepth, window.devicePixelRatio, n.hardwareConcurrency,
      n.maxTouchPoints, Intl.DateTimeFormat().resolvedOptions().timeZone, n.language, n.platform];
  });
  const text = ["bdpay-device-1", ...f.map((v) => (v === undefined || v === null ? "" : String(v)))].join("|");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

// A Nagad sandbox wallet that pays (tests/sandbox/README.md); a Grameenphone number (017).
const NAGAD = { wallet: "01711000001", otp: "123456", pin: "1234" };
// The published bKash sandbox credential set and the sandbox's TEST Nagad keys, as
// scripts/lib.sh seed_demo_merchant gives the demo merchant.
const BKASH_CREDENTIALS = {
  username: "sandboxTokenizedUser02",
  app_key: "4f6o0cjiki2rfm34kfdadl1eqq",
  password: "sandboxTokenizedUser02@12345",
  app_secret: "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
};
const KEYS = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../sandbox/test-keys");


/** A merchant of its own, onboarded as an operator does, with a TEST key and sandbox credentials. */
async function shopOfItsOwn(name) {
  const m = await api("POST", "/admin/merchants", ADMIN_TOKEN, { name });
  const key = (await api("POST", `/admin/merchants/${m.id}/keys`, ADMIN_TOKEN, { mode: "test" })).key;
  await api("PUT", `/admin/merchants/${m.id}/credentials/bkash`, ADMIN_TOKEN, { mode: "test", ...BKASH_CREDENTIALS });
  await api("PUT", `/admin/merchants/${m.id}/credentials/nagad`, ADMIN_TOKEN, {
    mode: "test",
    merchant_id: "683002007104225",
    merchant_private_key: fs.readFileSync(path.join(KEYS, "nagad-merchant.key.pem"), "utf8"),
    pg_public_key: fs.readFileSync(path.join(KEYS, "nagad-gateway.pub.pem"), "utf8"),
  });
  return { id: m.id, key };
}

const text = async (page, id) => ((await page.locator(`${WIDGET} #${id}`).textContent()) || "").trim();

/** The demo shop's checkout answered with `payment` (a payment made through the API). */
async function checkoutWith(page, payment) {
  await page.route("**/demo/checkout", (r) =>
    r.fulfill({
      status: 200,
      contentType: "application/json",
      body: JSON.stringify({ payment_id: payment.id, client_secret: payment.client_secret, amount: payment.amount, order_id: payment.order_id }),
    }),
  );
}

/** The newest six-digit code the SMS stand-in holds for `number` (01…) since `since` (ms). */
async function codeSentTo(number, since, timeoutMs = 60_000) {
  const to = "88" + number;
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    const r = await fetch(`${SANDBOX}/__control/sms`);
    const { messages = [] } = await r.json().catch(() => ({}));
    const mine = messages.filter((m) => m.to === to && Date.parse(m.at) >= since - 2000);
    const code = mine.length && /(?<!\d)(\d{6})(?!\d)/.exec(mine[mine.length - 1].text)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no code in an SMS to ${to}`);
}

const tests = {
  async "a: bKash's commission-free offer on its button in Bangla; Nagad's cashback at Tk 8,000"(t) {
    const { page } = t;
    await buy(t, { lang: "bn", product: "tshirt", quantity: 2 }); // Tk 1,300
    const bkash = page.locator(`${WIDGET} button[data-provider=bkash]`);
    await page.locator(`${WIDGET} #xbkash`).waitFor({ state: "visible" });
    if ((await text(page, "xbkash")) !== "কমিশন ছাড়া") throw new Error(`bKash's offer: "${await text(page, "xbkash")}"`);
    if (!(await bkash.textContent()).includes("কমিশন ছাড়া")) throw new Error("the offer is not on the button");
    if (await page.locator(`${WIDGET} #xnagad`).isVisible()) throw new Error(`Nagad offers "${await text(page, "xnagad")}" at Tk 1,300`);
    await shot(page, "risk-a-bkash-commission-free-bn");

    // Tk 8,000.00 at the demo merchant: 0.5 % back on Nagad, and bKash's offer ends at Tk 3,000.
    const payment = await api("POST", "/v1/payments", "sk_test_demo", {
      order_id: `WEB-RISK-${Date.now().toString(36)}`, amount: "8000.00", return_url: `${t.shop}/thanks.html`,
    });
    await checkoutWith(page, payment);
    await buy(t, { lang: "bn", product: "kantha", quantity: 1 });
    await page.locator(`${WIDGET} #xnagad`).waitFor({ state: "visible" });
    if ((await text(page, "xnagad")) !== "৳৪০.০০ ক্যাশব্যাক") throw new Error(`Nagad's offer: "${await text(page, "xnagad")}"`);
    if (await page.locator(`${WIDGET} #xbkash`).isVisible()) throw new Error("bKash offers something at Tk 8,000");
    await shot(page, "risk-a-nagad-cashback-bn");
  },

  async "b: a Grameenphone number puts up the banner for Nagad and leaves bKash usable"(t) {
    const { page } = t;
    await buy(t, { lang: "bn", product: "mug", quantity: 1 });
    const banner = page.locator(`${WIDGET} #y[data-provider]`);
    if (await banner.count()) throw new Error("a banner before any number");
    await page.locator(`${WIDGET} #p`).pressSequentially("01311000001");
    await banner.waitFor({ state: "visible" });
    if ((await banner.getAttribute("data-provider")) !== "nagad") throw new Error(`banner for ${await banner.getAttribute("data-provider")}`);
    if (!(await banner.textContent()).includes("নগদ")) throw new Error(`banner: ${await banner.textContent()}`);
    if (!(await text(page, "pt")).includes("গ্রামীণফোন")) throw new Error(`hint: ${await text(page, "pt")}`);
    const bkash = page.locator(`${WIDGET} button[data-provider=bkash]`);
    if (!(await bkash.isVisible()) || (await bkash.isDisabled())) throw new Error("bKash hidden or disabled by the banner");
    await shot(page, "risk-b-grameenphone-banner-nagad-bn");
  },

  async "c: a stepped-up payment asks for the SMS code, refuses a wrong one and goes on with the right one"(t) {
    const { page } = t;
    const shop = await shopOfItsOwn("E2E step-up shop");
    await api("PUT", "/v1/settings", shop.key, { risk: { step_up_score: 20 } });
    const payment = await api("POST", "/v1/payments", shop.key, {
      order_id: `WEB-STEPUP-${Date.now().toString(36)}`, amount: "650.00", return_url: `${t.shop}/thanks.html`,
    });
    await checkoutWith(page, payment);
    await buy(t, { lang: "bn", product: "tshirt", quantity: 1 });
    await page.locator(`${WIDGET} #p`).fill(NAGAD.wallet);
    const since = Date.now();
    // A phone: its build has no code's form, so the twin with it comes now.
    const twin = page.waitForRequest((r) => /bdpay_widget_bg\.[0-9a-f]+\.wasm$/.test(r.url()));
    const confirm = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith(`/v1/payments/${payment.id}/confirm`));
    await page.click(`${WIDGET} button[data-provider=nagad]`);
    const body = JSON.parse((await confirm).postData() || "{}");
    if (body.device_id !== (await expectedDeviceId(page))) throw new Error(`device_id: ${body.device_id}`);
    await twin;
    await widgetStatus(page, "otp");
    const prompt = await text(page, "ol");
    if (!prompt.includes("নম্বরে পাঠানো ৬ সংখ্যার কোডটি লিখুন") || !prompt.includes(NAGAD.wallet.slice(-4))) throw new Error(`prompt: ${prompt}`);
    if ((await page.getAttribute(`${WIDGET} #oc`, "autocomplete")) !== "one-time-code") throw new Error("no one-time-code autocomplete");
    await shot(page, "risk-c-otp-asked-bn");
    const code = await codeSentTo(NAGAD.wallet, since);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    await page.locator(`${WIDGET} #oc`).fill(wrong);
    await page.click(`${WIDGET} #os`);
    await page.locator(`${WIDGET} #e`).filter({ hasText: /\S/ }).waitFor();
    const said = await text(page, "e");
    if (!/[\u0980-\u09FF]/.test(said)) throw new Error(`the wrong code's words in Bangla: "${said}"`);
    if ((await page.getAttribute(WIDGET, "data-bdpay-status")) !== "otp") throw new Error("left the code's form after a wrong code");
    await shot(page, "risk-c-otp-wrong-bn");
    await page.locator(`${WIDGET} #oc`).fill(code);
    await page.click(`${WIDGET} #os`);
    await page.waitForURL((u) => !u.href.startsWith(t.shop));
    if (!page.url().startsWith(SANDBOX) || !new URL(page.url()).pathname.startsWith("/nagad/")) throw new Error(`Nagad's page: ${page.url()}`);
    await page.locator("input:not([type=hidden]):visible").first().waitFor({ state: "visible" });
    await shot(page, "risk-c-wallet-page-after-otp");
    await payAtProvider(t, NAGAD);
    await widgetStatus(page, "succeeded");
    await shot(page, "risk-c-paid-after-otp");
  },
};

await runTests("e2e risk", tests, { prefix: "risk-" });
