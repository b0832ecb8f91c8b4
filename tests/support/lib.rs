//! Helpers shared by the integration tests and benches (placeholder).
