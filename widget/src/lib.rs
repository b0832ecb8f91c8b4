//! bdpay checkout widget (placeholder while the foundation is laid).
