//! The integration test binary (placeholder).
