//! Every bKash fact docs/providers.md leaves to us (**[our choice]**) or that the sandbox had to
//! pick, in one place: change a rule here and the whole bKash half follows.
//!
//! Lifetimes that tests shorten (token, page, OTP, hang) live in [`crate::Config`] instead.

/// bKash's published sandbox credentials (A.1): a config pointed at the real sandbox works here.
pub const USERNAME: &str = "sandboxTokenizedUser02";
pub const PASSWORD: &str = "sandboxTokenizedUser02@12345";
pub const APP_KEY: &str = "4f6o0cjiki2rfm34kfdadl1eqq";
pub const APP_SECRET: &str = "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b";

/// TEST-ONLY: a second merchant's credential set (A.18 [our choice]), for per-merchant
/// credentials. bKash never issued these; they work only against this sandbox.
pub const SECOND_USERNAME: &str = "testOnlyTokenizedUser03";
pub const SECOND_PASSWORD: &str = "testOnlyTokenizedUser03@12345";
pub const SECOND_APP_KEY: &str = "testonly0second0appkey0003";
pub const SECOND_APP_SECRET: &str = "testonly0second0appsecret0not0issued0by0bkash000003";

/// TEST-ONLY: a third merchant's credential set, so a reconciliation test can fetch a
/// statement that holds only its own merchant's payments (the statement export's `merchant`).
pub const THIRD_USERNAME: &str = "testOnlyTokenizedUser04";
pub const THIRD_PASSWORD: &str = "testOnlyTokenizedUser04@12345";
pub const THIRD_APP_KEY: &str = "testonly0third00appkey0004";
pub const THIRD_APP_SECRET: &str = "testonly0third00appsecret0not0issued0by0bkash000004";

/// One merchant's bKash credential set: the `username`/`password` headers and the
/// `app_key`/`app_secret` body of a grant (A.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credential {
    pub username: &'static str,
    pub password: &'static str,
    pub app_key: &'static str,
    pub app_secret: &'static str,
}

/// Every credential set the sandbox accepts: the published one, then the TEST-ONLY others.
/// Tokens, payments and refund v2's `refund_v2_missing` variant are each bound to one.
pub static CREDENTIALS: [Credential; 3] = [
    Credential {
        username: USERNAME,
        password: PASSWORD,
        app_key: APP_KEY,
        app_secret: APP_SECRET,
    },
    Credential {
        username: SECOND_USERNAME,
        password: SECOND_PASSWORD,
        app_key: SECOND_APP_KEY,
        app_secret: SECOND_APP_SECRET,
    },
    Credential {
        username: THIRD_USERNAME,
        password: THIRD_PASSWORD,
        app_key: THIRD_APP_KEY,
        app_secret: THIRD_APP_SECRET,
    },
];

/// The credential set whose `username` this is.
pub fn credential_by_username(username: &str) -> Option<&'static Credential> {
    CREDENTIALS.iter().find(|c| c.username == username)
}

/// The credential set whose `app_key` this is.
pub fn credential_by_app_key(app_key: &str) -> Option<&'static Credential> {
    CREDENTIALS.iter().find(|c| c.app_key == app_key)
}

/// The merchant these credentials belong to: shown on the hosted page and in webhooks.
pub const MERCHANT_NAME: &str = "Demo Shop";
pub const SHORT_CODE: &str = "50022";
/// The SNS topic bKash publishes the merchant's payments to (A.13's example shape).
pub const TOPIC_ARN: &str = "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022";
/// Where the SNS signing certificate is served, under `/bkash` (A.13 [our choice]).
pub const CERT_PATH: &str = "/sns/SimpleNotificationService-sandbox.pem";
/// Searched transactions' `transactionType` (A.9).
pub const SEARCH_TRANSACTION_TYPE: &str = "bKash Tokenized Checkout via API";
/// A searched send money's `transactionType` (A.17 [our choice]).
pub const SEND_MONEY_TRANSACTION_TYPE: &str = "Send Money";
/// The searched send money's receiver wallet, beside `customerMsisdn` (the sender): the
/// spelling of bKash's own B2C payout API (A.17 [our choice]).
pub const RECEIVER_FIELD: &str = "receiverMSISDN";

/// Payment limits (A.14): below or above → 2006. In poisha.
pub const MIN_AMOUNT_POISHA: i64 = 100;
pub const MAX_AMOUNT_POISHA: i64 = 50_000_000;
/// Length cap on invoice, payer reference, callback URL, association info, sku, reason (A.5, A.10).
pub const MAX_FIELD_LEN: usize = 255;

