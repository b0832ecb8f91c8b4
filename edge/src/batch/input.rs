//! A refund batch as the merchant sends it: a JSON list or CSV (`payment_id,amount,reason`,
//! `order_id` may stand for `payment_id`), up to [`MAX_LINES`] lines in at most
//! [`MAX_BATCH_BODY`]. Every line is checked here, before anything runs; a bad line is
//! reported and never stops the others.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{OrderId, PaymentId};
use bdpay_shared::money::Money;
use serde_json::Value;
use worker::Request;

use super::{Line, LineError, LineState, Target};
use crate::error::{EdgeError, EdgeResult};

pub const MAX_LINES: usize = 10_000;
/// A batch body may be larger than other bodies (`crate::body::MAX_BODY`).
pub const MAX_BATCH_BODY: usize = 2 * 1024 * 1024;

/// Reads the raw body as a stream, refusing anything over `limit` (`crate::body::capped`).
pub async fn bytes_up_to(req: &mut Request, limit: usize) -> EdgeResult<Vec<u8>> {
    crate::body::capped(req, limit, "a refund batch may be at most 2 MiB").await
}

/// One line's raw fields.
#[derive(Default)]
struct Fields {
    payment_id: Option<String>,
    order_id: Option<String>,
    amount: Option<String>,
    reason: Option<String>,
}

fn bad(line: u32, message: &str) -> Line {
    Line {
        line,
        target: None,
        amount: None,
        reason: None,
        state: LineState::Invalid,
        refund_id: None,
        error: Some(LineError::new("invalid_request", message)),
        tries: 0,
    }
}

/// Checks one line's fields.
fn check(line: u32, f: Fields) -> Line {
    let nonempty = |s: Option<String>| s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let target = match (nonempty(f.payment_id), nonempty(f.order_id)) {
        (Some(p), None) => match PaymentId::parse(&p) {
            Ok(id) => Target::Payment(id.as_str().to_owned()),
            Err(_) => return bad(line, "payment_id is not a payment id (pay_…)"),
        },
        (None, Some(o)) => match OrderId::parse(&o) {
            Ok(id) => Target::Order(id.as_str().to_owned()),
            Err(_) => return bad(line, "order_id is not valid"),
        },
        (Some(_), Some(_)) => return bad(line, "give payment_id or order_id, not both"),
        (None, None) => return bad(line, "payment_id (or order_id) is required"),
    };
    let amount = match nonempty(f.amount) {
        Some(a) => match Money::parse(&a) {
            Ok(m) => Some(m),
            Err(_) => {
                let mut l = bad(
                    line,
                    "amount must be a positive amount with at most 2 decimals, like 250.00",
                );
                l.error = Some(LineError::new(
                    "invalid_amount",
                    "amount must be a positive amount with at most 2 decimals, like 250.00",
                ));
                return l;
            }
        },
        None => None,
    };
    let reason = nonempty(f.reason);
    if reason.as_ref().is_some_and(|r| {
        r.chars().count() > crate::payment::stored_refund::MAX_REASON || r.chars().any(char::is_control)
    }) {
        return bad(line, "reason: at most 255 characters, no control characters");
    }
    Line {
        line,
        target: Some(target),
        amount,
        reason,
        state: LineState::Queued,
        refund_id: None,
        error: None,
        tries: 0,
    }
}

/// Parses and checks a batch body. `Err` only when the body as a whole is unreadable.
pub fn parse(content_type: &str, raw: &[u8]) -> EdgeResult<Vec<Line>> {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let lines = match essence.as_str() {
        "application/json" => parse_json(raw)?,
        "text/csv" => parse_csv(raw)?,
        _ => {
            return Err(EdgeError::invalid(
                ErrorCode::UnsupportedMediaType,
                "Content-Type must be application/json or text/csv",
            ))
        }
    };
    if lines.is_empty() {
        return Err(EdgeError::invalid(ErrorCode::InvalidRequest, "the batch has no lines"));
    }
    if lines.len() > MAX_LINES {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "a batch may have at most 10000 lines",
        ));
    }
    Ok(lines)
}

fn text(v: &Value, key: &str) -> Result<Option<String>, ()> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

fn parse_json(raw: &[u8]) -> EdgeResult<Vec<Line>> {
    let v: Value = serde_json::from_slice(raw)
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "the body is not valid JSON"))?;
    let items = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("lines") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(EdgeError::invalid(
                    ErrorCode::InvalidRequest,
                    "expected a list of refunds, or {\"lines\": [...]}",
                ))
            }
        },
        _ => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "expected a list of refunds",
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len().min(MAX_LINES + 1));
    for (i, item) in items.iter().enumerate().take(MAX_LINES + 1) {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let fields = (|| {
            if !item.is_object() {
                return Err(());
            }
            Ok(Fields {
                payment_id: text(item, "payment_id")?,
                order_id: text(item, "order_id")?,
                amount: text(item, "amount")?,
                reason: text(item, "reason")?,
            })
        })();
        out.push(match fields {
            Ok(f) => check(n, f),
            Err(()) => bad(
                n,
                "each line is an object of strings: payment_id (or order_id), amount, reason",
            ),
        });
    }
    Ok(out)
}

/// RFC 4180 records: quoted fields may hold commas, quotes (`""`) and line breaks.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    records
}

fn parse_csv(raw: &[u8]) -> EdgeResult<Vec<Line>> {
    let text =
        std::str::from_utf8(raw).map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "the CSV must be UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = csv_records(text).into_iter();
    let header: Vec<String> = records
        .next()
        .unwrap_or_default()
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (pay, order, amount, reason) = (col("payment_id"), col("order_id"), col("amount"), col("reason"));
    if pay.is_none() && order.is_none() {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "the CSV header must name payment_id (or order_id), amount, reason",
        ));
    }
    let mut out = Vec::new();
    for (i, r) in records.enumerate().take(MAX_LINES + 1) {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if r.len() != header.len() {
            out.push(bad(n, "this line does not have as many fields as the header"));
            continue;
        }
        let get = |c: Option<usize>| c.and_then(|c| r.get(c)).cloned();
        out.push(check(
            n,
            Fields {
                payment_id: get(pay),
                order_id: get(order),
                amount: get(amount),
                reason: get(reason),
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_checked_one_by_one() {
        let csv = "payment_id,amount,reason\npay_0123456789abcdefghijklmn,250.00,\"returned, one item\"\nnot-an-id,1.00,x\npay_0123456789abcdefghijklmn,abc,\npay_0123456789abcdefghijklmn\n";
        let lines = parse("text/csv", csv.as_bytes()).unwrap();
        let states: Vec<LineState> = lines.iter().map(|l| l.state).collect();
        assert_eq!(
            states,
            [
                LineState::Queued,
                LineState::Invalid,
                LineState::Invalid,
                LineState::Invalid
            ]
        );
        assert_eq!(lines[0].reason.as_deref(), Some("returned, one item"));
        assert_eq!(lines[2].error.as_ref().unwrap().code, "invalid_amount");
    }

    #[test]
    fn json_lists_and_order_ids() {
        let body = br#"[{"order_id":"A-1","amount":"10"},{"payment_id":5},{}]"#;
        let lines = parse("application/json", body).unwrap();
        assert!(matches!(lines[0].target, Some(Target::Order(ref o)) if o == "A-1"));
        assert_eq!(
            (lines[1].state, lines[2].state),
            (LineState::Invalid, LineState::Invalid)
        );
    }
}
