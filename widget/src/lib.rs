//! bdpay's checkout widget, compiled to WebAssembly. `/bdpay.js` (www/bdpay.js, built from
//! widget/loader.js) loads it and calls [`mount`] for its script tag.
//!
//! The shopper sees the amount in the page's language, a button per provider with the
//! recommended one marked (a down one disabled), an optional phone field, and a status line;
//! when the wallet tapped did not answer, why and a way on to the other one; when no wallet
//! can take the payment, how to send the money by hand and a form for its TrxID (manual.rs);
//! each wallet's promotion on its button (risk.rs); the NID and another number when the
//! merchant asks, and the step-up's one-time code (step_up.rs); a device id with every confirm
//! (worked out by the loader: docs/device-id.md).
//! The page hears `bdpay:status` (every status, `requires_review` too) / `bdpay:succeeded` /
//! `bdpay:failed` / `bdpay:cancelled` (docs/design.md, "The widget on a page"). Size rules: no formatting machinery, serde_json or panics with messages on the widget's path.

mod amount;
mod answer;
mod api;
mod cell;
#[cfg(feature = "manual")]
mod clip;
mod config;
mod events;
mod flow;
#[cfg(not(feature = "manual"))]
mod lazy;
#[cfg(feature = "manual")]
mod manual;
#[cfg(feature = "manual")]
mod manual_view;
mod phone;
mod poll;
mod qr;
mod render;
mod risk;
#[cfg(feature = "manual")]
mod step_up;
mod text;
mod view;
mod widget;

use wasm_bindgen::prelude::*;

// wasm32 in a browser is one thread; lol_alloc's free list is a fraction of dlmalloc's size.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without the atomics feature has exactly one thread.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Mounts the widget into `target`. `script` is the loader's `<script>` tag (its `data-*`
/// attributes configure the widget; without it the target's own are read), `api` the edge's
/// origin (`URL.origin`: no trailing slash), `device` the loader's guess (`desktop`, `mobile_web`, `webview`), and `loaded` what
/// the loader already has, an object whose fields may each be missing:
/// - `first`: its early `/status` request (a `Promise<Response>`);
/// - `more`: its function that mounts the build with the manual-transfer screen in this one's
///   place (lazy.rs);
/// - `device_id`: its promise of the device id confirm carries (docs/device-id.md);
/// - `tapped`: the wallet (`bkash`, `nagad`) the shopper tapped in its skeleton before the
///   wasm came, confirmed as soon as the status says `requires_method`;
/// - `resumed`: `true` when this build takes over from another one (lazy.rs): its loading
///   view is then the progress line alone, not the wallets.
///
/// Never throws: whatever is wrong is said in the box and in a `bdpay:failed` event.
#[wasm_bindgen]
pub fn mount(target: web_sys::Element, script: Option<web_sys::Element>, api: &str, device: &str, loaded: JsValue) {
    widget::start(target, script, api, device, widget::Loaded::read(&loaded));
}