/// Page inputs every wallet accepts (A.15).
pub const OTP: &str = "123456";
pub const PIN: &str = "12121";
/// Wrong PINs allowed: the third miss ends the payment (`status=failure`, 2015).
pub const PIN_TRIES: u8 = 3;
/// Wrong OTPs allowed: the third miss ends the payment (`status=failure`, 2017). Not in A.15.
pub const OTP_TRIES: u8 = 3;

/// Same wallet + same amount completed this recently → 2029 at execute (A.15).
pub const DUPLICATE_WINDOW_MS: i64 = 2 * 60 * 1000;
/// An unexecuted payment older than this cannot be executed → 2056 (A.15).
pub const EXECUTE_MAX_AGE_MS: i64 = 24 * 3600 * 1000;

/// Refund v2 rules (A.10): window after the payment completed, most refunds per payment.
pub const REFUND_WINDOW_DAYS: i64 = 60;
pub const MAX_REFUNDS: usize = 10;

/// Statement export (not a bKash API; A.11 [our choice]): merchant discount rate in basis
/// points of the gross amount (1.85 %), rounded half up to the poisha, charged on payments;
/// a refund returns the shopper's money and the fee is not given back.
pub const MDR_BASIS_POINTS: i64 = 185;
/// Bangladesh's banks close on Friday and Saturday: a day's collections settle on the next
/// Dhaka day that is neither (public holidays are not modelled). Sunday = 0.
pub const WEEKEND: [u8; 2] = [5, 6];

/// Body size cap on every bKash route (API Gateway answers 413 above it).
pub const BODY_LIMIT: usize = 64 * 1024;
/// SNS redelivery: retries after the first attempt, delays doubling from `Config::bkash_webhook_backoff`.
pub const WEBHOOK_RETRIES: u32 = 5;

/// What a wallet number does at execute (A.15's table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalletRule {
    Succeeds,
    /// Execute answers this code and moves no money.
    Fails(&'static str),
    /// 0170000NNNN (A.15 writes `017000NNNN`; its examples 01700002029, 01700009999 have
    /// four zeros): execute answers code NNNN (`0000` succeeds).
    Code(String),
    /// 01700000504: the payment completes at once, the answer comes after `Config::hang`.
    HangsThenCompletes,
}

pub fn wallet_rule(wallet: &str) -> WalletRule {
    match wallet {
        "01823074817" => WalletRule::Fails("2023"),
        "01823074818" => WalletRule::Fails("2037"),
        "01700000504" => WalletRule::HangsThenCompletes,
        w => match w.strip_prefix("0170000") {
            Some(code) => WalletRule::Code(code.to_owned()),
            None => WalletRule::Succeeds,
        },
    }
}

/// A well-formed wallet: `01`, operator digit 3–9, eight more digits.
pub fn is_wallet(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b.iter().all(u8::is_ascii_digit) && s.starts_with("01") && matches!(b.get(2), Some(b'3'..=b'9'))
}

/// `01XX4567`: the only way a wallet number is shown outside a provider reply.
pub fn mask(wallet: &str) -> String {
    let tail = wallet.get(wallet.len().saturating_sub(4)..).unwrap_or("");
    format!("01XX{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_wallets_behave_as_the_table_says() {
        assert_eq!(wallet_rule("01770618575"), WalletRule::Succeeds);
        assert_eq!(wallet_rule("01823074817"), WalletRule::Fails("2023"));
        assert_eq!(wallet_rule("01823074818"), WalletRule::Fails("2037"));
        assert_eq!(wallet_rule("01700002029"), WalletRule::Code("2029".into()));
        assert_eq!(wallet_rule("01700009999"), WalletRule::Code("9999".into()));
        assert_eq!(wallet_rule("01700000504"), WalletRule::HangsThenCompletes);
        assert_eq!(wallet_rule("01700000000"), WalletRule::Code("0000".into()));
    }

    #[test]
    fn wallets_are_checked_and_masked() {
        assert!(is_wallet("01770618575"));
        for bad in [
            "0177061857",
            "017706185755",
            "02770618575",
            "01270618575",
            "0177061857x",
            "",
        ] {
            assert!(!is_wallet(bad), "{bad}");
        }
        assert_eq!(mask("01770618575"), "01XX8575");
    }

    #[test]
    fn credentials_are_distinct_and_found_by_username_or_app_key() {
        let [a, b, _] = &CREDENTIALS;
        assert_ne!(a.username, b.username);
        assert_ne!(a.app_key, b.app_key);
        assert_eq!(credential_by_username(SECOND_USERNAME), Some(b));
        assert_eq!(credential_by_app_key(APP_KEY), Some(a));
        assert_eq!(credential_by_app_key(""), None);
        assert!(SECOND_USERNAME.starts_with("testOnly") && SECOND_APP_SECRET.starts_with("testonly"));
    }
}
