//! What each fired rule tells the merchant, in English and in Bangla (Bangla digits there).
//!
//! These are the `reasons` of a payment's `risk`: for the merchant's dashboard and API, never
//! for the shopper, who reads one plain sentence (`Action::shopper_message`).

use serde::Serialize;

use crate::locale::{push_digits, Lang};
use crate::money::Money;

use super::config::RiskConfig;
use super::geo::Location;
use super::input::RiskInput;
use super::rules::{Finding, Rule};

/// One fired rule, explained: `{"rule": "geography", "message": "…", "message_bn": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: &'static str,
    pub message: String,
    pub message_bn: String,
}

/// A count in `lang`'s digits.
fn n(x: u32, lang: Lang) -> String {
    let mut out = String::new();
    push_digits(&mut out, &x.to_string(), lang);
    out
}

/// An amount for people, `৳2,000.00` / `৳২,০০০.০০`.
fn tk(m: Money, lang: Lang) -> String {
    m.format(lang)
}

/// The reason for `f`, with the numbers of this payment and this merchant's setting.
#[must_use]
pub fn reason(f: &Finding, c: &RiskConfig, i: &RiskInput) -> Reason {
    let (message, message_bn) = words(f.rule, c, i);
    Reason {
        rule: f.rule.as_str(),
        message,
        message_bn,
    }
}

