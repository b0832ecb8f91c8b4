//! Nagad's requests and answers in our terms, without I/O or keys (docs/providers.md B.2–B.7,
//! codes through shared's catalog per B.10). Sealing and opening happen in `nagad.rs`.

use std::net::Ipv4Addr;

use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{
    header, is_valid_order_id, AdditionalMerchantInfo, ClientType, CompleteReply, CompleteRequest, CompleteSensitive,
    InitializeReplySensitive, InitializeSensitive, PaymentStatus, SealedReply, VerifyReply, API_VERSION, CURRENCY_BDT,
};
use bdpay_shared::wire::time::DhakaTime;

use crate::providers::failure::{coded, log_warn, provider_id, safe_code};
use crate::providers::{amounts_match, Device, FailureKind, Outcome, ProviderFailure};

const P: Provider = Provider::Nagad;

/// `X-KM-IP-V4` when the shopper's address is unknown or not IPv4: a valid IPv4 that
/// names nobody (Nagad requires the header; our sandbox checks only that it is present).
pub(crate) const UNKNOWN_SHOPPER_IP: &str = "127.0.0.1";

/// `X-KM-Client-Type` for where the shopper is (B.2).
pub(crate) fn client_type(device: Device) -> ClientType {
    match device {
        Device::Desktop => ClientType::PcWeb,
        // A feature phone's browser is a mobile browser to Nagad (B.2 has no closer type).
        Device::MobileWeb | Device::FeaturePhone => ClientType::MobileWeb,
        Device::MobileApp => ClientType::MobileApp,
        Device::Webview => ClientType::WalletWebView,
    }
}

/// The shopper's IPv4 for `X-KM-IP-V4`, or [`UNKNOWN_SHOPPER_IP`].
pub(crate) fn shopper_ipv4(ip: Option<&str>) -> &str {
    match ip.map(str::trim) {
        Some(ip) if ip.parse::<Ipv4Addr>().is_ok() => ip,
        _ => UNKNOWN_SHOPPER_IP,
    }
}

/// The request headers of one Nagad call. `km` = (shopper IPv4, client type) for the calls
/// B.2 lists (initialize, complete, cancel): those also carry `X-KM-MC-Id`, our merchant id.
/// Verify (B.7) is a plain GET with only the version header.
pub(crate) fn request_headers<'a>(
    has_body: bool,
    km: Option<(&'a str, &'a str)>,
    merchant_id: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut headers: Vec<(&str, &str)> = vec![("accept", "application/json"), (header::API_VERSION, API_VERSION)];
    if has_body {
        headers.push(("content-type", "application/json"));
    }
    if let Some((ip, client)) = km {
        headers.push((header::IP_V4, ip));
        headers.push((header::CLIENT_TYPE, client));
        headers.push((header::MC_ID, merchant_id));
    }
    headers
}

/// Our 40-character challenge (B.3: 40 hex) from 20 random bytes.
pub(crate) fn challenge_hex(bytes: &[u8; 20]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(40);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// B.4 plain sensitive data, serialized once (sign and encrypt these same bytes).
pub(crate) fn initialize_plain(
    merchant_id: &str,
    now_ms: i64,
    order_id: &str,
    challenge: &str,
) -> Result<(String, Vec<u8>), ProviderFailure> {
    if !is_valid_order_id(order_id) {
        return Err(ProviderFailure::internal(P, "order_id"));
    }
    let datetime = DhakaTime::from_unix_millis(now_ms).compact();
    let plain = InitializeSensitive {
        merchant_id: merchant_id.to_owned(),
        datetime: datetime.clone(),
        order_id: order_id.to_owned(),
        challenge: challenge.to_owned(),
    };
    let bytes = serde_json::to_vec(&plain).map_err(|_| ProviderFailure::internal(P, "request"))?;
    Ok((datetime, bytes))
}

/// The initialize reply's sealed pair (B.4), or Nagad's refusal.
pub(crate) fn read_sealed(status: u16, body: &[u8]) -> Result<SealedReply, ProviderFailure> {
    if !(200..300).contains(&status) || refusal(body).is_some() {
        return Err(error_failure(status, body));
    }
    serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))
}

