//! The widget's own words in Bangla and English; provider errors come from the edge in both.
//!
//! Each language is a cargo feature (`bn`, `en`, both by default): scripts/build-widget.sh
//! builds one wasm per language, so a shopper downloads only the words of the page's language.

use bdpay_shared::locale::Lang;
use bdpay_shared::phone::{Operator, PhoneError};
use bdpay_shared::provider::Provider;
#[cfg(feature = "manual")]
use bdpay_shared::risk::nid::NidError;
use bdpay_shared::status::PaymentStatus;

/// Every sentence the widget says, for one language.
pub struct Text {
    pub order: &'static str,
    pub recommended: &'static str,
    pub unavailable: &'static str,
    pub phone_ok: &'static str,
    pub loading: &'static str,
    pub choose: &'static str,
    pub waiting: &'static str,
    pub scan: &'static str,
    pub continue_here: &'static str,
    pub succeeded: &'static str,
    pub failed: &'static str,
    pub cancelled: &'static str,
    pub expired: &'static str,
    pub refunded: &'static str,
    pub partly_refunded: &'static str,
    pub try_other: &'static str,
    pub try_again_choose: &'static str,
    pub offline: &'static str,
    pub unreachable: &'static str,
    pub still_waiting: &'static str,
    pub no_payment: &'static str,
    pub bad_payment: &'static str,
    pub no_secret: &'static str,
    pub bad_secret: &'static str,
    pub unexpected: &'static str,
    pub bad_link: &'static str,
    /// While a wallet is `degraded`: confirmation may be slow (docs/design.md, "Routing").
    pub slow: &'static str,
    /// The manual-transfer screen's first line when the edge sent no words of its own.
    #[cfg(feature = "manual")]
    pub manual: &'static str,
    /// `requires_review`: the shopper's transfer is in, the shop is checking it.
    #[cfg(feature = "manual")]
    pub review: &'static str,
    #[cfg(feature = "manual")]
    pub copied: &'static str,
    #[cfg(feature = "manual")]
    pub copy_failed: &'static str,
    /// A TrxID with a character no TrxID has, one of the wrong length, no wallet chosen.
    #[cfg(feature = "manual")]
    pub trx_errors: [&'static str; 3],
    /// Around the two names: "বিকাশ এখন সাড়া দিচ্ছে না, নগদ দিয়ে পেমেন্ট করুন।"
    pub failover: (&'static str, &'static str),
    /// Grameenphone, Banglalink, Robi, Airtel, Teletalk as shoppers write them.
    pub operators: [&'static str; 5],
    /// What is wrong with a typed number: bad character, length, prefix, operator.
    pub phone_errors: [&'static str; 4],
    /// Around a provider's name: starting, redirecting, "pay with", the phone's suggestion.
    pub with_provider: [(&'static str, &'static str); 5],
    /// The step-up code's prompt, around the masked number it went to ([`Text::otp_you`]
    /// when the edge did not say).
    #[cfg(feature = "manual")]
    pub otp_prompt: (&'static str, &'static str),
    #[cfg(feature = "manual")]
    pub otp_you: &'static str,
    /// Not six digits.
    #[cfg(feature = "manual")]
    pub otp_bad: &'static str,
    /// What is wrong with a typed NID: empty, bad character, length, birth year, placeholder.
    #[cfg(feature = "manual")]
    pub nid_errors: [&'static str; 5],
}

#[cfg(feature = "bn")]
static BN: Text = Text {
    order: "অর্ডার",
    recommended: "প্রস্তাবিত",
    unavailable: "এখন বন্ধ",
    phone_ok: "নম্বর",
    loading: "পেমেন্ট লোড হচ্ছে…",
    choose: "কীভাবে পেমেন্ট করবেন, বেছে নিন।",
    waiting: "পেমেন্ট নিশ্চিত হওয়ার অপেক্ষায়…",
    scan: "ফোনের ক্যামেরা দিয়ে কোডটি স্ক্যান করে ফোনে পেমেন্ট করুন। এই পেজটি অপেক্ষা করবে।",
    continue_here: "এই ডিভাইসেই পেমেন্ট করুন",
    succeeded: "পেমেন্ট সফল হয়েছে। ধন্যবাদ!",
    failed: "পেমেন্ট হয়নি।",
    cancelled: "পেমেন্ট বাতিল করা হয়েছে।",
    expired: "পেমেন্টের সময় শেষ হয়ে গেছে।",
    refunded: "এই পেমেন্টের টাকা ফেরত দেওয়া হয়েছে।",
    partly_refunded: "এই পেমেন্টের কিছু টাকা ফেরত দেওয়া হয়েছে।",
    try_other: "অন্যভাবে চেষ্টা করতে পারেন:",
    try_again_choose: "আবার চেষ্টা করতে চাইলে বেছে নিন:",
    offline: "ইন্টারনেট সংযোগ নেই। সংযোগ ফিরলে আবার দেখা হবে।",
    unreachable: "পেমেন্ট সার্ভারে পৌঁছানো যাচ্ছে না। একটু পরে আবার চেষ্টা করা হবে।",
    still_waiting: "এখনও উত্তর আসেনি। আবার দেখতে চাপুন।",
    no_payment: "এই পেজে কোনো পেমেন্ট দেওয়া হয়নি (data-payment নেই)। দোকানে ফিরে আবার চেষ্টা করুন।",
    bad_payment: "পেমেন্টের আইডি সঠিক নয় (data-payment)। দোকানে ফিরে আবার চেষ্টা করুন।",
    no_secret: "পেমেন্টের গোপন কোড দেওয়া হয়নি (data-client-secret নেই)।",
    bad_secret: "পেমেন্টের গোপন কোড এই পেমেন্টের নয় (data-client-secret)।",
    unexpected: "পেমেন্ট সার্ভার থেকে অপ্রত্যাশিত উত্তর এসেছে। একটু পরে আবার চেষ্টা করুন।",
    bad_link: "পেমেন্ট পেজের ঠিকানা পাওয়া যায়নি। আবার চেষ্টা করুন।",
    slow: "এখন পেমেন্ট নিশ্চিত হতে স্বাভাবিকের চেয়ে বেশি সময় লাগতে পারে।",
    #[cfg(feature = "manual")]
    manual: "আপনার ওয়ালেট অ্যাপ থেকে নিজে টাকা পাঠিয়ে পেমেন্ট করুন।",
    #[cfg(feature = "manual")]
    review: "আপনার পাঠানো টাকার তথ্য পেয়েছি; দোকান এটি যাচাই করছে।",
    #[cfg(feature = "manual")]
    copied: "কপি হয়েছে",
    #[cfg(feature = "manual")]
    copy_failed: "কপি করা যায়নি; নিজে লিখে নিন।",
    #[cfg(feature = "manual")]
    trx_errors: [
        "TrxID-তে শুধু ইংরেজি অক্ষর ও সংখ্যা থাকে (যেমন CKP40QZ7TM)।",
        "বিকাশের TrxID ১০ অক্ষরের, নগদের ৮ অক্ষরের।",
        "কোন ওয়ালেট থেকে পাঠিয়েছেন, বেছে নিন।",
    ],
    failover: (" এখন সাড়া দিচ্ছে না, ", " দিয়ে পেমেন্ট করুন।"),
    operators: ["গ্রামীণফোন", "বাংলালিংক", "রবি", "এয়ারটেল", "টেলিটক"],
    phone_errors: [
        "শুধু সংখ্যা লিখুন।",
        "১১ সংখ্যার মোবাইল নম্বর লিখুন (01XXXXXXXXX)।",
        "মোবাইল নম্বর 01 দিয়ে শুরু হয়।",
        "এই নম্বরটি কোনো মোবাইল অপারেটরের নয়।",
    ],
    with_provider: [
        ("", " চালু হচ্ছে…"),
        ("", "-এর পেজে নিয়ে যাওয়া হচ্ছে…"),
        ("", " দিয়ে পেমেন্ট করুন"),
        ("এই নম্বরে ", " প্রস্তাবিত"),
        ("", " দিয়ে চালিয়ে যান"),
    ],
    #[cfg(feature = "manual")]
    otp_prompt: ("", " নম্বরে পাঠানো ৬ সংখ্যার কোডটি লিখুন।"),
    #[cfg(feature = "manual")]
    otp_you: "আপনার",
    #[cfg(feature = "manual")]
    otp_bad: "কোডের ৬টি সংখ্যা লিখুন।",
    #[cfg(feature = "manual")]
    nid_errors: [
        "জাতীয় পরিচয়পত্রের নম্বর লিখুন।",
        "শুধু সংখ্যা লিখুন।",
        "এনআইডি নম্বর ১০, ১৩ বা ১৭ সংখ্যার হয়।",
        "১৭ সংখ্যার এনআইডি জন্মসাল (১৯.. বা ২০..) দিয়ে শুরু হয়।",
        "এটি আসল এনআইডি নম্বর মনে হচ্ছে না।",
    ],
};

#[cfg(feature = "en")]
static EN: Text = Text {
    order: "Order",
    recommended: "Recommended",
    unavailable: "Unavailable now",
    phone_ok: "number",
    loading: "Loading the payment…",
    choose: "Choose how to pay.",
    waiting: "Waiting for the payment to be confirmed…",
    scan: "Scan the code with your phone's camera to pay on your phone. This page will wait.",
    continue_here: "Pay on this device instead",
    succeeded: "Payment successful. Thank you!",
    failed: "The payment did not go through.",
    cancelled: "The payment was cancelled.",
    expired: "The payment timed out.",
    refunded: "This payment has been refunded.",
    partly_refunded: "Part of this payment has been refunded.",
    try_other: "You can try another way:",
    try_again_choose: "To try again, choose:",
    offline: "You are offline. We will check again when you are back online.",
    unreachable: "Cannot reach the payment server. We will try again shortly.",
    still_waiting: "No answer yet. Tap to check again.",
    no_payment: "This page has no payment to show (data-payment is missing). Please go back to the shop and try again.",
    bad_payment: "The payment id is not valid (data-payment). Please go back to the shop and try again.",
    no_secret: "The payment's client secret is missing (data-client-secret).",
    bad_secret: "The client secret does not belong to this payment (data-client-secret).",
    unexpected: "The payment server sent an unexpected answer. Please try again shortly.",
    bad_link: "The payment page's address is missing. Please try again.",
    slow: "Confirming the payment may take longer than usual right now.",
    #[cfg(feature = "manual")]
    manual: "Pay by sending the money yourself from your wallet app.",
    #[cfg(feature = "manual")]
    review: "We received your transfer; the shop is confirming it.",
    #[cfg(feature = "manual")]
    copied: "Copied",
    #[cfg(feature = "manual")]
    copy_failed: "Could not copy; please write it down.",
    #[cfg(feature = "manual")]
    trx_errors: [
        "A TrxID has only letters and digits (e.g. CKP40QZ7TM).",
        "A bKash TrxID has 10 characters, a Nagad one 8.",
        "Choose the wallet you sent the money from.",
    ],
    failover: (" is not responding right now. Pay with ", "."),
    operators: ["Grameenphone", "Banglalink", "Robi", "Airtel", "Teletalk"],
    phone_errors: [
        "Digits only, please.",
        "Enter an 11-digit mobile number (01XXXXXXXXX).",
        "A mobile number starts with 01.",
        "That number belongs to no mobile operator.",
    ],
    with_provider: [
        ("Starting ", "…"),
        ("Taking you to ", "…"),
        ("Pay with ", ""),
        ("", " suggested for this number"),
        ("Continue to ", ""),
    ],
    #[cfg(feature = "manual")]
    otp_prompt: ("Enter the 6-digit code we sent to ", "."),
    #[cfg(feature = "manual")]
    otp_you: "your phone",
    #[cfg(feature = "manual")]
    otp_bad: "Enter the 6 digits of the code.",
    #[cfg(feature = "manual")]
    nid_errors: [
        "Enter your national ID (NID) number.",
        "Digits only, please.",
        "An NID number has 10, 13 or 17 digits.",
        "A 17-digit NID starts with the birth year (19.. or 20..).",
        "That does not look like a real NID number.",
    ],
};

/// The words of a build that lacks the page's language (the loader picks the build by
/// `data-lang`, so only a page that mounts two languages at once meets this).
#[cfg(feature = "bn")]
static ANY: &Text = &BN;
#[cfg(all(feature = "en", not(feature = "bn")))]
static ANY: &Text = &EN;
#[cfg(not(any(feature = "bn", feature = "en")))]
compile_error!("bdpay-widget needs a language: feature `bn`, `en` or both");

/// The widget's sentences in `lang`.
#[must_use]
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        #[cfg(feature = "bn")]
        Lang::Bn => &BN,
        #[cfg(feature = "en")]
        Lang::En => &EN,
        #[allow(unreachable_patterns)]
        _ => ANY,
    }
}

/// The sentence for a payment the shopper's part of which is over.
#[must_use]
pub fn final_status(lang: Lang, status: PaymentStatus) -> &'static str {
    let t = text(lang);
    match status {
        PaymentStatus::Succeeded => t.succeeded,
        PaymentStatus::Failed => t.failed,
        PaymentStatus::Cancelled => t.cancelled,
        PaymentStatus::Expired => t.expired,
        PaymentStatus::PartiallyRefunded => t.partly_refunded,
        PaymentStatus::Refunded => t.refunded,
        PaymentStatus::RequiresMethod => t.choose,
        PaymentStatus::Pending => t.waiting,
        #[cfg(feature = "manual")]
        PaymentStatus::RequiresReview => t.review,
        // A build without the manual-transfer screen hands a payment in review over to the one
        // with it (lazy.rs); mounted without the loader it can only say it is waiting.
        #[cfg(not(feature = "manual"))]
        PaymentStatus::RequiresReview => t.waiting,
    }
}

/// The operator's name as shoppers write it.
#[must_use]
pub fn operator_name(lang: Lang, op: Operator) -> &'static str {
    let i = match op {
        Operator::Grameenphone => 0,
        Operator::Banglalink => 1,
        Operator::Robi => 2,
        Operator::Airtel => 3,
        Operator::Teletalk => 4,
    };
    text(lang).operators.get(i).copied().unwrap_or("")
}

