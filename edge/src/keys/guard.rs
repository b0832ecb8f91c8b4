//! Who may run key administration: the bearer of secret `BDPAY_ADMIN_TOKEN`. Unset, the
//! admin routes do not exist (404); a wrong or missing token is 401. Compared in constant
//! time over SHA-256 digests (equal length, so the token's length does not leak either).

use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No admin token configured: answer as if there were no such route.
    NoSuchRoute,
    Unauthorized,
    Allowed,
}

/// `configured`: the secret (if set); `authorization`: the request's header (if sent).
pub fn check(configured: Option<&str>, authorization: Option<&str>) -> Access {
    let Some(expected) = configured.map(str::trim).filter(|t| !t.is_empty()) else {
        return Access::NoSuchRoute;
    };
    let offered = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let (a, b) = (Sha256::digest(expected.as_bytes()), Sha256::digest(offered.as_bytes()));
    let same = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same && !offered.is_empty() {
        Access::Allowed
    } else {
        Access::Unauthorized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_blank_token_hides_the_route() {
        assert_eq!(check(None, Some("Bearer x")), Access::NoSuchRoute);
        assert_eq!(check(Some("  "), Some("Bearer ")), Access::NoSuchRoute);
    }

    #[test]
    fn only_the_exact_bearer_token_passes() {
        let t = Some("adm_test_0123456789");
        assert_eq!(check(t, Some("Bearer adm_test_0123456789")), Access::Allowed);
        for bad in [
            None,
            Some(""),
            Some("Bearer "),
            Some("adm_test_0123456789"),
            Some("Basic adm_test_0123456789"),
            Some("Bearer adm_test_012345678"),
            Some("Bearer adm_test_01234567890"),
        ] {
            assert_eq!(check(t, bad), Access::Unauthorized, "{bad:?}");
        }
    }
}
