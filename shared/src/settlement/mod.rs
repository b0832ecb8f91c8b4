//! The settlement calendar: which Dhaka day a payment settles on, when each provider credits that
//! day's money to the merchant, what carries over, and which days are business days. Pure: the
//! edge passes instants in and reads answers out. docs/settlement.md gives the rules in words.

pub mod calendar;
pub mod calendar_file;
pub mod date;
pub mod days;
pub mod rules;
pub mod settle;
pub mod time_of_day;

#[cfg(test)]
mod tests;

pub use calendar::{Calendar, CalendarError};
pub use date::{Date, DateError, Weekday};
pub use days::{days, DayInfo, MAX_LISTED_DAYS};
pub use rules::{buffered, expedite_fee, NagadSpeed};
pub use settle::{settle, DayTotals, Settlement};
pub use time_of_day::TimeOfDay;
