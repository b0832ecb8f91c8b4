//! Every fact of the SMS gateway stand-in (docs/providers.md Part D): all **[our choice]**,
//! in the style of Bangladeshi bulk-SMS gateways such as BulkSMSBD, in one place.

/// TEST-ONLY: the one `api_key` the stand-in accepts. No real gateway issued it.
pub const API_KEY: &str = "test_only_sms_api_key_0001";

/// The send path under `/sms` (BulkSMSBD's `/api/smsapi`), `GET` or `POST`.
pub const SEND_PATH: &str = "/api/smsapi";

/// `type`: plain text or Bangla (unicode).
pub const TYPES: [&str; 2] = ["text", "unicode"];

/// `response_code` of an accepted message, and its `success_message`.
pub const SUBMITTED: u32 = 202;
pub const SUBMITTED_MESSAGE: &str = "SMS Submitted Successfully";

/// A `number` (any of a comma-separated list) that is not a Bangladeshi mobile.
pub const INVALID_NUMBER: u32 = 1001;
/// A wrong `api_key`: nothing is registered under it, its sender id included.
pub const BAD_API_KEY: u32 = 1002;
/// A missing or empty `api_key`, `type`, `number`, `senderid` or `message`, or an unknown `type`.
pub const MISSING_FIELD: u32 = 1003;

/// Body size cap (a POST's form or JSON).
pub const BODY_LIMIT: usize = 16 * 1024;

/// `error_message` for a code; injected codes (faults, op `sms`) may be any number.
pub fn error_message(code: u32) -> &'static str {
    match code {
        INVALID_NUMBER => "Invalid Number",
        BAD_API_KEY => "api_key not found or sender id disabled",
        MISSING_FIELD => "Please Required all fields/Contact Your System Administrator",
        1005 => "Internal Error",
        1006 => "Balance Validity Not Available",
        1007 => "Balance Insufficient",
        1032 => "IP Not whitelisted",
        _ => "Error",
    }
}

/// A recipient as the gateway takes it: `8801[3-9]` + 8 digits, or the same without `88`.
/// Gives the 13-digit `8801…` form every message is recorded under.
pub fn recipient(number: &str) -> Option<String> {
    let local = number.strip_prefix("88").unwrap_or(number);
    crate::bkash::choices::is_wallet(local).then(|| format!("88{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_bangladeshi_mobiles() {
        assert_eq!(recipient("8801770618575").as_deref(), Some("8801770618575"));
        assert_eq!(recipient("01770618575").as_deref(), Some("8801770618575"));
        for bad in [
            "+8801770618575",
            "880177061857",
            "8801270618575",
            "1770618575",
            "",
            "88",
        ] {
            assert_eq!(recipient(bad), None, "{bad}");
        }
    }
}
