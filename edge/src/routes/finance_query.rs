//! What the finance routes read from a path or query: a provider, a day not in the future, a
//! `from`/`to` range, `?format=csv`.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use worker::Request;

use crate::clock::now_ms;
use crate::error::{EdgeError, EdgeResult};
use crate::finance::day::Day;

/// The longest range a list answers.
pub const MAX_RANGE_DAYS: i64 = 92;

pub fn provider(name: &str) -> EdgeResult<Provider> {
    name.parse::<Provider>()
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "provider must be bkash or nagad"))
}

/// 400 for a day after today (Dhaka): there is nothing to reconcile or upload yet.
pub fn day_not_future(day: &Day) -> EdgeResult<()> {
    if day.start_ms > now_ms() {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            format!("date: {} is in the future (Dhaka time)", day.text),
        ));
    }
    Ok(())
}

pub fn query(req: &Request, name: &str) -> Option<String> {
    req.url()
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn wants_csv(req: &Request) -> bool {
    query(req, "format").is_some_and(|f| f.eq_ignore_ascii_case("csv"))
}

/// `from` and `to` (both required, inclusive, at most [`MAX_RANGE_DAYS`] apart).
pub fn range(req: &Request) -> EdgeResult<(Day, Day)> {
    let get = |name: &str| {
        query(req, name)
            .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, format!("{name} is required (YYYY-MM-DD)")))
    };
    let from = Day::parse(&get("from")?)?;
    let to = Day::parse(&get("to")?)?;
    if to.start_ms < from.start_ms {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "to must not be before from",
        ));
    }
    if (to.start_ms - from.start_ms) / crate::finance::day::DAY_MS > MAX_RANGE_DAYS {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            format!("from and to may be at most {MAX_RANGE_DAYS} days apart"),
        ));
    }
    Ok((from, to))
}

pub fn wants_json(req: &Request) -> bool {
    query(req, "format").is_some_and(|f| f.eq_ignore_ascii_case("json"))
}
