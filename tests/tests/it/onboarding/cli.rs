//! `bdpay-admin` itself, as an operator runs it: a merchant onboarded from the shell with its
//! own bKash and Nagad credentials, which steer its payments and never come back out.
//! The binary is `target/release/bdpay-admin` (`make build`), or `BDPAY_ADMIN_BIN`.

use std::process::Command;

use bdpay_tests::{Stack, ADMIN_TOKEN};
use serde_json::{json, Value};

fn admin_bin() -> String {
    std::env::var("BDPAY_ADMIN_BIN")
        .unwrap_or_else(|_| format!("{}/../target/release/bdpay-admin", env!("CARGO_MANIFEST_DIR")))
}

/// Runs `bdpay-admin ARGS` with the TEST admin token: (exit ok, stdout as JSON, stderr).
fn admin(s: &Stack, args: &[&str], env: &[(&str, &str)]) -> (bool, Value, String) {
    let out = Command::new(admin_bin())
        .args(args)
        .env("BDPAY_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("BDPAY_EDGE_URL", s.edge_url(""))
        .env_remove("BKASH_PASSWORD")
        .env_remove("BKASH_APP_SECRET")
        .envs(env.iter().copied())
        .output()
        .expect("bdpay-admin runs (make build builds it)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (
        out.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr,
    )
}

// The sandbox's second bKash merchant (TEST ONLY; tests/sandbox/src/bkash/choices.rs
// SECOND_*): not the deployment's account, so a payment that lands there can only have used
// the merchant's own credential.
const BKASH_USERNAME: &str = "testOnlyTokenizedUser03";
const BKASH_PASSWORD: &str = "testOnlyTokenizedUser03@12345";
const BKASH_APP_KEY: &str = "testonly0second0appkey0003";
const BKASH_APP_SECRET: &str = "testonly0second0appsecret0not0issued0by0bkash000003";

/// A new payment of the merchant's, confirmed at `provider`: (status, body).
async fn pay(s: &Stack, key: &str, provider: &str) -> (u16, Value) {
    let order = Stack::order_id("cli");
    let (status, p) = s
        .call(
            reqwest::Method::POST,
            key,
            "/v1/payments",
            Some(json!({ "order_id": order, "amount": "25.00" })),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let created = bdpay_tests::Created {
        id: p["id"].as_str().unwrap().to_owned(),
        client_secret: p["client_secret"].as_str().unwrap().to_owned(),
        body: p,
    };
    s.confirm(&created, Some(provider)).await
}

#[tokio::test]
async fn an_operator_onboards_a_shop_with_its_own_wallet_credentials_which_never_come_back() {
    let s = Stack::from_env();
    let (ok, m, err) = admin(&s, &["merchants", "create", "--name", "CLI Shop"], &[]);
    assert!(ok, "{err}");
    let merchant = m["id"].as_str().unwrap().to_owned();
    let (ok, k, err) = admin(&s, &["keys", "issue", "--merchant", &merchant, "--mode", "test"], &[]);
    assert!(ok, "{err}");
    let key = k["key"].as_str().unwrap().to_owned();
    let set_bkash = |password: &'static str| [("BKASH_PASSWORD", password), ("BKASH_APP_SECRET", BKASH_APP_SECRET)];
    let bkash_args = [
        "credentials",
        "set",
        "--merchant",
        &merchant,
        "--mode",
        "test",
        "--provider",
        "bkash",
        "--username",
        BKASH_USERNAME,
        "--app-key",
        BKASH_APP_KEY,
    ];
    // No password in the environment: refused before anything is sent.
    let (ok, _, err) = admin(&s, &bkash_args, &[]);
    assert!(!ok && err.contains("BKASH_PASSWORD"), "{err}");

    // A wrong password is the merchant's own: its bKash payments fail at the grant, while the
    // deployment's (the demo merchant's) credentials are never used in its place.
    let (ok, c, err) = admin(&s, &bkash_args, &set_bkash("wrong-password-TEST"));
    assert!(ok, "{err}");
    assert_eq!(
        (c["provider"].as_str(), c["account"].as_str()),
        (Some("bkash"), Some(BKASH_USERNAME))
    );
    let (status, e) = pay(&s, &key, "bkash").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (502, Some("provider_config_error")),
        "{e}"
    );

    // The right one: the next payment is created in the merchant's own bKash account.
    let (ok, _, err) = admin(&s, &bkash_args, &set_bkash(BKASH_PASSWORD));
    assert!(ok, "{err}");
    let (status, confirmed) = pay(&s, &key, "bkash").await;
    assert_eq!(status, 200, "{confirmed}");
    let reference = bdpay_tests::bkash_reference(&confirmed);
    let at_bkash: Value = bdpay_tests::client()
        .get(s.sandbox_url(&format!("/__control/bkash/payments/{reference}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(at_bkash["merchant"], BKASH_USERNAME, "{at_bkash}");

    // Nagad: keys are checked as RSA keys when set.
    let keys = format!("{}/sandbox/test-keys", env!("CARGO_MANIFEST_DIR"));
    let (private, public) = (
        format!("{keys}/nagad-merchant.key.pem"),
        format!("{keys}/nagad-gateway.pub.pem"),
    );
    let nagad = |private: &str, public: &str| {
        let args: Vec<String> = [
            "credentials",
            "set",
            "--merchant",
            &merchant,
            "--mode",
            "test",
            "--provider",
            "nagad",
            "--merchant-id",
            "683002007104225",
            "--private-key-file",
            private,
            "--pg-public-key-file",
            public,
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
        args
    };
    let swapped = nagad(&public, &private);
    let swapped: Vec<&str> = swapped.iter().map(String::as_str).collect();
    let (ok, _, err) = admin(&s, &swapped, &[]);
    assert!(
        !ok && err.contains("400") && err.contains("merchant_private_key"),
        "{err}"
    );
    let right = nagad(&private, &public);
    let right: Vec<&str> = right.iter().map(String::as_str).collect();
    let (ok, _, err) = admin(&s, &right, &[]);
    assert!(ok, "{err}");
    let (status, confirmed) = pay(&s, &key, "nagad").await;
    assert_eq!(status, 200, "{confirmed}");

    // Listed by account part only: no secret, no key material, in any answer.
    let (ok, listed, err) = admin(&s, &["credentials", "list", "--merchant", &merchant], &[]);
    assert!(ok, "{err}");
    let text = listed.to_string();
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2), "{text}");
    let private_pem = std::fs::read_to_string(&private).unwrap();
    let body_line = private_pem.lines().nth(1).unwrap();
    for secret in [BKASH_PASSWORD, BKASH_APP_SECRET, "wrong-password-TEST", body_line] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(
        text.contains("683002007104225") && text.contains(BKASH_USERNAME),
        "{text}"
    );

    // Removed: the merchant has no bKash of its own in test mode any more (the deployment's applies).
    let remove = [
        "credentials",
        "remove",
        "--merchant",
        &merchant,
        "--mode",
        "test",
        "--provider",
        "bkash",
    ];
    let (ok, _, err) = admin(&s, &remove, &[]);
    assert!(ok, "{err}");
    let (ok, _, err) = admin(&s, &remove, &[]);
    assert!(!ok && err.contains("404"), "{err}");
    let (_, listed, _) = admin(&s, &["credentials", "list", "--merchant", &merchant], &[]);
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");

    // Not the operator: nothing.
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &key,
            &format!("/admin/merchants/{merchant}/credentials"),
            None,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_chosen_id_or_key_that_is_taken_is_a_409_and_bad_ones_a_400() {
    let s = Stack::from_env();
    let (ok, _, err) = admin(&s, &["merchants", "create", "--name", "Again", "--id", "mer_demo"], &[]);
    assert!(!ok && err.contains("409") && err.contains("already_exists"), "{err}");
    let (ok, _, err) = admin(&s, &["merchants", "create", "--name", "Bad", "--id", "shop-1"], &[]);
    assert!(!ok && err.contains("400"), "{err}");
    let demo_key = [
        "keys",
        "issue",
        "--merchant",
        "mer_demo",
        "--mode",
        "test",
        "--key",
        "sk_test_demo",
    ];
    let (ok, _, err) = admin(&s, &demo_key, &[]);
    assert!(!ok && err.contains("409"), "{err}");
    let wrong_mode = [
        "keys",
        "issue",
        "--merchant",
        "mer_demo",
        "--mode",
        "live",
        "--key",
        "sk_test_other",
    ];
    let (ok, _, err) = admin(&s, &wrong_mode, &[]);
    assert!(!ok && err.contains("400"), "{err}");
}
