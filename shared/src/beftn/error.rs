//! Why a bulk-credit file (or its trailer) cannot be made, naming the input field, so the edge can
//! answer a 400 that says which credit and which field to fix.

use core::fmt;

use super::text::IdProblem;

/// What is wrong with the input of [`super::file`] or [`super::trailer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// A field of the originator: `originator.routing_number`, ...
    Originator { field: &'static str, problem: &'static str },
    /// The batch id.
    BatchId(&'static str),
    /// A file needs at least one credit.
    NoCredits,
    /// More credits than the six-digit sequence number counts.
    TooManyCredits,
    /// A field of one credit: `credits[3].amount`, ... (`index` from 0).
    Credit {
        index: usize,
        field: &'static str,
        problem: &'static str,
    },
    /// A value did not fit its field. Validation makes this unreachable; it is reported rather
    /// than written as a corrupt file.
    FieldOverflow(&'static str),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Originator { field, problem } => write!(f, "originator.{field}: {problem}"),
            FileError::BatchId(problem) => write!(f, "batch_id: {problem}"),
            FileError::NoCredits => f.write_str("credits: a file needs at least one credit"),
            FileError::TooManyCredits => f.write_str("credits: at most 999999 credits in one file"),
            FileError::Credit { index, field, problem } => write!(f, "credits[{index}].{field}: {problem}"),
            FileError::FieldOverflow(field) => write!(f, "internal: a value did not fit the {field} field"),
        }
    }
}

impl std::error::Error for FileError {}

impl IdProblem {
    /// The message after the field's name.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            IdProblem::Empty => "must not be empty",
            IdProblem::TooLong => "is longer than its field (32 characters; a company id 20)",
            IdProblem::Characters => "may contain only A-Z, a-z, 0-9, '_' and '-'",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_in_the_message() {
        let e = FileError::Credit {
            index: 3,
            field: "routing_number",
            problem: "routing number must be exactly 9 digits",
        };
        assert_eq!(
            e.to_string(),
            "credits[3].routing_number: routing number must be exactly 9 digits"
        );
        let e = FileError::Originator {
            field: "company_id",
            problem: IdProblem::Empty.message(),
        };
        assert_eq!(e.to_string(), "originator.company_id: must not be empty");
        assert_eq!(
            FileError::BatchId(IdProblem::Characters.message()).to_string(),
            "batch_id: may contain only A-Z, a-z, 0-9, '_' and '-'"
        );
    }
}