/// What is wrong with a typed phone number, in words that do not repeat it.
#[must_use]
pub fn phone_error(lang: Lang, e: PhoneError) -> &'static str {
    let i = match e {
        PhoneError::Empty => return "",
        PhoneError::BadCharacter => 0,
        PhoneError::WrongLength => 1,
        PhoneError::BadPrefix => 2,
        PhoneError::UnknownOperator => 3,
    };
    text(lang).phone_errors.get(i).copied().unwrap_or("")
}

#[cfg(feature = "manual")]
/// What is wrong with a typed NID, in words that do not repeat it.
#[must_use]
pub fn nid_error(lang: Lang, e: NidError) -> &'static str {
    let i = match e {
        NidError::Empty => 0,
        NidError::BadCharacter => 1,
        NidError::WrongLength => 2,
        NidError::BirthYear => 3,
        NidError::Placeholder => 4,
    };
    text(lang).nid_errors.get(i).copied().unwrap_or("")
}

#[cfg(feature = "manual")]
/// Appends the step-up prompt: the six-digit code went to `to` (the edge's masked number).
pub fn push_otp_prompt(out: &mut String, lang: Lang, to: Option<&str>) {
    let t = text(lang);
    let (before, after) = t.otp_prompt;
    push_all(out, &[before, to.unwrap_or(t.otp_you), after]);
}

