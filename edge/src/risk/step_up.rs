//! The step-up code's delivery: one SMS, in Bangla and English, through the SMS gateway the
//! alerts use (`alerts::gateway`). The code is drawn, digested and checked in
//! `payment::risk_gate` (`bdpay_shared::risk::otp`); it is never logged or stored in clear.

use bdpay_shared::locale::Lang;
use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::risk::otp::OtpCode;
use worker::Env;

use crate::alerts::gateway::Gateway;

/// The text: the code first (phones show the start in the notification), the shop and the
/// amount so a shopper who did not ask knows what it is for, and the warning never to share it.
pub fn text(code: &OtpCode, shop: &str, amount: Money) -> String {
    let shop: String = shop.chars().filter(|c| !c.is_control()).take(30).collect();
    let mut amount_bn = String::new();
    bdpay_shared::locale::push_digits(&mut amount_bn, &amount.to_string(), Lang::Bn);
    format!(
        "{code} bdpay code: Tk {amount} to {shop}. 5 min. Do not share it. / {shop}-কে ৳{amount_bn} দিতে কোড {code}। কাউকে বলবেন না।",
        code = code.expose_digits(),
    )
}

/// Sends the code; `sent`, or a word for what went wrong (no gateway set: `not_configured`).
pub async fn send(env: &Env, to: &Msisdn, code: &OtpCode, shop: &str, amount: Money) -> &'static str {
    match Gateway::from_env(env) {
        Some(g) => g.send(to, &text(code, shop, amount)).await,
        None => "not_configured",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_code_shop_and_amount_in_both_languages() {
        let code = OtpCode::parse("042917").unwrap();
        let t = text(&code, "Demo\nShop", Money::parse("1250.50").unwrap());
        assert!(t.starts_with("042917 "), "{t}");
        assert!(t.contains("Tk 1250.50 to DemoShop"), "{t}");
        assert!(t.contains("৳১২৫০.৫০"), "{t}");
        assert!(t.contains("কোড 042917"), "{t}");
    }
}
