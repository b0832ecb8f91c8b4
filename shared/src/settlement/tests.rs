//! Table tests of the settlement rules on the bundled calendar: weekends, holidays, the Ramadan
//! cut-off, bKash's minimum and carry-over, Nagad's expedite fee and timing, the buffer, years.

use super::rules::*;
use super::*;
use crate::provider::Provider::{self, Bkash, Nagad};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The unix ms of a Dhaka wall-clock time.
fn at(day: &str, hour: u8, minute: u8) -> i64 {
    date(day).at(TimeOfDay::hm(hour, minute))
}

fn cal() -> &'static Calendar {
    Calendar::bundled()
}

fn totals(gross: i64, fees: i64, refunds: i64) -> DayTotals {
    DayTotals { gross, fees, refunds }
}

#[test]
fn credit_day_skips_weekends_and_holidays() {
    use NagadSpeed::*;
    // (provider, speed, settlement day, credit day, credit time)
    let table: [(Provider, NagadSpeed, &str, &str, TimeOfDay); 9] = [
        // Thursday's payments are credited on Sunday.
        (Bkash, Standard, "2026-12-03", "2026-12-06", BKASH_CREDIT_AT),
        (Nagad, Standard, "2026-12-03", "2026-12-06", NAGAD_STANDARD_CREDIT_AT),
        // Friday's and Saturday's too.
        (Bkash, Standard, "2026-12-04", "2026-12-06", BKASH_CREDIT_AT),
        (Bkash, Standard, "2026-12-05", "2026-12-06", BKASH_CREDIT_AT),
        // The next day is Victory Day (Wednesday 16 December): skipped.
        (Bkash, Standard, "2026-12-15", "2026-12-17", BKASH_CREDIT_AT),
        (Nagad, Standard, "2026-12-15", "2026-12-17", NAGAD_STANDARD_CREDIT_AT),
        // Expedite on a business day: the same day, by its end.
        (Nagad, Expedite, "2026-12-15", "2026-12-15", NAGAD_EXPEDITE_CREDIT_AT),
        // Expedite on a holiday or a weekend: the next business day, at the standard hour.
        (Nagad, Expedite, "2026-12-16", "2026-12-17", NAGAD_STANDARD_CREDIT_AT),
        (Nagad, Expedite, "2026-12-04", "2026-12-06", NAGAD_STANDARD_CREDIT_AT),
    ];
    for (provider, speed, day, credit_day, time) in table {
        let s = settle(cal(), provider, date(day), totals(1_000_000, 0, 0), 0, speed);
        assert_eq!(s.credit_day, Some(date(credit_day)), "{provider} {speed:?} {day}");
        assert_eq!(
            s.nominal_credit_at_ms,
            Some(date(credit_day).at(time)),
            "{provider} {speed:?} {day}"
        );
    }
}

#[test]
fn ramadan_moves_the_cut_off_two_hours_earlier() {
    // (provider, payment instant, settlement day)
    let table = [
        // 2 March 2026 is in Ramadan: the day closes at 21:00, so 22:00 belongs to the 3rd.
        (Bkash, at("2026-03-02", 22, 0), "2026-03-03"),
        (Nagad, at("2026-03-02", 22, 0), "2026-03-03"),
        (Bkash, at("2026-03-02", 21, 0), "2026-03-02"),
        (Bkash, at("2026-03-02", 21, 0) + 1, "2026-03-03"),
        // 6 April 2026 is not: 22:00 is still that day, 23:00 is its last instant.
        (Bkash, at("2026-04-06", 22, 0), "2026-04-06"),
        (Nagad, at("2026-04-06", 22, 0), "2026-04-06"),
        (Bkash, at("2026-04-06", 23, 0), "2026-04-06"),
        (Bkash, at("2026-04-06", 23, 0) + 1, "2026-04-07"),
        (Bkash, at("2026-04-06", 0, 0), "2026-04-06"),
        // The last day of Ramadan 2026 (20 March) closes at 21:00; the 21st at 23:00.
        (Bkash, at("2026-03-20", 21, 30), "2026-03-21"),
        (Bkash, at("2026-03-21", 22, 30), "2026-03-21"),
    ];
    for (provider, instant, day) in table {
        assert_eq!(
            cal().settlement_day(provider, instant),
            date(day),
            "{provider} {instant}"
        );
    }
    assert_eq!(cal().cutoff(Bkash, date("2026-03-02")), TimeOfDay::hm(21, 0));
    assert_eq!(cal().cutoff(Nagad, date("2026-04-06")), TimeOfDay::hm(23, 0));
}

