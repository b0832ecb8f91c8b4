//! The demo shop's server side (dev only): it turns a cart into a payment with the demo
//! merchant, as a merchant's own server would with `sk_test_demo`.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::OrderId;
use bdpay_shared::money::Money;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth::Merchant;
use crate::body;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::providers::Mode;
use crate::routes::payments::{self, CreateBody};

/// The demo catalogue: (id, price in poisha).
const PRODUCTS: [(&str, i64); 3] = [("tshirt", 65_000), ("mug", 35_000), ("kantha", 125_000)];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cart {
    product: String,
    quantity: u8,
    #[serde(default)]
    #[allow(dead_code)]
    lang: Option<String>,
}

/// `POST /demo/checkout`
pub async fn checkout(mut req: Request, env: &Env) -> EdgeResult<Response> {
    if !crate::deployment::Deployment::from_env(env).is_dev() {
        return Err(EdgeError::not_found());
    }
    let cart: Cart = body::json(&mut req).await?;
    let price = PRODUCTS
        .iter()
        .find(|(id, _)| *id == cart.product)
        .map(|(_, p)| *p)
        .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "product is not in the demo catalogue"))?;
    if !(1..=5).contains(&cart.quantity) {
        return Err(EdgeError::invalid(ErrorCode::InvalidRequest, "quantity must be 1 to 5"));
    }
    let amount =
        Money::from_poisha(price * i64::from(cart.quantity)).map_err(|_| EdgeError::internal("demo amount"))?;
    let config = EdgeConfig::from_env(env)?;
    let order = OrderId::parse(&format!("DEMO-{}", now_ms())).map_err(|_| EdgeError::internal("demo order id"))?;
    let merchant = Merchant {
        id: "mer_demo".into(),
        name: "Demo Shop".into(),
        mode: Mode::Test,
        read_only: false,
    };
    let return_url = format!("{}/thanks.html", config.public_origin);
    let input = CreateBody {
        order_id: order,
        amount,
        customer_phone: None,
        return_url: Some(return_url.clone()),
        metadata: None,
        currency: None,
        allow_failover: None,
    };
    let (record, secret) = payments::create(env, &merchant, input).await?;
    Ok(http::json(
        200,
        &json!({
            "payment_id": record.id, "client_secret": secret.expose(), "amount": record.amount,
            "order_id": record.order_id, "return_url": return_url,
        }),
    ))
}