/// The decrypted, verified initialize reply: `paymentReferenceId` and the server's challenge.
pub(crate) fn read_initialize(plain: &[u8]) -> Result<InitializeReplySensitive, ProviderFailure> {
    let reply: InitializeReplySensitive =
        serde_json::from_slice(plain).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    if reply.payment_reference_id.trim().is_empty() || reply.challenge.trim().is_empty() {
        return Err(ProviderFailure::unavailable(P, "unreadable"));
    }
    Ok(reply)
}

/// B.5 plain sensitive data: the **server's** challenge echoed, taka as `050`.
pub(crate) fn complete_plain(
    merchant_id: &str,
    order_id: &str,
    amount: Money,
    server_challenge: &str,
) -> Result<Vec<u8>, ProviderFailure> {
    let plain = CompleteSensitive {
        merchant_id: merchant_id.to_owned(),
        order_id: order_id.to_owned(),
        currency_code: CURRENCY_BDT.to_owned(),
        amount: amount.to_string(),
        challenge: server_challenge.to_owned(),
    };
    serde_json::to_vec(&plain).map_err(|_| ProviderFailure::internal(P, "request"))
}

/// B.5 body around the sealed pair: where the shopper comes back, and what the page shows.
pub(crate) fn complete_body(
    sensitive_data: String,
    signature: String,
    callback_url: &str,
    merchant_name: &str,
    order_id: &str,
) -> CompleteRequest {
    let name: String = merchant_name.chars().take(100).collect();
    CompleteRequest {
        sensitive_data,
        signature,
        merchant_callback_url: callback_url.to_owned(),
        additional_merchant_info: Some(AdditionalMerchantInfo {
            service_name: (!name.trim().is_empty()).then_some(name),
            service_logo_url: None,
            additional_field_name_en: Some("Order".to_owned()),
            additional_field_name_bn: Some("অর্ডার".to_owned()),
            additional_field_value: Some(order_id.to_owned()),
        }),
    }
}

/// The complete reply (plain JSON): `callBackUrl` is where the shopper goes.
pub(crate) fn read_complete(status: u16, body: &[u8]) -> Result<String, ProviderFailure> {
    if !(200..300).contains(&status) || refusal(body).is_some() {
        return Err(error_failure(status, body));
    }
    let reply: CompleteReply =
        serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    if !reply.status.eq_ignore_ascii_case("success") {
        return Err(ProviderFailure::unavailable(P, "complete_status"));
    }
    match url::Url::parse(&reply.call_back_url) {
        Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(reply.call_back_url),
        _ => Err(ProviderFailure::unavailable(P, "unreadable")),
    }
}

/// What we expect a paid payment to show.
pub(crate) struct Expect<'a> {
    pub payment_ref: &'a str,
    pub order_id: &'a str,
    pub amount: Money,
}