#[test]
fn windows_tile_time_without_gaps_across_ramadan_and_years() {
    let hour = 3_600_000;
    // First day of Ramadan 2026: from 23:00 on the 18th to 21:00 on the 19th, 22 hours.
    assert_eq!(
        cal().window(Bkash, date("2026-02-19")),
        (at("2026-02-18", 23, 0), at("2026-02-19", 21, 0))
    );
    // The day after Ramadan: from 21:00 to 23:00 the next day, 26 hours.
    let (start, end) = cal().window(Nagad, date("2026-03-21"));
    assert_eq!(end - start, 26 * hour);
    for provider in Provider::ALL {
        let mut d = date("2024-12-31");
        while d <= date("2028-01-01") {
            let (start, end) = cal().window(provider, d);
            assert_eq!(end, cal().window(provider, d.next()).0, "{provider} {d}");
            assert!((22 * hour..=26 * hour).contains(&(end - start)), "{provider} {d}");
            assert_eq!(cal().settlement_day(provider, end), d, "{provider} {d}");
            assert_eq!(cal().settlement_day(provider, start + 1), d, "{provider} {d}");
            d = d.next();
        }
    }
}

#[test]
fn bkash_carries_everything_over_below_the_minimum_and_releases_it_above() {
    let day1 = date("2026-12-06"); // Sunday
                                   // 3,000.00 gross, 55.50 fees: 2,944.50 net, below 5,000.00: nothing credited.
    let s1 = settle(cal(), Bkash, day1, totals(300_000, 5_550, 0), 0, NagadSpeed::Standard);
    assert_eq!((s1.net, s1.credited, s1.carried_over), (294_450, 0, 294_450));
    assert_eq!((s1.credit_day, s1.expected_credit_at_ms), (None, None));
    // Monday: 2,000.00 net more makes 4,944.50: still below.
    let s2 = settle(
        cal(),
        Bkash,
        day1.next(),
        totals(200_000, 0, 0),
        s1.carried_over,
        NagadSpeed::Standard,
    );
    assert_eq!((s2.credited, s2.carried_over), (0, 494_450));
    // Tuesday: 55.50 more reaches exactly 5,000.00: all of it is credited on Wednesday.
    let s3 = settle(
        cal(),
        Bkash,
        day1.add_days(2),
        totals(5_550, 0, 0),
        s2.carried_over,
        NagadSpeed::Standard,
    );
    assert_eq!((s3.credited, s3.carried_over), (BKASH_MIN_WITHDRAWAL_POISHA, 0));
    assert_eq!(s3.credit_day, Some(date("2026-12-09")));
    // One poisha short stays behind.
    let short = settle(cal(), Bkash, day1, totals(499_999, 0, 0), 0, NagadSpeed::Standard);
    assert_eq!((short.credited, short.carried_over), (0, 499_999));
    // bKash ignores the Nagad setting: no expedite fee, T+1.
    let fast = settle(cal(), Bkash, day1, totals(1_000_000, 0, 0), 0, NagadSpeed::Expedite);
    assert_eq!((fast.expedite_fee, fast.credited), (0, 1_000_000));
    assert_eq!(fast.credit_day, Some(day1.next()));
}

#[test]
fn refunds_larger_than_the_day_carry_a_debt() {
    let day = date("2026-12-06");
    let s = settle(
        cal(),
        Nagad,
        day,
        totals(100_000, 1_000, 250_000),
        0,
        NagadSpeed::Standard,
    );
    assert_eq!(
        (s.net, s.credited, s.carried_over, s.credit_day),
        (-151_000, 0, -151_000, None)
    );
    let next = settle(
        cal(),
        Nagad,
        day.next(),
        totals(200_000, 0, 0),
        s.carried_over,
        NagadSpeed::Standard,
    );
    assert_eq!((next.credited, next.carried_over), (49_000, 0));
}

