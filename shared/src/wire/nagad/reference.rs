//! `paymentReferenceId` (B.3): base64 of `MMddHHmmssSSS.<merchantId>.<orderId>.<server challenge>`.
//! Behind the `crypto` feature because base64 comes with it.

use crate::wire::time::DhakaTime;

/// The parts of a decoded `paymentReferenceId`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentReference {
    /// `MMddHHmmssSSS` of the accept time (Dhaka).
    pub stamp: String,
    pub merchant_id: String,
    pub order_id: String,
    pub challenge: String,
}

/// Builds the reference Nagad returns from initialize, accepted at `at` (Dhaka).
pub fn encode_payment_reference(at: DhakaTime, merchant_id: &str, order_id: &str, server_challenge: &str) -> String {
    let mut plain = String::with_capacity(16 + merchant_id.len() + order_id.len() + server_challenge.len());
    let compact = at.compact(); // yyyyMMddHHmmss
    plain.push_str(compact.get(4..).unwrap_or_default());
    let milli = at.milli.min(999);
    plain.push(char::from(b'0' + (milli / 100) as u8));
    plain.push(char::from(b'0' + (milli / 10 % 10) as u8));
    plain.push(char::from(b'0' + (milli % 10) as u8));
    for part in [merchant_id, order_id, server_challenge] {
        plain.push('.');
        plain.push_str(part);
    }
    crate::crypto::b64_encode(plain.as_bytes())
}

/// Reads a reference back; `None` unless it is base64 of four dot-separated parts.
/// Informational only: a reference is looked up, never trusted for its contents.
pub fn decode_payment_reference(reference: &str) -> Option<PaymentReference> {
    let bytes = crate::crypto::b64_decode(reference, "paymentReferenceId").ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split('.');
    let (stamp, merchant_id, order_id, challenge) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || stamp.len() != 13 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(PaymentReference {
        stamp: stamp.to_owned(),
        merchant_id: merchant_id.to_owned(),
        order_id: order_id.to_owned(),
        challenge: challenge.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str =
        "MTEyNTE0MDUzMzEyMy42ODMwMDIwMDcxMDQyMjUuQkRQMjAyNDExMjVBMDA0Mi40ZjljMmU3YTFiM2Q1YzZlOGYwMQ==";

    #[test]
    fn encodes_the_b4_example() {
        let at = DhakaTime {
            year: 2024,
            month: 11,
            day: 25,
            hour: 14,
            minute: 5,
            second: 33,
            milli: 123,
        };
        assert_eq!(
            encode_payment_reference(at, "683002007104225", "BDP20241125A0042", "4f9c2e7a1b3d5c6e8f01"),
            EXAMPLE
        );
    }

    #[test]
    fn decodes_the_b4_example() {
        let r = decode_payment_reference(EXAMPLE).unwrap();
        assert_eq!(r.stamp, "1125140533123");
        assert_eq!(
            (r.merchant_id.as_str(), r.order_id.as_str(), r.challenge.as_str()),
            ("683002007104225", "BDP20241125A0042", "4f9c2e7a1b3d5c6e8f01")
        );
        assert_eq!(decode_payment_reference("bm90LWEtcmVm"), None); // "not-a-ref"
        assert_eq!(decode_payment_reference("%%"), None);
    }

    #[test]
    fn alphanumeric_parts_never_give_url_unsafe_base64() {
        let at = DhakaTime {
            year: 2026,
            month: 1,
            day: 9,
            hour: 0,
            minute: 0,
            second: 0,
            milli: 7,
        };
        for order in ["zzzzzzzzzzzzzzzzzzzz", "ZZZZZ", "zzzzz9999999", "o0o0o0o0O0O0o0o0o0o0"] {
            let r = encode_payment_reference(at, "683002007104225", order, "ffffffffffffffffffff");
            assert!(!r.contains('+') && !r.contains('/'), "{r}");
        }
    }
}
