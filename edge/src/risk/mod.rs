//! Risk, promotions, grey release and compliance at the edge (docs/risk.md): a merchant's
//! checkout settings, the history the rules count, the shared blocklist, where a request came
//! from, and the step-up code's SMS. The rules themselves are pure, in `bdpay_shared::risk`;
//! the payment object applies them at confirm (`payment::risk_gate`).

pub mod blocklist;
pub mod cohorts;
pub mod geo;
pub mod history;
pub mod settings;
pub mod step_up;
