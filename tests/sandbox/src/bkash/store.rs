//! What the bKash half remembers: tokens, payments (with their hosted-page progress and
//! refunds), send money transfers, and the ids it hands out. One mutex; no handler awaits
//! while holding it.

use std::collections::{HashMap, HashSet, VecDeque};

use bdpay_shared::money::Money;
use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;

use super::choices::Credential;

/// A token and the credential set it was granted for (A.18: tokens are bound to it).
#[derive(Clone, Copy, Debug)]
pub struct Grant {
    /// Unix ms.
    pub expires_ms: i64,
    pub credential: &'static Credential,
}

/// Tokens, payments, transfers and the ids already used.
#[derive(Default)]
pub struct Inner {
    /// id_token → its grant.
    pub tokens: HashMap<String, Grant>,
    /// refresh_token → its grant.
    pub refresh: HashMap<String, Grant>,
    /// Per `username` header: instants of token calls within the last hour (the budget).
    pub token_calls: HashMap<String, VecDeque<i64>>,
    pub payments: HashMap<String, Payment>,
    /// Payment trxID → paymentID.
    pub by_trx: HashMap<String, String>,
    /// Send money (A.17), by trxID: not payments to a merchant, found only by search.
    pub transfers: HashMap<String, Transfer>,
    /// Every trxID handed out (payments, refunds, transfers), so none repeats.
    pub used_trx: HashSet<String>,
    /// (wallet, amount in poisha) → when a payment with them last completed (the 2029 rule).
    pub last_debit: HashMap<(String, i64), i64>,
}

/// Where the shopper is on the hosted page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Wallet,
    Otp,
    Pin,
}

/// A payment's life at the sandbox. bKash's own `transactionStatus` is `Completed` only in
/// `Completed`; everything else reads `Initiated` (A.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Created; the shopper is on (or has not reached) the page.
    Open,
    /// The shopper finished wallet, OTP and PIN: execute may run.
    Approved,
    Cancelled,
    /// Page failure (wrong PIN/OTP limit, OTP or session expiry): `code` says which.
    Failed {
        code: &'static str,
    },
    Completed {
        trx_id: String,
        at_ms: i64,
    },
}

#[derive(Clone, Debug)]
pub struct Refund {
    pub trx_id: String,
    pub amount: Money,
    pub sku: String,
    pub reason: String,
    pub at_ms: i64,
}

/// A wallet-to-wallet send money (A.17), made through the control API.
#[derive(Clone, Debug)]
pub struct Transfer {
    pub trx_id: String,
    pub from: String,
    pub to: String,
    pub amount: Money,
    pub at_ms: i64,
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub id: String,
    /// The credential set whose token created it (A.18): only that merchant's calls see it.
    pub merchant: &'static Credential,
    /// The `hash` in `bkashURL`: the page answers only with it.
    pub hash: String,
    /// The 10-character `signature` of the three callback URLs (it proves nothing, A.6).
    pub signature: String,
    pub created_ms: i64,
    /// `amount` as the merchant sent it (echoed, A.16) and its value.
    pub amount_text: String,
    pub amount: Money,
    pub invoice: String,
    pub payer_reference: String,
    pub callback_url: String,
    pub stage: Stage,
    pub step: Step,
    /// The wallet the shopper typed (step 1 onwards).
    pub wallet: Option<String>,
    pub otp_sent_ms: i64,
    pub otp_misses: u8,
    pub pin_misses: u8,
    /// The page's error line for the current step (a code), cleared on the next success.
    pub notice: Option<&'static str>,
    pub refunds: Vec<Refund>,
}

impl Payment {
    pub fn is_completed(&self) -> bool {
        matches!(self.stage, Stage::Completed { .. })
    }

    /// The shopper finished wallet, OTP and PIN (A.8 `verificationStatus: Complete`).
    pub fn is_verified(&self) -> bool {
        matches!(self.stage, Stage::Approved | Stage::Completed { .. })
    }

    pub fn trx_id(&self) -> Option<&str> {
        match &self.stage {
            Stage::Completed { trx_id, .. } => Some(trx_id),
            _ => None,
        }
    }

    pub fn completed_ms(&self) -> Option<i64> {
        match self.stage {
            Stage::Completed { at_ms, .. } => Some(at_ms),
            _ => None,
        }
    }

    pub fn refunded_poisha(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount.poisha()).sum()
    }

    /// The redirect target for `status`, appended with `&` when `callbackURL` has a query (A.6).
    pub fn callback(&self, status: &str, api_version: bool) -> String {
        let sep = if self.callback_url.contains('?') { '&' } else { '?' };
        let mut url = format!(
            "{}{sep}paymentID={}&status={status}&signature={}",
            self.callback_url, self.id, self.signature
        );
        if api_version {
            url.push_str("&apiVersion=1.2.0-beta/");
        }
        url
    }
}

fn alnum(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

fn upper_alnum(n: usize) -> String {
    const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let pick = Uniform::from(0..SET.len());
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| SET.get(pick.sample(&mut rng)).map_or('X', |b| char::from(*b)))
        .collect()
}

impl Inner {
    /// `TR` + mode + 7 alphanumerics + 13-digit epoch ms (A.5), unused so far.
    pub fn new_payment_id(&self, now_ms: i64) -> String {
        loop {
            let id = format!("TR0011{}{now_ms:013}", alnum(7));
            if !self.payments.contains_key(&id) {
                return id;
            }
        }
    }

    /// 10 upper-case alphanumerics (A.7), never repeated.
    pub fn new_trx_id(&mut self) -> String {
        loop {
            let id = upper_alnum(10);
            if self.used_trx.insert(id.clone()) {
                return id;
            }
        }
    }
}

pub fn new_hash() -> String {
    alnum(40)
}

pub fn new_signature() -> String {
    alnum(10)
}

/// An opaque token of `parts` base64url-looking pieces (A.2's tokens look like JWT / JWE).
pub fn new_token(head: &str, parts: usize) -> String {
    let mut t = String::from(head);
    for _ in 0..parts {
        t.push('.');
        t.push_str(&alnum(43));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_documented_shapes() {
        let mut inner = Inner::default();
        let id = inner.new_payment_id(1_732_522_331_412);
        assert_eq!(id.len(), 26);
        assert!(id.starts_with("TR0011") && id.ends_with("1732522331412"));
        let trx = inner.new_trx_id();
        assert_eq!(trx.len(), 10);
        assert!(trx.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        assert_eq!(new_signature().len(), 10);
    }
}
