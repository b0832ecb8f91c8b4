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
    /// The refund's outcome (as its payment's object said when the line ran).
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
            "reason": self.reason, "status": self.state.as_str(), "refund_id": self.refund_id, "error": self.error,
        })
    }
}

/// Counts by state, and the batch's own status.
pub fn summary(id: &str, created: &str, lines: &[Line]) -> Value {
    let count = |s: LineState| lines.iter().filter(|l| l.state == s).count();
    let queued = count(LineState::Queued);
    json!({
        "id": id,
        "object": "refund_batch",
        "status": if queued == 0 { "completed" } else { "processing" },
        "created_at": created,
        "total": lines.len(),
        "invalid": count(LineState::Invalid),
        "queued": queued,
        "succeeded": count(LineState::Succeeded),
        "failed": count(LineState::Failed),
        "pending": count(LineState::Pending),
        "requires_manual": count(LineState::RequiresManual),
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
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
