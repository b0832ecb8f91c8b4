//! `bdpay-sandbox`: run the provider sandbox on a local port.
//!
//! `cargo run -p bdpay-sandbox --release -- --port 8790 [--bkash-webhook-url URL] [--nagad-ipn-url URL]`

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bdpay_sandbox::Config;
use clap::Parser;

#[derive(Parser)]
#[command(about = "bKash and Nagad merchant APIs, locally (test keys only)")]
struct Args {
    #[arg(long, env = "BDPAY_SANDBOX_PORT", default_value_t = 8790)]
    port: u16,
    #[arg(long, env = "BDPAY_SANDBOX_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Origin shoppers' browsers reach the sandbox at (default http://HOST:PORT).
    #[arg(long, env = "BDPAY_SANDBOX_PUBLIC_ORIGIN")]
    public_origin: Option<String>,
    /// Where bKash SNS notifications are POSTed.
    #[arg(long, env = "BDPAY_SANDBOX_BKASH_WEBHOOK_URL")]
    bkash_webhook_url: Option<String>,
    /// Where the Nagad server-to-server hint is sent.
    #[arg(long, env = "BDPAY_SANDBOX_NAGAD_IPN_URL")]
    nagad_ipn_url: Option<String>,
    /// bKash id_token lifetime in seconds (tests shorten it).
    #[arg(long, env = "BDPAY_SANDBOX_BKASH_TOKEN_TTL", default_value_t = 3600)]
    bkash_token_ttl: u64,
    /// bKash token calls (grant + refresh) allowed per rolling hour before 429.
    #[arg(long, env = "BDPAY_SANDBOX_BKASH_TOKEN_BUDGET", default_value_t = 10)]
    bkash_token_budget: u32,
    /// Seconds a hang lasts (default 35: past the 30 s client timeout).
    #[arg(long, env = "BDPAY_SANDBOX_HANG_SECS", default_value_t = 35)]
    hang_secs: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let addr = SocketAddr::new(args.host, args.port);
    let mut config = Config::new(args.public_origin.unwrap_or_else(|| format!("http://{addr}")));
    config.bkash_webhook_url = args.bkash_webhook_url;
    config.nagad_ipn_url = args.nagad_ipn_url;
    config.bkash_token_ttl = Duration::from_secs(args.bkash_token_ttl);
    config.bkash_token_budget = args.bkash_token_budget;
    config.hang = Duration::from_secs(args.hang_secs);
    match bdpay_sandbox::spawn(config, addr).await {
        Ok((bound, _)) => {
            println!("{{\"msg\":\"bdpay-sandbox listening\",\"addr\":\"http://{bound}\"}}");
            let _ = tokio::signal::ctrl_c().await;
        }
        Err(e) => {
            eprintln!("bdpay-sandbox: {e}");
            std::process::exit(1);
        }
    }
}
