//! Merchants in D1: the one check that a merchant an operator names exists.

use serde::Deserialize;
use worker::D1Database;

use crate::error::{EdgeError, EdgeResult};

/// `Ok` when the merchant exists; 404 `not_found` when it does not.
pub async fn require(db: &D1Database, merchant_id: &str) -> EdgeResult<()> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        id: String,
    }
    let found: Option<Found> = db
        .prepare("SELECT id FROM merchants WHERE id = ?1")
        .bind(&[merchant_id.into()])?
        .first(None)
        .await?;
    found.map(|_| ()).ok_or_else(EdgeError::not_found)
}
