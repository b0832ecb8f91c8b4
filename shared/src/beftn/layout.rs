//! Our BEFTN bulk-credit file layout, field by field: fixed-width ASCII records of 160
//! characters, each ended by CR LF. docs/beftn.md shows the same tables; the writer and the
//! tests read these, so the code cannot drift from them.

/// Characters in every record, before the line end.
pub const RECORD_WIDTH: usize = 160;
/// Each record ends with CR LF (banks' upload portals are mostly Windows-based).
pub const LINE_END: &str = "\r\n";
/// The header's layout id: bdpay bulk credit, version 1.
pub const LAYOUT_ID: &str = "BDPAYBC1";

/// How a field is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Left-justified, padded with spaces.
    Text,
    /// Right-justified digits, padded with zeros.
    Number,
}

/// One field: its name, first position (1-based, as in docs/beftn.md), width and fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub start: usize,
    pub width: usize,
    pub fill: Fill,
}

const fn text(name: &'static str, start: usize, width: usize) -> Field {
    Field {
        name,
        start,
        width,
        fill: Fill::Text,
    }
}

const fn number(name: &'static str, start: usize, width: usize) -> Field {
    Field {
        name,
        start,
        width,
        fill: Fill::Number,
    }
}

/// The one header record, `H`.
pub const HEADER: [Field; 9] = [
    text("record_type", 1, 1),
    text("layout_id", 2, 8),
    number("value_date", 10, 8),
    text("batch_id", 18, 32),
    text("company_name", 50, 35),
    text("company_id", 85, 20),
    number("routing_number", 105, 9),
    text("account_number", 114, 17),
    text("reserved", 131, 30),
];

/// One detail record per credit, `D`.
pub const DETAIL: [Field; 9] = [
    text("record_type", 1, 1),
    number("sequence", 2, 6),
    number("routing_number", 8, 9),
    text("account_number", 17, 17),
    number("amount", 34, 13),
    text("payee_id", 47, 32),
    text("name", 79, 35),
    text("reference", 114, 35),
    text("reserved", 149, 12),
];

/// The one trailer record, `T`.
pub const TRAILER: [Field; 6] = [
    text("record_type", 1, 1),
    number("count", 2, 6),
    number("total", 8, 18),
    number("routing_hash", 26, 10),
    text("batch_id", 36, 32),
    text("reserved", 68, 93),
];

/// The field of `record` called `name` (for readers; the writer walks the arrays in order).
#[must_use]
pub fn field(record: &[Field], name: &str) -> Option<Field> {
    record.iter().copied().find(|f| f.name == name)
}

/// The widest value of a field: `batch_id` → 32, and so on.
#[must_use]
pub fn width(record: &[Field], name: &str) -> usize {
    field(record, name).map_or(0, |f| f.width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_tiles_its_160_characters() {
        for record in [&HEADER[..], &DETAIL[..], &TRAILER[..]] {
            let mut next = 1;
            for f in record {
                assert_eq!(f.start, next, "{}", f.name);
                next += f.width;
            }
            assert_eq!(next, RECORD_WIDTH + 1);
        }
        assert_eq!(LAYOUT_ID.len(), width(&HEADER, "layout_id"));
        assert_eq!(width(&DETAIL, "nope"), 0);
    }
}