/// A verify reply (B.7) for our payment.
///
/// `Success` (and a payment refunded since: `PartialCancelled`, or `Cancelled` with an
/// issuer reference) → succeeded once order and amount match; `Aborted` and an unpaid
/// `Cancelled` → cancelled; `Failed`, `Fraud`, … → failed (the code through the catalog when
/// one is given); initiated or on the page → pending. An unknown word is pending (logged).
pub(crate) fn read_verify(status: u16, body: &[u8], ours: &Expect<'_>) -> Result<Outcome, ProviderFailure> {
    if !(200..300).contains(&status) || refusal(body).is_some() {
        let failure = error_failure(status, body);
        return match failure.kind {
            FailureKind::Declined => Ok(Outcome::Failed(failure)),
            _ => Err(failure),
        };
    }
    let reply: VerifyReply = serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    // `Refunded`/`PartialRefunded`/`PartialCancelled` only follow a payment; `Cancelled`
    // also names an unpaid cancel, so it counts as paid only with an issuer reference.
    let paid_then_refunded = match &reply.status {
        PaymentStatus::PartialCancelled | PaymentStatus::Refunded | PaymentStatus::PartialRefunded => true,
        PaymentStatus::Cancelled => reply
            .issuer_payment_ref_no
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        _ => false,
    };
    match &reply.status {
        PaymentStatus::Success => succeeded(&reply, ours),
        _ if paid_then_refunded => succeeded(&reply, ours),
        PaymentStatus::Aborted | PaymentStatus::Cancelled => Ok(Outcome::Cancelled),
        PaymentStatus::Failed | PaymentStatus::InvalidRequest | PaymentStatus::Fraud | PaymentStatus::UnknownFailed => {
            Ok(Outcome::Failed(declined(reply.status_code.as_deref())))
        }
        s if s.is_pending() => Ok(Outcome::Pending),
        other => {
            log_warn(
                "nagad_verify_unknown_status",
                &serde_json::json!({ "status": safe_code(other.as_str()) }),
            );
            Ok(Outcome::Pending)
        }
    }
}

fn succeeded(reply: &VerifyReply, ours: &Expect<'_>) -> Result<Outcome, ProviderFailure> {
    if reply
        .payment_ref_id
        .as_deref()
        .is_some_and(|r| !r.is_empty() && r != ours.payment_ref)
    {
        return Err(ProviderFailure::mismatch(P, "payment_mismatch"));
    }
    if reply.order_id.as_deref() != Some(ours.order_id) {
        return Err(ProviderFailure::mismatch(P, "order_mismatch"));
    }
    if !reply.amount.as_deref().is_some_and(|a| amounts_match(a, ours.amount)) {
        return Err(ProviderFailure::mismatch(P, "amount_mismatch"));
    }
    let Some(trx_id) = reply.issuer_payment_ref_no.as_deref().and_then(provider_id) else {
        return Err(ProviderFailure::unavailable(P, "unreadable"));
    };
    let paid_at_ms = reply.issuer_payment_time().map(DhakaTime::to_unix_millis);
    let payer_masked = reply.client_mobile_no.as_deref().and_then(mask_nagad_number);
    Ok(Outcome::Succeeded {
        trx_id: trx_id.to_owned(),
        paid_at_ms,
        payer_masked,
    })
}

/// Nagad's masked number (`017****8575`) in our mask (`01XX8575`): the last four digits only.
fn mask_nagad_number(shown: &str) -> Option<String> {
    let digits: Vec<char> = shown.chars().filter(char::is_ascii_digit).collect();
    let tail = digits.get(digits.len().checked_sub(4)?..)?;
    let mut s = String::from("01XX");
    s.extend(tail);
    Some(s)
}

/// A final refusal on the page: the catalog's code for `status_code` when it has one.
fn declined(status_code: Option<&str>) -> ProviderFailure {
    let generic = || ProviderFailure {
        provider: P,
        kind: FailureKind::Declined,
        code: bdpay_shared::errors::ErrorCode::ProviderDeclined,
        provider_code: status_code.map(safe_code),
        retryable: false,
    };
    match status_code.and_then(|c| coded(P, c)) {
        Some(c) => ProviderFailure {
            kind: FailureKind::Declined,
            retryable: false,
            ..c.failure
        },
        None => generic(),
    }
}

/// Nagad's `{"reason","message"}` refusal (B.10), or a fault without one.
pub(crate) fn error_failure(status: u16, body: &[u8]) -> ProviderFailure {
    refusal(body).unwrap_or_else(|| {
        let mut code = String::from("http_");
        code.push_str(&status.to_string());
        ProviderFailure::unavailable(P, &code)
    })
}

