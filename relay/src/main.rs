//! `bdpay-relay`: run the Nagad egress relay on a host whose fixed IP Nagad has whitelisted.
//!
//! `BDPAY_RELAY_KEY=… bdpay-relay --listen 127.0.0.1:8791 --nagad-base-url https://api.mynagad.com/api/dfs`

use std::net::SocketAddr;
use std::process::ExitCode;

use bdpay_relay::Config;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Forwards bdpay's signed Nagad calls from this host's fixed IP (key: env BDPAY_RELAY_KEY)")]
struct Args {
    /// Address to listen on (plain HTTP: keep it behind a TLS terminator or on a private link).
    #[arg(long, env = "BDPAY_RELAY_LISTEN", default_value = "127.0.0.1:8791")]
    listen: SocketAddr,
    /// The Nagad API base calls may go to, e.g. https://api.mynagad.com/api/dfs.
    #[arg(long, env = "BDPAY_RELAY_NAGAD_BASE_URL")]
    nagad_base_url: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // The key comes from the environment only: a flag would show in `ps` and shell history.
    let key = std::env::var("BDPAY_RELAY_KEY").unwrap_or_default().into_bytes();
    let config = match Config::new(&args.nagad_base_url, key) {
        Ok(config) => config,
        Err(why) => {
            eprintln!("bdpay-relay: {why}");
            return ExitCode::from(2);
        }
    };
    println!(
        "bdpay-relay listening on {} for {}",
        args.listen,
        args.nagad_base_url.trim()
    );
    match bdpay_relay::serve(config, args.listen).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bdpay-relay: {why}");
            ExitCode::FAILURE
        }
    }
}