#[test]
fn nagad_expedite_fee_is_0_15_percent_rounded_half_up() {
    // (gross, fee) in poisha
    for (gross, fee) in [
        (10_000_000, 15_000), // 100,000.00 taka → 150.00
        (1_000, 2),           // 1.5 poisha → 2 (half up)
        (333, 0),             // 0.4995 → 0
        (3_333, 5),           // 4.9995 → 5
        (3_000, 5),           // 4.5 → 5
        (2_999, 4),           // 4.4985 → 4
        (0, 0),
        (i64::MAX, 13_835_058_055_282_164),
    ] {
        assert_eq!(expedite_fee(gross), fee, "{gross}");
    }
    let day = date("2026-12-07"); // Monday
    let s = settle(
        cal(),
        Nagad,
        day,
        totals(10_000_000, 120_000, 50_000),
        0,
        NagadSpeed::Expedite,
    );
    assert_eq!((s.expedite_fee, s.fees, s.net), (15_000, 135_000, 9_815_000));
    assert_eq!((s.credited, s.credit_day), (9_815_000, Some(day)));
    let standard = settle(
        cal(),
        Nagad,
        day,
        totals(10_000_000, 120_000, 50_000),
        0,
        NagadSpeed::Standard,
    );
    assert_eq!((standard.expedite_fee, standard.net), (0, 9_830_000));
    assert_eq!(standard.credit_day, Some(day.next()));
}

#[test]
fn the_buffer_adds_15_percent_of_the_wait_after_the_window() {
    // Direct arithmetic, in ms, rounded up.
    assert_eq!(buffered(0, 1_000), 1_150);
    assert_eq!(buffered(1_000, 2_000), 2_150);
    assert_eq!(buffered(0, 1), 2);
    assert_eq!(buffered(5_000, 5_000), 5_000);
    assert_eq!(buffered(5_000, 4_000), 4_000);
    assert_eq!(buffered(i64::MIN, i64::MAX), i64::MAX);
    // bKash, Thursday: the window closes 23:00 Thursday, nominal credit 12:00 Sunday (61 hours);
    // 61 h × 1.15 = 70 h 9 min, so expected 21:09 Sunday.
    let s = settle(
        cal(),
        Bkash,
        date("2026-12-03"),
        totals(1_000_000, 0, 0),
        0,
        NagadSpeed::Standard,
    );
    assert_eq!(s.window.1, at("2026-12-03", 23, 0));
    assert_eq!(s.expected_credit_at_ms, Some(at("2026-12-06", 21, 9)));
    // Nagad expedite on Tuesday: 23:00 to 24:00 is an hour; 69 minutes → 00:09 on Wednesday.
    let e = settle(
        cal(),
        Nagad,
        date("2026-12-08"),
        totals(1_000_000, 0, 0),
        0,
        NagadSpeed::Expedite,
    );
    assert_eq!(e.expected_credit_at_ms, Some(at("2026-12-09", 0, 9)));
    // In Ramadan the window closes at 21:00: Monday 2 March 2026 → Tuesday 12:00 is 15 hours,
    // 17 h 15 min with the buffer: 14:15 on Tuesday.
    let r = settle(
        cal(),
        Bkash,
        date("2026-03-02"),
        totals(1_000_000, 0, 0),
        0,
        NagadSpeed::Standard,
    );
    assert_eq!(r.expected_credit_at_ms, Some(at("2026-03-03", 14, 15)));
}

