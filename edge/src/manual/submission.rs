//! A shopper's manual-transfer submission as it arrives: JSON, or `multipart/form-data` with
//! the same fields and an optional `voucher` image file. Every field is checked here, before
//! anything is stored: the wallet, the TrxID's form, the sender's number, the voucher's kind
//! (by its bytes) and size. Messages name the field, never echo its value.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::trx_id;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{FormEntry, Headers, Method, Request, RequestInit};

use super::voucher::{self, ImageKind, Refused, MAX_VOUCHER};
use crate::body;
use crate::error::{EdgeError, EdgeResult};

/// The largest multipart body: a voucher of at most 1 MiB and the fields.
pub const MAX_MULTIPART: usize = MAX_VOUCHER + 16 * 1024;

/// A submission, checked.
pub struct Submission {
    /// Or in the `BdPay-Client-Secret` header.
    pub client_secret: Option<String>,
    pub provider: Provider,
    /// As the provider writes it (trimmed, upper-case).
    pub trx_id: String,
    pub sender: Msisdn,
    pub voucher: Option<(Vec<u8>, ImageKind)>,
}

/// The JSON form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBody {
    #[serde(default)]
    client_secret: Option<String>,
    provider: String,
    trx_id: String,
    sender_phone: Msisdn,
}

/// Reads and checks the request's body: 415 for another content type, 413 past the size
/// limits, 400 naming the field that does not fit.
pub async fn read(req: &mut Request) -> EdgeResult<Submission> {
    let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => {
            let raw = body::bytes(req).await?;
            let b: JsonBody = body::parse(&raw)?;
            let (provider, trx_id) = wallet_and_trx(&b.provider, &b.trx_id)?;
            Ok(Submission {
                client_secret: b.client_secret,
                provider,
                trx_id,
                sender: b.sender_phone,
                voucher: None,
            })
        }
        "multipart/form-data" => {
            let raw = body::capped(
                req,
                MAX_MULTIPART,
                "the voucher may be at most 1 MiB (JPEG, PNG or WebP)",
            )
            .await?;
            multipart(&content_type, raw).await
        }
        _ => Err(EdgeError::invalid(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json, or multipart/form-data with a voucher",
        )),
    }
}

/// The multipart form, parsed by the runtime's own FormData parser from the bytes already
/// read (so the size cap held while reading).
async fn multipart(content_type: &str, raw: Vec<u8>) -> EdgeResult<Submission> {
    let unreadable = || EdgeError::invalid(ErrorCode::InvalidRequest, "the multipart body could not be read");
    let headers = Headers::new();
    headers.set("content-type", content_type).map_err(|_| unreadable())?;
    let bytes = js_sys::Uint8Array::from(raw.as_slice());
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from(bytes)));
    let mut inner = Request::new_with_init("https://form.internal/", &init).map_err(|_| unreadable())?;
    let form = inner.form_data().await.map_err(|_| unreadable())?;
    let field = |name: &'static str| {
        form.get_field(name)
            .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, format!("missing field `{name}`")))
    };
    let (provider, trx_id) = wallet_and_trx(&field("provider")?, &field("trx_id")?)?;
    let sender = sender(&field("sender_phone")?)?;
    let voucher = match form.get("voucher") {
        None => None,
        Some(FormEntry::Field(_)) => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "voucher: must be an image file (JPEG, PNG or WebP)",
            ))
        }
        // A form whose file input was left empty sends a nameless, empty file: no voucher.
        Some(FormEntry::File(f)) if f.size() == 0 && f.name().is_empty() => None,
        Some(FormEntry::File(f)) => {
            if f.size() > MAX_VOUCHER {
                return Err(voucher_refused(Refused::TooLarge));
            }
            let bytes = f.bytes().await.map_err(|_| unreadable())?;
            let kind = voucher::check(&bytes).map_err(voucher_refused)?;
            Some((bytes, kind))
        }
    };
    Ok(Submission {
        client_secret: form.get_field("client_secret"),
        provider,
        trx_id,
        sender,
        voucher,
    })
}

