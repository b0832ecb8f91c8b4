//! A manual transfer's voucher: the screenshot of the wallet app's confirmation a shopper
//! may attach. Taken only as JPEG, PNG or WebP by its magic bytes (the declared type is not
//! trusted), at most 1 MiB, stored in R2 (binding `VOUCHERS`) under a key made of the
//! payment and the bytes' SHA-256, so the same file sent twice is one object.

use worker::{Env, HttpMetadata};

/// The largest voucher taken.
pub const MAX_VOUCHER: usize = 1024 * 1024;

/// The R2 binding (wrangler.toml).
pub const BINDING: &str = "VOUCHERS";

/// The image kinds taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }
}

/// Why a voucher is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Over [`MAX_VOUCHER`]: 413.
    TooLarge,
    /// Empty, or not one of the image kinds by its first bytes: 400.
    NotAnImage,
}

/// The image kind of `bytes` by its magic bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageKind::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageKind::Webp),
        _ => None,
    }
}

/// Whether `bytes` is a voucher we take.
pub fn check(bytes: &[u8]) -> Result<ImageKind, Refused> {
    if bytes.len() > MAX_VOUCHER {
        return Err(Refused::TooLarge);
    }
    sniff(bytes).ok_or(Refused::NotAnImage)
}

/// Where a payment's voucher lives: `vouchers/<pay_…>/<sha256 hex>`.
pub fn key(payment_id: &str, bytes: &[u8]) -> String {
    format!("vouchers/{payment_id}/{}", crate::crypto::sha256_hex(bytes))
}

/// Stores the voucher. `Err` carries the cause for the log.
pub async fn store(env: &Env, key: &str, bytes: Vec<u8>, kind: ImageKind) -> Result<(), String> {
    let bucket = env.bucket(BINDING).map_err(|e| e.to_string())?;
    let meta = HttpMetadata {
        content_type: Some(kind.content_type().to_owned()),
        ..HttpMetadata::default()
    };
    bucket
        .put(key, bytes)
        .http_metadata(meta)
        .execute()
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Removes a voucher no transfer took (best effort: logged when it fails).
pub async fn remove(env: &Env, key: &str) {
    let removed = match env.bucket(BINDING) {
        Ok(bucket) => bucket.delete(key).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(cause) = removed {
        crate::log::warn("voucher_not_removed", &serde_json::json!({ "cause": cause }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        for not in [
            &b""[..],
            b"GIF89a",
            b"%PDF-1.7",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"\x89PNG",
            b"<svg",
        ] {
            assert_eq!(sniff(not), None, "{not:?}");
        }
    }

    #[test]
    fn a_voucher_is_at_most_one_mebibyte_of_image() {
        let mut jpeg = vec![0u8; MAX_VOUCHER];
        jpeg[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert_eq!(check(&jpeg), Ok(ImageKind::Jpeg));
        jpeg.push(0);
        assert_eq!(check(&jpeg), Err(Refused::TooLarge));
        assert_eq!(check(b"hello"), Err(Refused::NotAnImage));
        assert_eq!(check(b""), Err(Refused::NotAnImage));
    }

    #[test]
    fn the_key_names_the_payment_and_the_bytes() {
        let k = key("pay_1", b"abc");
        assert_eq!(
            k,
            "vouchers/pay_1/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(k, key("pay_2", b"abc"));
    }
}
