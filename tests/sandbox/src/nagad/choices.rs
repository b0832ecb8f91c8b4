//! Every Nagad fact docs/providers.md leaves to us (**[our choice]**) or that the sandbox had to
//! pick, in one place: change a rule here and the whole Nagad half follows.
//!
//! Lifetimes that tests shorten (page session, hang) live in [`crate::Config`]; protocol
//! rules shared with the edge (order id, datetime window, codes) in `bdpay_shared::wire::nagad`.

use bdpay_shared::wire::nagad::status_code;

/// A merchant registered with the sandbox: the public key it uploaded (B.3) and what the
/// page shows. Nagad's demo merchant (B.4's examples) is the only one.
pub struct Merchant {
    pub id: &'static str,
    pub name: &'static str,
    /// The merchant's own wallet (`merchantMobileNo` in verify).
    pub account: &'static str,
    /// File under `Config::keys_dir`.
    pub public_key_file: &'static str,
}

pub const MERCHANTS: &[Merchant] = &[Merchant {
    id: "683002007104225",
    name: "Demo Shop",
    account: "01711428036",
    public_key_file: "nagad-merchant.pub.pem",
}];

/// The sandbox's stand-in for Nagad's PG private key (its public half is what merchants get).
pub const GATEWAY_KEY_FILE: &str = "nagad-gateway.key.pem";

/// B.3: SHA1withRSA request signatures are accepted by default (the guide's hash); the
/// control API can turn this off (`PUT /__control/nagad/settings`).
pub const ACCEPT_SHA1_DEFAULT: bool = true;

/// Page inputs every wallet accepts (B.12).
pub const OTP: &str = "123456";
pub const PIN: &str = "1234";
/// Wrong PINs allowed: the third miss ends the payment (`Failed`, 50_0026_802).
pub const PIN_TRIES: u8 = 3;
/// Wrong OTPs allowed: the third miss ends the payment (`Failed`, 50_0026_803). Not in B.12.
pub const OTP_TRIES: u8 = 3;

/// Amount limits (B.11): outside → `Failed`/50_0026_851 on the page, after the PIN. Poisha.
pub const MIN_AMOUNT_POISHA: i64 = 100;
pub const MAX_AMOUNT_POISHA: i64 = 50_000_000;

/// The merchant's challenge: 1–64 ASCII letters/digits (guide 40 hex, samples 40 alphanumerics).
pub const MAX_CHALLENGE_LEN: usize = 64;
/// Nagad's own challenge: 20 hex (B.3), from 10 random bytes.
pub const SERVER_CHALLENGE_BYTES: usize = 10;
/// `merchantCallbackURL` length (B.5).
pub const CALLBACK_URL_LEN: std::ops::RangeInclusive<usize> = 10..=255;
/// `additionalMerchantInfo` serialized size cap (B.5).
pub const ADDITIONAL_INFO_MAX: usize = 2048;
/// Body size cap on every Nagad route.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Verify's `statusCode` for a paid (or refunded) payment: what the real sandbox sends (B.7).
pub const VERIFY_SUCCESS_CODE: &str = "000";

/// Statement export (not a Nagad API; B.9 [our choice]): merchant fee in basis points of
/// the gross (1.50 %), rounded half up to the poisha, charged on payments; a refund returns
/// the shopper's money and the fee is not given back.
pub const FEE_BASIS_POINTS: i64 = 150;
/// Banks close Friday and Saturday: a day's collections settle on the next Dhaka day that is
/// neither (public holidays not modelled). Sunday = 0. Same calendar as the bKash half.
pub const WEEKEND: [u8; 2] = [5, 6];

/// What a wallet does once the shopper gives the right PIN (B.12's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalletRule {
    Succeeds,
    /// `Failed` with this page status code; no money moves.
    Fails(&'static str),
    /// Succeeds; the first verify afterwards hangs for `Config::hang`, then answers.
    SucceedsVerifyHangsOnce,
}

/// B.12's test wallets. Any other well-formed number pays ([our choice]: Nagad publishes none).
pub fn wallet_rule(wallet: &str) -> WalletRule {
    match wallet {
        "01711000002" => WalletRule::Fails(status_code::INSUFFICIENT_BALANCE),
        "01711000003" => WalletRule::Fails(status_code::OVER_LIMIT),
        "01711000504" => WalletRule::SucceedsVerifyHangsOnce,
        _ => WalletRule::Succeeds,
    }
}

/// Verify's `clientMobileNo` as Nagad masks it (B.7): `017****8575`. Wire fidelity only;
/// everywhere else the sandbox shows `01XX8575` (`Msisdn::masked`).
pub fn nagad_mask(wallet: &str) -> String {
    match (wallet.get(..3), wallet.get(wallet.len().saturating_sub(4)..)) {
        (Some(head), Some(tail)) if wallet.len() == 11 => format!("{head}****{tail}"),
        _ => String::from("***"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_wallets_behave_as_b12_says() {
        for ok in ["01711000001", "01811000001", "01911000001", "01770618575"] {
            assert_eq!(wallet_rule(ok), WalletRule::Succeeds, "{ok}");
        }
        assert_eq!(wallet_rule("01711000002"), WalletRule::Fails("50_0026_801"));
        assert_eq!(wallet_rule("01711000003"), WalletRule::Fails("50_0026_851"));
        assert_eq!(wallet_rule("01711000504"), WalletRule::SucceedsVerifyHangsOnce);
    }

    #[test]
    fn verify_mask_is_nagads() {
        assert_eq!(nagad_mask("01712348575"), "017****8575");
        assert_eq!(nagad_mask("0171"), "***");
    }
}
