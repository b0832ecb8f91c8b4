//! The widget's own words in Bangla and English; provider errors come from the edge in both.

use bdpay_shared::locale::Lang;
use bdpay_shared::phone::{Operator, PhoneError};
use bdpay_shared::provider::Provider;
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
}

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
};

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
};

/// The widget's sentences in `lang`.
#[must_use]
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Bn => &BN,
        Lang::En => &EN,
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
    }
}

/// The operator's name as shoppers write it.
#[must_use]
pub fn operator_name(lang: Lang, op: Operator) -> &'static str {
    match (lang, op) {
        (Lang::En, op) => op.name(),
        (Lang::Bn, Operator::Grameenphone) => "গ্রামীণফোন",
        (Lang::Bn, Operator::Banglalink) => "বাংলালিংক",
        (Lang::Bn, Operator::Robi) => "রবি",
        (Lang::Bn, Operator::Airtel) => "এয়ারটেল",
        (Lang::Bn, Operator::Teletalk) => "টেলিটক",
    }
}

/// What is wrong with a typed phone number, in words that do not repeat it.
#[must_use]
pub fn phone_error(lang: Lang, e: PhoneError) -> &'static str {
    match (lang, e) {
        (Lang::Bn, PhoneError::Empty) => "",
        (Lang::Bn, PhoneError::BadCharacter) => "শুধু সংখ্যা লিখুন।",
        (Lang::Bn, PhoneError::WrongLength) => "১১ সংখ্যার মোবাইল নম্বর লিখুন (01XXXXXXXXX)।",
        (Lang::Bn, PhoneError::BadPrefix) => "মোবাইল নম্বর 01 দিয়ে শুরু হয়।",
        (Lang::Bn, PhoneError::UnknownOperator) => "এই নম্বরটি কোনো মোবাইল অপারেটরের নয়।",
        (Lang::En, PhoneError::Empty) => "",
        (Lang::En, PhoneError::BadCharacter) => "Digits only, please.",
        (Lang::En, PhoneError::WrongLength) => "Enter an 11-digit mobile number (01XXXXXXXXX).",
        (Lang::En, PhoneError::BadPrefix) => "A mobile number starts with 01.",
        (Lang::En, PhoneError::UnknownOperator) => "That number belongs to no mobile operator.",
    }
}

/// Appends the sentence for a provider at work: "বিকাশ চালু হচ্ছে…" style, from a template.
pub fn push_with_provider(out: &mut String, lang: Lang, p: Provider, what: Doing) {
    let name = p.display_name(lang);
    match (lang, what) {
        (Lang::Bn, Doing::Starting) => push_all(out, &[name, " চালু হচ্ছে…"]),
        (Lang::Bn, Doing::Redirecting) => push_all(out, &[name, "-এর পেজে নিয়ে যাওয়া হচ্ছে…"]),
        (Lang::Bn, Doing::PayWith) => push_all(out, &[name, " দিয়ে পেমেন্ট করুন"]),
        (Lang::Bn, Doing::PhoneSuggests) => push_all(out, &["এই নম্বরে ", name, " প্রস্তাবিত"]),
        (Lang::En, Doing::Starting) => push_all(out, &["Starting ", name, "…"]),
        (Lang::En, Doing::Redirecting) => push_all(out, &["Taking you to ", name, "…"]),
        (Lang::En, Doing::PayWith) => push_all(out, &["Pay with ", name]),
        (Lang::En, Doing::PhoneSuggests) => push_all(out, &[name, " suggested for this number"]),
    }
}

/// The sentences that name a provider.
#[derive(Clone, Copy)]
pub enum Doing {
    Starting,
    Redirecting,
    PayWith,
    PhoneSuggests,
}

/// Appends each piece in turn.
pub fn push_all(out: &mut String, parts: &[&str]) {
    for p in parts {
        out.push_str(p);
    }
}
