//! The inputs of a bulk-credit file, the originator (us, paying out) and one credit per payee,
//! as plain strings from JSON or D1, and their checking into the values the file is written from.

use serde::{Deserialize, Serialize};

use super::account_number::AccountNumber;
use super::error::FileError;
use super::layout::{width, DETAIL, HEADER};
use super::routing_number::RoutingNumber;
use super::text::{check_id, fold, has_letter};
use crate::money::MAX_POISHA;

/// The most credits one file holds (the sequence number has six digits).
pub const MAX_CREDITS: usize = 999_999;

const NO_LETTERS: &str = "has no Latin letters: give the account holder's name as the bank has it in English";

/// Who sends the money: the company's name and id as its bank registered them, and the account
/// the credits are drawn from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Originator {
    pub company_name: String,
    pub company_id: String,
    pub account_number: String,
    pub routing_number: String,
}

/// One payee's credit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// Our payee id, written exactly (1 to 32 of `A-Z a-z 0-9 _ -`).
    pub payee_id: String,
    /// The account holder's name; folded to upper-case ASCII and cut to 35 characters.
    pub name: String,
    pub account_number: String,
    pub routing_number: String,
    /// Poisha, above zero, at most [`MAX_POISHA`].
    pub amount: i64,
    /// Shown on the payee's statement; folded and cut to 35 characters; may be empty.
    pub reference: String,
}

/// An originator whose fields fit the header.
pub(super) struct CheckedOriginator<'a> {
    pub name: String,
    pub company_id: &'a str,
    pub account: AccountNumber,
    pub routing: RoutingNumber,
}

/// A credit whose fields fit a detail record.
pub(super) struct CheckedCredit<'a> {
    pub payee_id: &'a str,
    pub name: String,
    pub account: AccountNumber,
    pub routing: RoutingNumber,
    pub amount: i64,
    pub reference: String,
}

impl Originator {
    pub(super) fn checked(&self) -> Result<CheckedOriginator<'_>, FileError> {
        let err = |field, problem| FileError::Originator { field, problem };
        let name = fold(&self.company_name, width(&HEADER, "company_name"));
        if !has_letter(&name) {
            return Err(err("company_name", NO_LETTERS));
        }
        check_id(&self.company_id, width(&HEADER, "company_id")).map_err(|p| err("company_id", p.message()))?;
        Ok(CheckedOriginator {
            name,
            company_id: &self.company_id,
            account: AccountNumber::parse(&self.account_number).map_err(|e| err("account_number", e.message()))?,
            routing: RoutingNumber::parse(&self.routing_number).map_err(|e| err("routing_number", e.message()))?,
        })
    }
}

impl Credit {
    fn checked(&self, index: usize) -> Result<CheckedCredit<'_>, FileError> {
        let err = |field, problem| FileError::Credit { index, field, problem };
        check_id(&self.payee_id, width(&DETAIL, "payee_id")).map_err(|p| err("payee_id", p.message()))?;
        let name = fold(&self.name, width(&DETAIL, "name"));
        if !has_letter(&name) {
            return Err(err("name", NO_LETTERS));
        }
        if self.amount <= 0 {
            return Err(err("amount", "must be above zero (in poisha)"));
        }
        if self.amount > MAX_POISHA {
            return Err(err("amount", "is over the ceiling of 999999999.99 taka"));
        }
        Ok(CheckedCredit {
            payee_id: &self.payee_id,
            name,
            account: AccountNumber::parse(&self.account_number).map_err(|e| err("account_number", e.message()))?,
            routing: RoutingNumber::parse(&self.routing_number).map_err(|e| err("routing_number", e.message()))?,
            amount: self.amount,
            reference: fold(&self.reference, width(&DETAIL, "reference")),
        })
    }
}

/// Every credit checked, in order; the first problem is reported.
pub(super) fn checked_credits(credits: &[Credit]) -> Result<Vec<CheckedCredit<'_>>, FileError> {
    if credits.is_empty() {
        return Err(FileError::NoCredits);
    }
    if credits.len() > MAX_CREDITS {
        return Err(FileError::TooManyCredits);
    }
    credits.iter().enumerate().map(|(i, c)| c.checked(i)).collect()
}
