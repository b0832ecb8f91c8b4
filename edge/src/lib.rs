//! bdpay edge worker (placeholder while the foundation is laid).