/// Appends the failover sentence: `from` did not answer, pay with `to` (both names from
/// `Provider::display_name`).
pub fn push_failover(out: &mut String, lang: Lang, from: Provider, to: Provider) {
    let (mid, end) = text(lang).failover;
    push_all(out, &[from.display_name(lang), mid, to.display_name(lang), end]);
}

/// Appends a sentence around a provider's name: "বিকাশ চালু হচ্ছে…", "Pay with Nagad".
pub fn push_with_provider(out: &mut String, lang: Lang, p: Provider, what: Doing) {
    let (before, after) = text(lang).with_provider.get(what as usize).copied().unwrap_or(("", ""));
    push_all(out, &[before, p.display_name(lang), after]);
}

/// The sentences that name a provider, in the order of [`Text::with_provider`].
#[derive(Clone, Copy)]
pub enum Doing {
    Starting,
    Redirecting,
    PayWith,
    PhoneSuggests,
    ContinueTo,
}

/// Appends each piece in turn.
pub fn push_all(out: &mut String, parts: &[&str]) {
    for p in parts {
        out.push_str(p);
    }
}

#[cfg(all(test, feature = "manual", feature = "bn", feature = "en"))]
mod tests {
    use super::*;

    #[test]
    fn the_step_up_prompt_names_the_masked_number_or_the_shopper_s_phone() {
        let prompt = |lang, to| {
            let mut s = String::new();
            push_otp_prompt(&mut s, lang, to);
            s
        };
        assert_eq!(
            prompt(Lang::En, Some("01XX…4567")),
            "Enter the 6-digit code we sent to 01XX…4567."
        );
        assert_eq!(
            prompt(Lang::Bn, Some("01XX…4567")),
            "01XX…4567 নম্বরে পাঠানো ৬ সংখ্যার কোডটি লিখুন।"
        );
        assert_eq!(prompt(Lang::En, None), "Enter the 6-digit code we sent to your phone.");
        assert_eq!(prompt(Lang::Bn, None), "আপনার নম্বরে পাঠানো ৬ সংখ্যার কোডটি লিখুন।");
    }

    #[test]
    fn every_nid_error_has_words_in_both_languages_and_none_repeats_the_number() {
        use bdpay_shared::risk::nid;
        for (input, want) in [
            ("", NidError::Empty),
            ("12345 6789O", NidError::BadCharacter),
            ("123456789", NidError::WrongLength),
            ("18852693412345678", NidError::BirthYear),
            ("0000000000", NidError::Placeholder),
        ] {
            assert_eq!(nid::parse(input).err(), Some(want), "{input:?}");
            for lang in [Lang::Bn, Lang::En] {
                let words = nid_error(lang, want);
                assert!(!words.is_empty(), "{want:?} {lang:?}");
                assert!(!words.contains("5678") && !words.contains("6789"), "{words}");
            }
        }
        assert_eq!(
            nid_error(Lang::Bn, NidError::WrongLength),
            "এনআইডি নম্বর ১০, ১৩ বা ১৭ সংখ্যার হয়।"
        );
        assert_eq!(
            nid_error(Lang::En, NidError::BirthYear),
            "A 17-digit NID starts with the birth year (19.. or 20..)."
        );
    }
}
