//! The one integration-test binary: the real worker in `wrangler dev` (local D1, Durable
//! Objects, KV) against the provider sandbox, driven over HTTP. Started by `make test`.

mod foundation;