/// A `{"reason","message"}` body (B.10), classed by `reason` through the catalog whatever
/// the HTTP status: Nagad documents 4xx/5xx, but such a body also comes with 200. A body
/// that also carries a reply's own fields (`status`, `sensitiveData`) is not a refusal.
/// A `reason` the catalog reads as success is no refusal we can act on: unreadable.
pub(crate) fn refusal(body: &[u8]) -> Option<ProviderFailure> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let reason = v.get("reason")?.as_str()?.trim();
    if reason.is_empty() || v.get("status").is_some() || v.get("sensitiveData").is_some() {
        return None;
    }
    Some(coded(P, reason).map_or_else(|| ProviderFailure::unavailable(P, "unreadable"), |c| c.failure))
}

/// `paymentReferenceId` as a path segment: base64 may hold `/`, which must not split the path.
pub(crate) fn path_segment(reference: &str) -> Option<String> {
    let r = reference.trim();
    let ok = !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b));
    ok.then(|| r.replace('/', "%2F").replace('+', "%2B"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::errors::ErrorCode;

    const PAID: &str = r#"{"merchantId":"683002007104225","orderId":"BDP20241125A0042","paymentRefId":"MTEyNTE0MDE=","amount":"1250.00","clientMobileNo":"017****8575","merchantMobileNo":"01711428036","orderDateTime":"2024-11-25 14:05:33.0","issuerPaymentDateTime":"2024-11-25 14:07:02.0","issuerPaymentRefNo":"000177YT","additionalMerchantInfo":null,"status":"Success","statusCode":"000","cancelIssuerDateTime":null,"cancelIssuerRefNo":null}"#;

    fn ours(amount: &str) -> Expect<'static> {
        Expect {
            payment_ref: "MTEyNTE0MDE=",
            order_id: "BDP20241125A0042",
            amount: Money::parse(amount).unwrap(),
        }
    }

    #[test]
    fn initialize_plain_matches_b4_and_is_dhaka_time() {
        // 2024-11-25 08:05:31 UTC = 14:05:31 in Dhaka.
        let (dt, bytes) = initialize_plain(
            "683002007104225",
            1_732_521_931_412,
            "BDP20241125A0042",
            "9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f",
        )
        .unwrap();
        assert_eq!(dt, "20241125140531");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"merchantId":"683002007104225","datetime":"20241125140531","orderId":"BDP20241125A0042","challenge":"9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f"}"#
        );
        assert!(
            initialize_plain("683002007104225", 0, "BDP-1", "c").is_err(),
            "order ids are alphanumeric"
        );
    }

    #[test]
    fn complete_plain_echoes_the_server_challenge_in_taka() {
        let bytes = complete_plain(
            "683002007104225",
            "BDP20241125A0042",
            Money::parse("1250").unwrap(),
            "4f9c2e7a1b3d5c6e8f01",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"merchantId":"683002007104225","orderId":"BDP20241125A0042","currencyCode":"050","amount":"1250.00","challenge":"4f9c2e7a1b3d5c6e8f01"}"#
        );
        let body = complete_body(
            "s".into(),
            "g".into(),
            "https://edge.example/v1/return/nagad?payment=pay_x",
            "Demo Shop",
            "BDP20241125A0042",
        );
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["additionalMerchantInfo"]["serviceName"], "Demo Shop");
        assert_eq!(
            v["merchantCallbackURL"],
            "https://edge.example/v1/return/nagad?payment=pay_x"
        );
    }

    #[test]
    fn headers_values() {
        assert_eq!(client_type(Device::Webview).as_str(), "WALLET_WEB_VIEW");
        assert_eq!(client_type(Device::Desktop).as_str(), "PC_WEB");
        assert_eq!(shopper_ipv4(Some("103.4.145.12")), "103.4.145.12");
        assert_eq!(shopper_ipv4(Some("2001:db8::1")), UNKNOWN_SHOPPER_IP);
        assert_eq!(shopper_ipv4(None), UNKNOWN_SHOPPER_IP);
        assert_eq!(challenge_hex(&[0xab; 20]).len(), 40);
        assert_eq!(&challenge_hex(&[0x0f; 20])[..4], "0f0f");
    }

    #[test]
    fn complete_reply_gives_the_page() {
        let url = read_complete(
            200,
            br#"{"callBackUrl":"https://sandbox-ssl.mynagad.com:10061/check-out/MTEy","status":"Success"}"#,
        )
        .unwrap();
        assert_eq!(url, "https://sandbox-ssl.mynagad.com:10061/check-out/MTEy");
        let f = read_complete(400, br#"{"reason":"16_0006_059","message":"Invalid sensitive data"}"#).unwrap_err();
        assert_eq!(
            (f.code, f.provider_code.as_deref()),
            (ErrorCode::InternalError, Some("16_0006_059"))
        );
        assert_eq!(
            read_complete(400, br#"{"reason":"16_0006_058","message":"x"}"#)
                .unwrap_err()
                .kind,
            FailureKind::Config
        );
        assert_eq!(
            read_complete(503, b"").unwrap_err().provider_code.as_deref(),
            Some("http_503")
        );
    }

    #[test]
    fn verify_success_checks_order_and_amount() {
        let Ok(Outcome::Succeeded {
            trx_id,
            paid_at_ms,
            payer_masked,
        }) = read_verify(200, PAID.as_bytes(), &ours("1250"))
        else {
            panic!()
        };
        assert_eq!(
            (trx_id.as_str(), payer_masked.as_deref()),
            ("000177YT", Some("01XX8575"))
        );
        assert_eq!(
            paid_at_ms,
            DhakaTime::parse("20241125140702").map(DhakaTime::to_unix_millis)
        );
        assert_eq!(
            read_verify(200, PAID.as_bytes(), &ours("1250.5"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("amount_mismatch")
        );
        let other = PAID.replace("BDP20241125A0042", "BDP20241125A0043");
        assert_eq!(
            read_verify(200, other.as_bytes(), &ours("1250"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("order_mismatch")
        );
        let lower = PAID.replace(r#""status":"Success""#, r#""status":"success""#);
        assert!(matches!(
            read_verify(200, lower.as_bytes(), &ours("1250")),
            Ok(Outcome::Succeeded { .. })
        ));
    }

    #[test]
    fn verify_maps_every_status() {
        let with = |status: &str, code: &str| {
            let body = format!(
                r#"{{"status":"{status}","statusCode":"{code}","orderId":"BDP20241125A0042","amount":"1250.00"}}"#
            );
            read_verify(200, body.as_bytes(), &ours("1250"))
        };
        assert!(matches!(with("Aborted", "00_0000_001"), Ok(Outcome::Cancelled)));
        assert!(matches!(with("Cancelled", "000"), Ok(Outcome::Cancelled)));
        for pending in [
            "OrderInitiated",
            "Ready",
            "InProgress",
            "OtpSent",
            "PinGiven",
            "SomethingNew",
        ] {
            assert!(matches!(with(pending, "000"), Ok(Outcome::Pending)), "{pending}");
        }
        let Ok(Outcome::Failed(f)) = with("Failed", "50_0026_851") else {
            panic!()
        };
        assert_eq!(
            (f.kind, f.code, f.retryable),
            (FailureKind::Declined, ErrorCode::AmountOverLimit, false)
        );
        let Ok(Outcome::Failed(f)) = with("Fraud", "000") else {
            panic!()
        };
        assert_eq!(f.code, ErrorCode::ProviderDeclined);
        let refunded = PAID.replace(r#""status":"Success""#, r#""status":"PartialCancelled""#);
        assert!(
            matches!(
                read_verify(200, refunded.as_bytes(), &ours("1250")),
                Ok(Outcome::Succeeded { .. })
            ),
            "paid, then partly refunded"
        );
    }

    #[test]
    fn verify_errors() {
        assert!(matches!(
            read_verify(
                400,
                br#"{"reason":"16_0006_055","message":"Invalid payment reference ID"}"#,
                &ours("1")
            ),
            Ok(Outcome::Failed(_))
        ));
        assert_eq!(
            read_verify(500, b"oops", &ours("1")).unwrap_err().kind,
            FailureKind::Unknown
        );
        assert_eq!(
            read_verify(200, b"{}", &ours("1"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("unreadable")
        );
    }

    #[test]
    fn a_reason_body_is_classed_by_reason_even_with_http_200() {
        let body = br#"{"reason":"16_0006_058","message":"Signature verification failed"}"#;
        for status in [200, 400, 500] {
            let f = read_sealed(status, body).unwrap_err();
            assert_eq!(
                (f.kind, f.provider_code.as_deref()),
                (FailureKind::Config, Some("16_0006_058")),
                "{status}"
            );
            assert_eq!(
                read_complete(status, body).unwrap_err().provider_code.as_deref(),
                Some("16_0006_058")
            );
        }
        let gone = br#"{"reason":"16_0006_055","message":"Invalid payment reference ID"}"#;
        let Ok(Outcome::Failed(f)) = read_verify(200, gone, &ours("1")) else {
            panic!("a 200 refusal on verify is read")
        };
        assert_eq!(f.provider_code.as_deref(), Some("16_0006_055"));
        let retry = br#"{"reason":"16_0006_075","message":"Could not persist data"}"#;
        assert_eq!(
            read_verify(200, retry, &ours("1")).unwrap_err().kind,
            FailureKind::Unknown
        );
        assert!(refusal(br#"{"status":"Success","reason":"x"}"#).is_none());
        assert!(refusal(br#"{"sensitiveData":"a","signature":"b"}"#).is_none());
    }

    #[test]
    fn km_calls_send_the_merchant_id_and_verify_does_not() {
        let h = request_headers(true, Some(("103.4.145.12", "PC_WEB")), "683002007104225");
        assert!(h.contains(&("X-KM-MC-Id", "683002007104225")), "{h:?}");
        assert!(h.contains(&("X-KM-IP-V4", "103.4.145.12")) && h.contains(&("X-KM-Client-Type", "PC_WEB")));
        assert!(h.contains(&("X-KM-Api-Version", "v-0.2.0")) && h.contains(&("content-type", "application/json")));
        let v = request_headers(false, None, "683002007104225");
        assert!(v.iter().all(|(k, _)| !k.starts_with("X-KM-MC")), "{v:?}");
    }

    #[test]
    fn long_issuer_references_up_to_64_are_read() {
        for len in [17, 64] {
            let trx = "7".repeat(len);
            let body = PAID.replace("000177YT", &trx);
            let Ok(Outcome::Succeeded { trx_id, .. }) = read_verify(200, body.as_bytes(), &ours("1250")) else {
                panic!("{len}")
            };
            assert_eq!(trx_id, trx);
        }
        let body = PAID.replace("000177YT", &"7".repeat(65));
        assert_eq!(
            read_verify(200, body.as_bytes(), &ours("1250")).unwrap_err().kind,
            FailureKind::Unknown
        );
    }

    #[test]
    fn refunded_words_mean_paid_then_refunded() {
        for word in [
            "Refunded",
            "PartialRefunded",
            "partialrefunded",
            "REFUNDED",
            "PartialCancelled",
        ] {
            let body = PAID.replace(r#""status":"Success""#, &format!(r#""status":"{word}""#));
            assert!(
                matches!(
                    read_verify(200, body.as_bytes(), &ours("1250")),
                    Ok(Outcome::Succeeded { .. })
                ),
                "{word}"
            );
        }
    }

    #[test]
    fn references_are_safe_path_segments() {
        assert_eq!(path_segment("MTEy+/NA==").as_deref(), Some("MTEy%2B%2FNA=="));
        assert_eq!(path_segment("../x"), None);
        assert_eq!(path_segment(""), None);
    }
}
