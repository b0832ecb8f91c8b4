//! bKash's webhook through Amazon SNS (PROVIDERS.md A.13): checked before anything is trusted.
