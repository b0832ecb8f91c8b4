//! The holiday table's text format (`shared/data/bd-calendar.txt`), one entry a line:
//!
//! ```text
//! # a comment; also after an entry
//! 2026-02-21 holiday Shaheed Day and International Mother Language Day
//! 2026-03-19..2026-03-23 holiday Eid-ul-Fitr
//! 2026-02-19..2026-03-20 ramadan
//! 2025-05-17 workday Banks open ahead of the Eid-ul-Azha holiday
//! ```
//!
//! `holiday` closes the day (or every day of an inclusive range, at most 15); `workday` opens a
//! Friday or Saturday by government order; `ramadan` gives the month's first and last day (28 to
//! 31 days). Holidays and workdays need a name; two holidays on one day join their names.

use std::collections::BTreeMap;

use super::date::Date;

/// The longest holiday range one line may give (Eid-ul-Azha 2025 ran ten days).
const MAX_HOLIDAY_RANGE_DAYS: i32 = 15;
/// Ramadan is 29 or 30 days; a line off by a day or two is still taken, more is a typo.
const RAMADAN_DAYS: core::ops::RangeInclusive<i32> = 28..=31;
/// Names are shown to people; longer is a mistake.
const MAX_NAME_CHARS: usize = 100;

/// Where the table is wrong: the 1-based line and what is wrong with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarError {
    pub line: usize,
    pub problem: &'static str,
}

impl core::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "calendar line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for CalendarError {}

/// What a table holds: holidays, opened weekend days, Ramadan's ranges (inclusive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Table {
    pub holidays: BTreeMap<Date, String>,
    /// The same holidays' Bangla names (the English one where the line gives none).
    pub holidays_bn: BTreeMap<Date, String>,
    pub workdays: BTreeMap<Date, String>,
    pub ramadan: Vec<(Date, Date)>,
}

pub(super) fn parse(text: &str) -> Result<Table, CalendarError> {
    let mut cal = Table::default();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(entry, _comment)| entry).trim();
        if line.is_empty() {
            continue;
        }
        entry(&mut cal, line).map_err(|problem| CalendarError { line: i + 1, problem })?;
    }
    Ok(cal)
}

fn entry(cal: &mut Table, line: &str) -> Result<(), &'static str> {
    let (when, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim_start();
    let (kind, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let (first, last) = days(when)?;
    let span = first.days_until(last) + 1;
    match kind {
        "holiday" => {
            // `English name | বাংলা নাম`: the Bangla name is optional.
            let (name, name_bn) = match name.split_once('|') {
                Some((en, bn)) => (en.trim().to_owned(), bn.trim().to_owned()),
                None => (name.clone(), name.clone()),
            };
            check_name(&name)?;
            check_name(&name_bn)?;
            if span > MAX_HOLIDAY_RANGE_DAYS {
                return Err("a holiday range may cover at most 15 days");
            }
            for d in (0..span).map(|i| first.add_days(i)) {
                if cal.workdays.contains_key(&d) {
                    return Err("a day cannot be both a holiday and a workday");
                }
                for (names, one) in [(&mut cal.holidays, &name), (&mut cal.holidays_bn, &name_bn)] {
                    names
                        .entry(d)
                        .and_modify(|all| {
                            all.push_str("; ");
                            all.push_str(one);
                        })
                        .or_insert_with(|| one.clone());
                }
            }
        }
        "workday" => {
            check_name(&name)?;
            if span != 1 {
                return Err("a workday is one date, not a range");
            }
            if !first.is_weekend() {
                return Err("a workday opens a Friday or Saturday; this date is a weekday");
            }
            if cal.holidays.contains_key(&first) {
                return Err("a day cannot be both a holiday and a workday");
            }
            cal.workdays.insert(first, name);
        }
        "ramadan" => {
            if !name.is_empty() {
                return Err("a ramadan line takes no name");
            }
            if !RAMADAN_DAYS.contains(&span) {
                return Err("a ramadan range must cover 28 to 31 days");
            }
            cal.ramadan.push((first, last));
        }
        "" => return Err("missing the kind: holiday, workday or ramadan"),
        _ => return Err("unknown kind: use holiday, workday or ramadan"),
    }
    Ok(())
}

/// `2026-02-21` or `2026-03-19..2026-03-23` (inclusive).
fn days(when: &str) -> Result<(Date, Date), &'static str> {
    let bad_date = |_| "a date must be YYYY-MM-DD and exist, or a range FIRST..LAST";
    match when.split_once("..") {
        None => Date::parse(when).map(|d| (d, d)).map_err(bad_date),
        Some((a, b)) => {
            let (first, last) = (Date::parse(a).map_err(bad_date)?, Date::parse(b).map_err(bad_date)?);
            if last < first {
                return Err("a range must end on or after its first day");
            }
            Ok((first, last))
        }
    }
}

fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("a holiday or workday needs a name after the kind");
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err("a name must be at most 100 characters, without control characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_line_of_each_mistake() {
        for (text, problem) in [
            (
                "2026-02-30 holiday X",
                "a date must be YYYY-MM-DD and exist, or a range FIRST..LAST",
            ),
            ("2026-02-21", "missing the kind: holiday, workday or ramadan"),
            ("2026-02-21 holliday X", "unknown kind: use holiday, workday or ramadan"),
            ("2026-02-21 holiday", "a holiday or workday needs a name after the kind"),
            (
                "2026-03-23..2026-03-19 holiday X",
                "a range must end on or after its first day",
            ),
            (
                "2026-03-01..2026-03-20 holiday X",
                "a holiday range may cover at most 15 days",
            ),
            (
                "2026-02-19..2026-03-30 ramadan",
                "a ramadan range must cover 28 to 31 days",
            ),
            ("2026-02-19..2026-03-20 ramadan starts", "a ramadan line takes no name"),
            (
                "2026-12-06 workday X",
                "a workday opens a Friday or Saturday; this date is a weekday",
            ),
            ("2026-05-22..2026-05-23 workday X", "a workday is one date, not a range"),
            (
                "2026-05-23 holiday A\n2026-05-23 workday B",
                "a day cannot be both a holiday and a workday",
            ),
            (
                "2026-05-23 workday B\n2026-05-23 holiday A",
                "a day cannot be both a holiday and a workday",
            ),
        ] {
            let err = parse(&format!("# ok\n{text}\n")).unwrap_err();
            assert_eq!(err.problem, problem, "{text:?}");
            assert!(err.line >= 2, "{text:?}");
        }
        let err = parse("ok\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "calendar line 1: a date must be YYYY-MM-DD and exist, or a range FIRST..LAST"
        );
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "..",
            "2026-01-01..",
            "..2026-01-01 ramadan",
            "\u{0}",
            "2026-01-01 holiday \u{7}",
            "\t\t",
        ] {
            let _ = parse(text);
        }
    }
}
