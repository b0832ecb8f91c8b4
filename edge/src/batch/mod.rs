//! Refund batches: one Durable Object per batch ([`object::BatchObject`]) keeps the lines and
//! runs the valid ones in chunks on its alarm, each a `Command::Refund` to that payment's
//! object with the key `rb_…:line`, so a batch resumed after a restart never refunds a line
//! twice. Lines are checked first ([`input`]); what the API shows is here.

pub mod input;
pub mod object;

use bdpay_shared::money::Money;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The wrangler binding of [`object::BatchObject`].
pub const BINDING: &str = "REFUND_BATCHES";

/// Which payment a line refunds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Payment(String),
    /// The order's paid payment, looked up when the line runs.
    Order(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    /// Refused by the checks: never run.
    Invalid,
    /// Valid, not run yet.
    Queued,
    /// The refund's outcome: as its payment's object said when the line ran, then (for a
    /// pending refund) as it settled, refreshed from the ledger when the batch is read.
    Succeeded,
    Pending,
    RequiresManual,
    /// The refund was made and the provider refused it, or it was refused before (unpaid,
    /// nothing left to refund, unknown payment).
    Failed,
}

impl LineState {
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Invalid => "invalid",
            LineState::Queued => "queued",
            LineState::Succeeded => "succeeded",
            LineState::Pending => "pending",
            LineState::RequiresManual => "requires_manual",
            LineState::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LineError {
    pub code: String,
    pub message: String,
}

impl LineError {
    pub fn new(code: &str, message: &str) -> LineError {
        LineError {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// One line of a batch (`line` counts data lines from 1, the CSV header not counted).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Line {
    pub line: u32,
    pub target: Option<Target>,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub state: LineState,
    pub refund_id: Option<String>,
    pub error: Option<LineError>,
    /// Runs that could not reach the payment's object.
    #[serde(default)]
    pub tries: u8,
}

impl Line {
    fn ids(&self) -> (Option<&str>, Option<&str>) {
        match &self.target {
            Some(Target::Payment(p)) => (Some(p), None),
            Some(Target::Order(o)) => (None, Some(o)),
            None => (None, None),
        }
    }

    pub fn view(&self) -> Value {
        let (payment_id, order_id) = self.ids();
        json!({
            "line": self.line, "payment_id": payment_id, "order_id": order_id, "amount": self.amount,
            "currency": "BDT", "reason": self.reason, "status": self.state.as_str(), "refund_id": self.refund_id, "error": self.error,
        })
    }
}

/// How many lines are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: usize,
    pub invalid: usize,
    pub queued: usize,
    pub succeeded: usize,
    pub pending: usize,
    pub requires_manual: usize,
    pub failed: usize,
}

impl Counts {
    pub fn of(lines: &[Line]) -> Counts {
        let mut c = Counts {
            total: lines.len(),
            ..Counts::default()
        };
        for l in lines {
            *match l.state {
                LineState::Invalid => &mut c.invalid,
                LineState::Queued => &mut c.queued,
                LineState::Succeeded => &mut c.succeeded,
                LineState::Pending => &mut c.pending,
                LineState::RequiresManual => &mut c.requires_manual,
                LineState::Failed => &mut c.failed,
            } += 1;
        }
        c
    }
}

/// Which lines a read of the batch carries (`?lines=`): all (the default), none (the
/// summary alone, for polling a large batch), or those in one state (`?lines=failed`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineFilter {
    #[default]
    All,
    None,
    Only(LineState),
}

impl LineFilter {
    pub const STATES: [LineState; 6] = [
        LineState::Invalid,
        LineState::Queued,
        LineState::Succeeded,
        LineState::Pending,
        LineState::RequiresManual,
        LineState::Failed,
    ];

    pub fn parse(s: &str) -> Option<LineFilter> {
        match s {
            "all" => Some(LineFilter::All),
            "none" => Some(LineFilter::None),
            _ => Self::STATES
                .into_iter()
                .find(|st| st.as_str() == s)
                .map(LineFilter::Only),
        }
    }

