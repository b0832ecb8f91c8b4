//! Where a shopper's request came from, for the `geography` and `abroad` rules.
//!
//! In production: Cloudflare's own reading of the request (`request.cf`: country, region
//! code, region). `wrangler dev` runs offline and makes those up (it reports the US), so a
//! dev deployment never reads them: it takes the header `BdPay-Test-Geo` (`BD-C` is Dhaka
//! division, `BD-B` Chattogram, `BD`, `JP`…) when a test sends one, else the variable
//! `BDPAY_GEO_STAND_IN`, else "unknown". Production never reads the header.

use serde::{Deserialize, Serialize};
use worker::{Env, Request};

use bdpay_shared::risk::Location;

use crate::deployment::Deployment;

/// The header a dev deployment takes as the request's place.
pub const TEST_HEADER: &str = "bdpay-test-geo";

/// The request's place as read at the route, carried to the payment's object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geo {
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// A dev deployment's stand-in (`BD-C`), read instead of the three above.
    #[serde(default)]
    pub stand_in: Option<String>,
}

impl Geo {
    pub fn of(req: &Request, env: &Env) -> Geo {
        if Deployment::from_env(env).is_dev() {
            let header = req.headers().get(TEST_HEADER).ok().flatten();
            let var = env.var("BDPAY_GEO_STAND_IN").ok().map(|v| v.to_string());
            let short = |s: String| s.chars().take(8).collect::<String>();
            return Geo {
                stand_in: header.or(var).filter(|s| !s.is_empty()).map(short),
                ..Geo::default()
            };
        }
        let short = |s: String| s.chars().take(40).collect::<String>();
        match req.cf() {
            Some(cf) => Geo {
                country: cf.country().map(short),
                region_code: cf.region_code().map(short),
                region: cf.region().map(short),
                stand_in: None,
            },
            None => Geo::default(),
        }
    }

    pub fn location(&self) -> Location {
        match &self.stand_in {
            Some(s) => Location::from_stand_in(s).unwrap_or(Location::Unknown),
            None => Location::from_cf(
                self.country.as_deref(),
                self.region_code.as_deref(),
                self.region.as_deref(),
            ),
        }
    }
}