#[test]
fn year_ends_roll_into_the_next_year() {
    // 31 December 2026 is a Thursday and a bank holiday; 1-2 January 2027 the weekend.
    let s = settle(
        cal(),
        Bkash,
        date("2026-12-31"),
        totals(1_000_000, 0, 0),
        0,
        NagadSpeed::Standard,
    );
    assert_eq!(s.credit_day, Some(date("2027-01-03")));
    let e = settle(
        cal(),
        Nagad,
        date("2026-12-31"),
        totals(1_000_000, 0, 0),
        0,
        NagadSpeed::Expedite,
    );
    assert_eq!(e.credit_day, Some(date("2027-01-03")));
    // A payment at 23:30 on New Year's Eve settles on 1 January.
    assert_eq!(
        cal().settlement_day(Bkash, at("2026-12-31", 23, 30)),
        date("2027-01-01")
    );
    assert_eq!(cal().window(Bkash, date("2027-01-01")).0, at("2026-12-31", 23, 0));
    // 31 December 2025 (Wednesday, bank holiday) → Thursday 1 January 2026.
    assert_eq!(cal().next_business_day(date("2025-12-30")), date("2026-01-01"));
}

#[test]
fn opened_saturdays_are_credit_days() {
    // Thursday 15 May 2025 → the next business day is Saturday 17 May, opened by order.
    assert_eq!(cal().next_business_day(date("2025-05-15")), date("2025-05-17"));
}

#[test]
fn settle_never_panics_on_extreme_input() {
    for (gross, fees, refunds, carried) in [
        (i64::MAX, i64::MIN, i64::MAX, i64::MAX),
        (i64::MIN, i64::MAX, i64::MIN, i64::MIN),
        (0, 0, 0, i64::MAX),
    ] {
        for provider in Provider::ALL {
            for speed in [NagadSpeed::Standard, NagadSpeed::Expedite] {
                for day in [Date::MIN, Date::MAX, date("2026-03-02")] {
                    let s = settle(cal(), provider, day, totals(gross, fees, refunds), carried, speed);
                    assert!(s.credited >= 0);
                }
            }
        }
    }
}

/// The table format (`calendar_file`), read through `Calendar::parse`.
#[test]
fn reads_every_kind_of_line() {
    let cal = Calendar::parse(
        "# header\n\
         \n\
         2026-02-21 holiday Shaheed Day  and   International Mother Language Day\n\
         2026-03-19..2026-03-23 holiday Eid-ul-Fitr   # approximate\n\
         2026-05-01 holiday May Day\n\
         2026-05-01 holiday Buddha Purnima\n\
         2026-02-19..2026-03-20 ramadan\n\
         2026-05-23 workday Opened ahead of Eid-ul-Azha\n",
    )
    .unwrap();
    assert_eq!(
        cal.holiday(date("2026-02-21")),
        Some("Shaheed Day and International Mother Language Day")
    );
    for d in ["2026-03-19", "2026-03-21", "2026-03-23"] {
        assert_eq!(cal.holiday(date(d)), Some("Eid-ul-Fitr"), "{d}");
    }
    assert_eq!(cal.holiday(date("2026-03-24")), None);
    assert_eq!(cal.holiday(date("2026-05-01")), Some("May Day; Buddha Purnima"));
    assert!(cal.in_ramadan(date("2026-02-19")) && cal.in_ramadan(date("2026-03-20")));
    assert!(!cal.in_ramadan(date("2026-02-18")) && !cal.in_ramadan(date("2026-03-21")));
    assert_eq!(cal.workday(date("2026-05-23")), Some("Opened ahead of Eid-ul-Azha"));
}

#[test]
fn holidays_have_bangla_names_and_a_line_without_one_keeps_its_english_name() {
    assert_eq!(cal().holiday(date("2026-12-16")), Some("Victory Day"));
    assert_eq!(cal().holiday_bn(date("2026-12-16")), Some("বিজয় দিবস"));
    let c = Calendar::parse("2026-12-16 holiday Victory Day\n2026-12-16 holiday Other | অন্য\n").unwrap();
    assert_eq!(c.holiday(date("2026-12-16")), Some("Victory Day; Other"));
    assert_eq!(c.holiday_bn(date("2026-12-16")), Some("Victory Day; অন্য"));
    assert!(
        Calendar::parse("2026-12-16 holiday Victory Day |\n").is_err(),
        "an empty Bangla name"
    );
}