    pub fn keeps(self, line: &Line) -> bool {
        match self {
            LineFilter::All => true,
            LineFilter::None => false,
            LineFilter::Only(s) => line.state == s,
        }
    }
}

/// The batch's summary: counts by state and the batch's own status (`completed` once no line
/// waits to run; pending lines settle later, as their refunds do).
pub fn summary(id: &str, created: &str, c: &Counts) -> Value {
    json!({
        "id": id,
        "object": "refund_batch",
        "status": if c.queued == 0 { "completed" } else { "processing" },
        "created_at": created,
        "total": c.total,
        "invalid": c.invalid,
        "queued": c.queued,
        "succeeded": c.succeeded,
        "failed": c.failed,
        "pending": c.pending,
        "requires_manual": c.requires_manual,
    })
}

/// One CSV cell, safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, tab
/// or CR would be read as a formula there, so it gets a leading `'` (shown as text); then it
/// is quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    let neutral = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The per-line results as CSV.
pub fn csv(lines: &[Line]) -> String {
    let mut out = String::from("line,payment_id,order_id,amount,reason,status,refund_id,error_code,error_message\n");
    for l in lines {
        let (p, o) = l.ids();
        let amount = l.amount.map(|a| a.to_string()).unwrap_or_default();
        let fields = [
            l.line.to_string(),
            p.unwrap_or_default().to_owned(),
            o.unwrap_or_default().to_owned(),
            amount,
            l.reason.clone().unwrap_or_default(),
            l.state.as_str().to_owned(),
            l.refund_id.clone().unwrap_or_default(),
            l.error.as_ref().map(|e| e.code.clone()).unwrap_or_default(),
            l.error.as_ref().map(|e| e.message.clone()).unwrap_or_default(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u32, state: LineState) -> Line {
        Line {
            line: n,
            target: Some(Target::Payment(format!("pay_{n}"))),
            amount: None,
            reason: None,
            state,
            refund_id: None,
            error: None,
            tries: 0,
        }
    }

    #[test]
    fn counts_cover_every_state_and_the_total() {
        let lines = [
            line(1, LineState::Invalid),
            line(2, LineState::Queued),
            line(3, LineState::Succeeded),
            line(4, LineState::Succeeded),
            line(5, LineState::Pending),
            line(6, LineState::RequiresManual),
            line(7, LineState::Failed),
        ];
        let c = Counts::of(&lines);
        assert_eq!(
            (
                c.total,
                c.invalid,
                c.queued,
                c.succeeded,
                c.pending,
                c.requires_manual,
                c.failed
            ),
            (7, 1, 1, 2, 1, 1, 1)
        );
        assert_eq!(summary("rb_x", "t", &c)["status"], "processing");
        assert_eq!(summary("rb_x", "t", &Counts::of(&lines[2..]))["status"], "completed");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_field("returned"), "returned");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("+8801711"), "'+8801711");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\t=1"), "'\t=1");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_field("a=b"), "a=b", "only the first character counts");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn the_report_neutralises_every_cell() {
        let mut l = line(1, LineState::Invalid);
        l.reason = Some("=HYPERLINK(\"http://x\",\"y\")".into());
        l.error = Some(LineError::new("invalid_request", "-bad"));
        let text = csv(&[l]);
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","), "{row}");
        assert!(row.ends_with(",'-bad"), "{row}");
        assert!(!row.contains(",="), "{row}");
    }

    #[test]
    fn line_filters_parse_every_state_and_nothing_else() {
        assert_eq!(LineFilter::parse("all"), Some(LineFilter::All));
        assert_eq!(LineFilter::parse("none"), Some(LineFilter::None));
        for s in LineFilter::STATES {
            assert_eq!(LineFilter::parse(s.as_str()), Some(LineFilter::Only(s)));
        }
        assert_eq!(LineFilter::parse("FAILED"), None);
        assert_eq!(LineFilter::parse(""), None);
        let failed = line(1, LineState::Failed);
        assert!(LineFilter::Only(LineState::Failed).keeps(&failed));
        assert!(!LineFilter::Only(LineState::Succeeded).keeps(&failed));
        assert!(!LineFilter::None.keeps(&failed));
    }
}