fn voucher_refused(why: Refused) -> EdgeError {
    match why {
        Refused::TooLarge => EdgeError::invalid(ErrorCode::PayloadTooLarge, "voucher: at most 1 MiB"),
        Refused::NotAnImage => {
            EdgeError::invalid(ErrorCode::InvalidRequest, "voucher: must be a JPEG, PNG or WebP image")
        }
    }
}

/// The wallet (`bkash` or `nagad`) and the TrxID in that wallet's form.
pub fn wallet_and_trx(provider: &str, trx_id: &str) -> EdgeResult<(Provider, String)> {
    let provider: Provider = provider
        .parse()
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "provider must be bkash or nagad"))?;
    // Trimmed, upper-cased, Bangla digits read as ASCII; bKash 10, Nagad 8 letters and digits.
    let trx_id = trx_id::normalize(provider, trx_id).ok_or_else(|| {
        EdgeError::invalid(
            ErrorCode::InvalidRequest,
            match provider {
                Provider::Bkash => "trx_id: a bKash TrxID is 10 letters and digits, e.g. CKP40QZ7TM",
                Provider::Nagad => "trx_id: a Nagad transaction ID is 8 letters and digits, e.g. 0003K7QD",
            },
        )
    })?;
    Ok((provider, trx_id))
}

fn sender(s: &str) -> EdgeResult<Msisdn> {
    Msisdn::parse(s)
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidPhone, "sender_phone: an 11-digit number starting 01"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: EdgeError) -> ErrorCode {
        e.to_api_error().error.code
    }

    #[test]
    fn trx_ids_are_read_leniently_and_checked_per_wallet() {
        assert_eq!(
            wallet_and_trx("bkash", " ckp40qz7tm ").unwrap(),
            (Provider::Bkash, "CKP40QZ7TM".to_owned())
        );
        assert_eq!(
            wallet_and_trx("nagad", "০০০৩k7qd").unwrap(),
            (Provider::Nagad, "0003K7QD".to_owned()),
            "Bangla digits, as a phone may type them"
        );
        for (p, t) in [
            ("bkash", "CKP40QZ7T"),
            ("bkash", "CKP40QZ7TMX"),
            ("bkash", "CKP40-Z7TM"),
            ("bkash", "CKP40 Z7TM"),
            ("nagad", "CKP40QZ7TM"),
            ("bkash", "ÇKP40QZ7TM"),
        ] {
            assert_eq!(
                code(wallet_and_trx(p, t).unwrap_err()),
                ErrorCode::InvalidRequest,
                "{p} {t}"
            );
        }
    }

    #[test]
    fn only_the_two_wallets_take_a_transfer() {
        for p in ["manual_transfer", "BKASH", "", "rocket"] {
            let e = wallet_and_trx(p, "CKP40QZ7TM").unwrap_err();
            assert_eq!(code(e), ErrorCode::InvalidRequest, "{p}");
        }
    }

    #[test]
    fn a_bad_sender_is_an_invalid_phone_and_is_not_echoed() {
        let e = sender("0171234567x").unwrap_err();
        let body = e.to_api_error();
        assert_eq!(body.error.code, ErrorCode::InvalidPhone);
        assert!(!body.error.message.contains("0171234567"));
        assert_eq!(sender("+880 1770-618575").unwrap().masked(), "01XX8575");
    }

    #[test]
    fn the_json_form_names_a_bad_field() {
        let raw = br#"{"provider":"bkash","trx_id":"CKP40QZ7TM","sender_phone":"123"}"#;
        let e = body::parse::<JsonBody>(raw).err().unwrap();
        assert_eq!(code(e), ErrorCode::InvalidPhone);
        let raw = br#"{"provider":"bkash","trx_id":"CKP40QZ7TM","sender_phone":"01770618575","x":1}"#;
        assert_eq!(
            code(body::parse::<JsonBody>(raw).err().unwrap()),
            ErrorCode::InvalidRequest
        );
    }
}
