//! Nagad payments in memory: one record per `paymentReferenceId`, its page token, the
//! per-day order ids, and the status lifecycle of B.12 with the page's session expiry; and
//! the send money made through the control API (B.13).

use std::collections::{HashMap, HashSet};

use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::wire::nagad::{status_code, AdditionalMerchantInfo, PaymentStatus};

/// One refund ("purchase cancel", B.8).
#[derive(Clone, Debug)]
pub struct Refund {
    pub amount: Money,
    pub trx_id: String,
    pub at_ms: i64,
    /// The merchant's `referenceNo` (shown in the statement).
    pub reference_no: String,
}

/// The page's language (`?locale=EN|BN` on initialize, switchable on the page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    En,
    Bn,
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub reference: String,
    pub merchant_id: String,
    pub order_id: String,
    pub server_challenge: String,
    pub locale: Locale,
    /// Accepted at initialize (`orderDateTime`).
    pub created_ms: i64,
    /// `accountNumber` of initialize, if sent.
    pub merchant_account: Option<String>,
    pub status: PaymentStatus,
    /// From complete onwards.
    pub amount: Option<Money>,
    pub callback_url: Option<String>,
    /// `additionalMerchantInfo` as sent (compact JSON), echoed by verify as a string.
    pub info_json: Option<String>,
    pub info: AdditionalMerchantInfo,
    pub token: Option<String>,
    pub page_expires_ms: i64,
    pub wallet: Option<Msisdn>,
    pub otp_misses: u8,
    pub pin_misses: u8,
    /// The page's `status_code` of the outcome (B.6).
    pub status_code: Option<String>,
    pub issuer_ref: Option<String>,
    pub issuer_ms: Option<i64>,
    pub refunds: Vec<Refund>,
    /// 01711000504: the next verify hangs once.
    pub hang_next_verify: bool,
}

impl Payment {
    pub fn new(reference: String, merchant_id: &str, order_id: &str, server_challenge: String, now_ms: i64) -> Payment {
        Payment {
            reference,
            merchant_id: merchant_id.to_owned(),
            order_id: order_id.to_owned(),
            server_challenge,
            locale: Locale::En,
            created_ms: now_ms,
            merchant_account: None,
            status: PaymentStatus::OrderInitiated,
            amount: None,
            callback_url: None,
            info_json: None,
            info: AdditionalMerchantInfo::default(),
            token: None,
            page_expires_ms: i64::MAX,
            wallet: None,
            otp_misses: 0,
            pin_misses: 0,
            status_code: None,
            issuer_ref: None,
            issuer_ms: None,
            refunds: Vec::new(),
            hang_next_verify: false,
        }
    }

    /// The hosted page may still act: completed, not yet an outcome.
    pub fn on_page(&self) -> bool {
        self.status.is_pending() && self.status != PaymentStatus::OrderInitiated
    }

    /// B.12 [our choice]: a page session older than `Config::nagad_page_ttl` is `Aborted`.
    /// Answers whether this call made the change (so the caller sends the outcome's hint).
    pub fn expire_if_due(&mut self, now_ms: i64) -> bool {
        if self.on_page() && now_ms >= self.page_expires_ms {
            self.status = PaymentStatus::Aborted;
            self.status_code = Some(status_code::ABORTED.to_owned());
            return true;
        }
        false
    }

    /// Poisha refunded so far.
    pub fn refunded_poisha(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount.poisha()).sum()
    }
}

#[derive(Default)]
pub struct Inner {
    pub payments: HashMap<String, Payment>,
    /// Page token → reference.
    pub tokens: HashMap<String, String>,
    /// (merchantId, Dhaka yyyyMMdd, orderId) of every accepted initialize (B.4: unique per day).
    pub orders: HashSet<(String, String, String)>,
    /// Send money made through the control API (B.13), oldest first.
    pub transfers: Vec<Transfer>,
}

/// A wallet-to-wallet send money (B.13): no Nagad API finds it; ops review reads the list.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// Like issuer references (`000177YT`): [`trx_id`].
    pub trx_id: String,
    pub from: String,
    pub to: String,
    pub amount: Money,
    pub at_ms: i64,
}

impl Inner {
    /// The payment behind a page token.
    pub fn by_token(&mut self, token: &str) -> Option<&mut Payment> {
        let reference = self.tokens.get(token)?;
        self.payments.get_mut(reference)
    }
}

/// A Nagad-looking transaction id (`000177YT`, issuer and cancel references alike):
/// a 4-digit sequence, then 4 random letters/digits.
pub fn trx_id(seq: u32, random: [u8; 4]) -> String {
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut id = format!("{:04}", seq % 10_000);
    for b in random {
        let c = ALPHABET.get(usize::from(b) % ALPHABET.len()).copied().unwrap_or(b'X');
        id.push(char::from(c));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_session_expiry_aborts_once() {
        let mut p = Payment::new("r".into(), "683002007104225", "ORDER1", "c".into(), 0);
        assert!(!p.expire_if_due(i64::MAX - 1), "not on the page before complete");
        p.status = PaymentStatus::OtpSent;
        p.page_expires_ms = 600_000;
        assert!(!p.expire_if_due(599_999));
        assert!(p.expire_if_due(600_000));
        assert_eq!(p.status, PaymentStatus::Aborted);
        assert_eq!(p.status_code.as_deref(), Some("00_0000_001"));
        assert!(!p.expire_if_due(700_000), "already an outcome");
    }

    #[test]
    fn trx_ids_look_like_nagads() {
        assert_eq!(trx_id(1, [0, 25, 26, 35]), "0001AZ09");
        assert_eq!(trx_id(12_345, [1, 1, 1, 1]), "2345BBBB");
    }
}