fn words(rule: Rule, c: &RiskConfig, i: &RiskInput) -> (String, String) {
    use Lang::{Bn, En};
    let amount = |l| tk(i.amount, l);
    let opt_tk = |m: Option<Money>, l| m.map(|m| tk(m, l)).unwrap_or_default();
    let opt_n = |x: Option<u32>, l| x.map(|x| n(x, l)).unwrap_or_default();
    let phone = i.phone.unwrap_or(super::input::PhoneHistory::NEW);
    let device = i.device.unwrap_or(super::input::DeviceHistory::NEW);
    let earlier = |l| n(phone.earlier_successes, l);
    let below = |l| n(c.new_customer_below, l);
    match rule {
        Rule::Blocklist => (
            "This phone number is on the shared blocklist.".into(),
            "এই ফোন নম্বরটি শেয়ার করা ব্লকলিস্টে আছে।".into(),
        ),
        Rule::NewCustomerCap if i.phone.is_none() => (
            format!(
                "Without a phone number the shopper counts as a new customer, who may pay at most {} at once; this payment is {}.",
                opt_tk(c.new_customer_max, En),
                amount(En)
            ),
            format!(
                "ফোন নম্বর ছাড়া ক্রেতাকে নতুন গ্রাহক ধরা হয়, যিনি একবারে সর্বোচ্চ {} পেমেন্ট করতে পারেন; এই পেমেন্ট {}।",
                opt_tk(c.new_customer_max, Bn),
                amount(Bn)
            ),
        ),
        Rule::NewCustomerCap => (
            format!(
                "A new customer ({} earlier successful payments, fewer than {}) may pay at most {} at once; this payment is {}.",
                earlier(En),
                below(En),
                opt_tk(c.new_customer_max, En),
                amount(En)
            ),
            format!(
                "নতুন গ্রাহক (আগের সফল পেমেন্ট {}টি, {}টির কম) একবারে সর্বোচ্চ {} পেমেন্ট করতে পারেন; এই পেমেন্ট {}।",
                earlier(Bn),
                below(Bn),
                opt_tk(c.new_customer_max, Bn),
                amount(Bn)
            ),
        ),
        Rule::BkashLimit => (
            format!(
                "bKash payments above {} are not taken; this payment is {}.",
                opt_tk(c.bkash_max, En),
                amount(En)
            ),
            format!(
                "{}-এর বেশি বিকাশ পেমেন্ট নেওয়া হয় না; এই পেমেন্ট {}।",
                opt_tk(c.bkash_max, Bn),
                amount(Bn)
            ),
        ),
        Rule::PhoneCount => (
            format!(
                "This phone made {} payments in the last 10 minutes; the limit is {}.",
                n(phone.payments_last_10_min, En),
                opt_n(c.phone_payments_per_10_min, En)
            ),
            format!(
                "এই ফোন থেকে গত ১০ মিনিটে {}টি পেমেন্ট হয়েছে; সীমা {}টি।",
                n(phone.payments_last_10_min, Bn),
                opt_n(c.phone_payments_per_10_min, Bn)
            ),
        ),
        Rule::PhoneAmount => (
            format!(
                "This phone paid {} today; this payment of {} would pass the daily limit of {}.",
                tk(phone.amount_today, En),
                amount(En),
                opt_tk(c.phone_amount_per_day, En)
            ),
            format!(
                "এই ফোন থেকে আজ {} পেমেন্ট হয়েছে; এই {}-এর পেমেন্টে দৈনিক সীমা {} ছাড়িয়ে যাবে।",
                tk(phone.amount_today, Bn),
                amount(Bn),
                opt_tk(c.phone_amount_per_day, Bn)
            ),
        ),
        Rule::DeviceCount => (
            format!(
                "This device made {} payments in the last 10 minutes; the limit is {}.",
                n(device.payments_last_10_min, En),
                opt_n(c.device_payments_per_10_min, En)
            ),
            format!(
                "এই ডিভাইস থেকে গত ১০ মিনিটে {}টি পেমেন্ট হয়েছে; সীমা {}টি।",
                n(device.payments_last_10_min, Bn),
                opt_n(c.device_payments_per_10_min, Bn)
            ),
        ),
        Rule::DeviceAmount => (
            format!(
                "This device paid {} today; this payment of {} would pass the daily limit of {}.",
                tk(device.amount_today, En),
                amount(En),
                opt_tk(c.device_amount_per_day, En)
            ),
            format!(
                "এই ডিভাইস থেকে আজ {} পেমেন্ট হয়েছে; এই {}-এর পেমেন্টে দৈনিক সীমা {} ছাড়িয়ে যাবে।",
                tk(device.amount_today, Bn),
                amount(Bn),
                opt_tk(c.device_amount_per_day, Bn)
            ),
        ),
        Rule::Geography => (
            format!(
                "A bKash payment of {}, above {}, from outside Dhaka division.",
                amount(En),
                opt_tk(c.geography_above, En)
            ),
            format!(
                "ঢাকা বিভাগের বাইরে থেকে {}-এর বিকাশ পেমেন্ট, যা {}-এর বেশি।",
                amount(Bn),
                opt_tk(c.geography_above, Bn)
            ),
        ),
        Rule::DevicePhones => (
            format!(
                "This device paid with {} phone numbers today, more than {}.",
                n(device.phones_today, En),
                opt_n(c.device_max_phones_per_day, En)
            ),
            format!(
                "এই ডিভাইস থেকে আজ {}টি ফোন নম্বরে পেমেন্ট হয়েছে, যা {}টির বেশি।",
                n(device.phones_today, Bn),
                opt_n(c.device_max_phones_per_day, Bn)
            ),
        ),
        Rule::NewCustomer if i.phone.is_none() => (
            "No phone number was given, so the shopper counts as a new customer.".into(),
            "ফোন নম্বর দেওয়া হয়নি, তাই ক্রেতাকে নতুন গ্রাহক ধরা হয়েছে।".into(),
        ),
        Rule::NewCustomer => (
            format!(
                "A new customer: {} earlier successful payments, fewer than {}.",
                earlier(En),
                below(En)
            ),
            format!(
                "নতুন গ্রাহক: আগের সফল পেমেন্ট {}টি, {}টির কম।",
                earlier(Bn),
                below(Bn)
            ),
        ),
        Rule::Abroad if i.location == Location::Abroad(*b"T1") => (
            "The request came over the Tor network.".into(),
            "অনুরোধটি টর নেটওয়ার্কের মাধ্যমে এসেছে।".into(),
        ),
        Rule::Abroad => {
            let mut code = String::new();
            i.location.push_country(&mut code);
            (
                format!("The request came from outside Bangladesh ({code})."),
                format!("অনুরোধটি বাংলাদেশের বাইরে থেকে এসেছে ({code})।"),
            )
        }
    }
}
