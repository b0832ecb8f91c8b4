//! Writes the bulk-credit file: one header record, one detail record per credit and a trailer
//! with the count and the total, in the fixed-width layout of [`super::layout`].

use super::credit::{checked_credits, Credit, Originator};
use super::error::FileError;
use super::layout::{width, Field, Fill, DETAIL, HEADER, LAYOUT_ID, LINE_END, RECORD_WIDTH, TRAILER};
use super::text::check_id;
use super::trailer::trailer_of;
use crate::settlement::Date;

/// A value for one field.
enum Value<'a> {
    Text(&'a str),
    Number(u64),
}

/// The file for `credits` from `orig`, to be value-dated `value_date` (a business day: the edge
/// picks it with the settlement calendar), under our `batch_id` (1 to 32 of `A-Z a-z 0-9 _ -`,
/// written exactly). Every field is checked first; the first problem is returned, naming it.
pub fn file(orig: &Originator, value_date: Date, batch_id: &str, credits: &[Credit]) -> Result<String, FileError> {
    check_id(batch_id, width(&HEADER, "batch_id")).map_err(|p| FileError::BatchId(p.message()))?;
    let orig = orig.checked()?;
    let credits = checked_credits(credits)?;
    let totals = trailer_of(&credits);

    let mut out = String::with_capacity((RECORD_WIDTH + LINE_END.len()) * (credits.len() + 2));
    let (y, m, d) = value_date.ymd();
    let yyyymmdd = u64::try_from(y).unwrap_or(0) * 10_000 + u64::from(m) * 100 + u64::from(d);
    write(
        &mut out,
        &HEADER,
        &[
            Value::Text("H"),
            Value::Text(LAYOUT_ID),
            Value::Number(yyyymmdd),
            Value::Text(batch_id),
            Value::Text(&orig.name),
            Value::Text(orig.company_id),
            Value::Number(orig.routing.value()),
            Value::Text(orig.account.as_str()),
            Value::Text(""),
        ],
    )?;
    for (seq, c) in (1u64..).zip(&credits) {
        write(
            &mut out,
            &DETAIL,
            &[
                Value::Text("D"),
                Value::Number(seq),
                Value::Number(c.routing.value()),
                Value::Text(c.account.as_str()),
                Value::Number(c.amount.unsigned_abs()),
                Value::Text(c.payee_id),
                Value::Text(&c.name),
                Value::Text(&c.reference),
                Value::Text(""),
            ],
        )?;
    }
    write(
        &mut out,
        &TRAILER,
        &[
            Value::Text("T"),
            Value::Number(u64::from(totals.count)),
            Value::Number(totals.total.unsigned_abs()),
            Value::Number(totals.routing_hash),
            Value::Text(batch_id),
            Value::Text(""),
        ],
    )?;
    Ok(out)
}

/// Appends one record: each value in its field's width and fill, then the line end.
fn write(out: &mut String, fields: &[Field], values: &[Value<'_>]) -> Result<(), FileError> {
    for (f, v) in fields.iter().zip(values) {
        match (v, f.fill) {
            (Value::Text(t), Fill::Text) => {
                // Texts are checked ASCII; anything else is dropped rather than break the width.
                let mut used = 0;
                for c in t.chars().filter(char::is_ascii).take(f.width) {
                    out.push(c);
                    used += 1;
                }
                out.extend(core::iter::repeat_n(' ', f.width - used));
            }
            (Value::Number(n), Fill::Number) => {
                let digits = n.to_string();
                if digits.len() > f.width {
                    return Err(FileError::FieldOverflow(f.name));
                }
                out.extend(core::iter::repeat_n('0', f.width - digits.len()));
                out.push_str(&digits);
            }
            _ => return Err(FileError::FieldOverflow(f.name)),
        }
    }
    out.push_str(LINE_END);
    Ok(())
}
