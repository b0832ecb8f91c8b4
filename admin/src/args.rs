//! The command line, parsed by hand: nine commands, a few flags each. Pure, so every form is
//! a unit test. Secrets never come as arguments (they would sit in shell history and `ps`):
//! bKash's password and app secret come from the environment, Nagad's keys from files.

/// What the operator asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    CreateMerchant {
        name: String,
        /// A chosen id (`mer_…`); default: random.
        id: Option<String>,
    },
    ListMerchants,
    IssueKey {
        merchant: String,
        live: bool,
        read_only: bool,
        /// Dev deployments only: import this key instead of a random one.
        key: Option<String>,
    },
    RevokeKey {
        id: String,
    },
    SetCredentials {
        merchant: String,
        live: bool,
        provider: Provider,
    },
    ListCredentials {
        merchant: String,
    },
    RemoveCredentials {
        merchant: String,
        live: bool,
        provider: String,
    },
    /// Manual transfers: the mode and the numbers shoppers send to (a number left out is
    /// removed).
    SetManualTransfer {
        merchant: String,
        mode: String,
        bkash: Option<String>,
        nagad: Option<String>,
    },
    /// P1 alerts: the ops numbers that get an SMS (an empty list removes them).
    SetAlerts {
        merchant: String,
        sms: Vec<String>,
    },
    /// Finance: the statement URLs the nightly job fetches, and how Nagad settles.
    SetFinance {
        merchant: String,
        live: bool,
        bkash_statement_url: Option<String>,
        nagad_statement_url: Option<String>,
        nagad_settlement: String,
    },
}

/// Where a provider credential's values come from.
#[derive(Debug, PartialEq, Eq)]
pub enum Provider {
    /// `--username`, `--app-key`; `BKASH_PASSWORD` and `BKASH_APP_SECRET` from the environment.
    Bkash { username: String, app_key: String },
    /// `--merchant-id`; the keys from PEM (or bare base64 DER) files.
    Nagad {
        merchant_id: String,
        private_key_file: String,
        pg_public_key_file: String,
    },
}

pub const USAGE: &str = "usage:
  bdpay-admin merchants create --name NAME [--id mer_…]
  bdpay-admin merchants list
  bdpay-admin keys issue --merchant MER_ID --mode test|live [--read-only] [--key KEY (dev deployments only)]
  bdpay-admin keys revoke KEY_ID          (key_…, from keys issue or merchants list)
  bdpay-admin credentials set --merchant MER_ID --mode test|live --provider bkash --username U --app-key K
                                          (BKASH_PASSWORD and BKASH_APP_SECRET from the environment)
  bdpay-admin credentials set --merchant MER_ID --mode test|live --provider nagad --merchant-id 15DIGITS
                              --private-key-file MERCHANT_KEY.pem --pg-public-key-file NAGAD_PUBLIC.pem
  bdpay-admin credentials list --merchant MER_ID      (which are set; never their values)
  bdpay-admin credentials remove --merchant MER_ID --mode test|live --provider bkash|nagad
  bdpay-admin manual-transfer set --merchant MER_ID --mode off|fallback|always [--bkash 01…] [--nagad 01…]
                                          (the shop's own wallets shoppers send money to; one left out is removed)
  bdpay-admin alerts set --merchant MER_ID --sms 01…[,01…]   (P1 alerts by SMS; an empty --sms removes them)
  bdpay-admin finance set --merchant MER_ID --mode test|live [--bkash-statement-url URL] [--nagad-statement-url URL]
                          [--nagad-settlement standard|expedite]
                                          (URLs carry {date}; one left out is removed)
environment: BDPAY_ADMIN_TOKEN (required), BDPAY_EDGE_URL (default http://127.0.0.1:8787)";

/// The value after `flag`, if given.
fn flag<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// A required flag's value, or what `command` needs.
fn need(args: &[String], name: &str, command: &str) -> Result<String, String> {
    flag(args, name)
        .map(str::to_owned)
        .ok_or_else(|| format!("{command} needs {name}"))
}

/// `--mode test|live` → live?
fn live(args: &[String], command: &str) -> Result<bool, String> {
    match flag(args, "--mode") {
        Some("test") => Ok(false),
        Some("live") => Ok(true),
        _ => Err(format!("{command} needs --mode test or --mode live")),
    }
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["merchants", "create", ..] => Ok(Command::CreateMerchant {
            name: need(args, "--name", "merchants create")?,
            id: flag(args, "--id").map(str::to_owned),
        }),
        ["merchants", "list"] => Ok(Command::ListMerchants),
        ["keys", "issue", ..] => Ok(Command::IssueKey {
            merchant: need(args, "--merchant", "keys issue")?,
            live: live(args, "keys issue")?,
            read_only: words.contains(&"--read-only"),
            key: flag(args, "--key").map(str::to_owned),
        }),
        ["keys", "revoke", id] => Ok(Command::RevokeKey { id: (*id).to_owned() }),
        ["credentials", "set", ..] => {
            let c = "credentials set";
            let provider = match flag(args, "--provider") {
                Some("bkash") => Provider::Bkash {
                    username: need(args, "--username", c)?,
                    app_key: need(args, "--app-key", c)?,
                },
                Some("nagad") => Provider::Nagad {
                    merchant_id: need(args, "--merchant-id", c)?,
                    private_key_file: need(args, "--private-key-file", c)?,
                    pg_public_key_file: need(args, "--pg-public-key-file", c)?,
                },
                _ => return Err("credentials set needs --provider bkash or --provider nagad".into()),
            };
            Ok(Command::SetCredentials {
                merchant: need(args, "--merchant", c)?,
                live: live(args, c)?,
                provider,
            })
        }
        ["credentials", "list", ..] => Ok(Command::ListCredentials {
            merchant: need(args, "--merchant", "credentials list")?,
        }),
        ["credentials", "remove", ..] => Ok(Command::RemoveCredentials {
            merchant: need(args, "--merchant", "credentials remove")?,
            live: live(args, "credentials remove")?,
            provider: need(args, "--provider", "credentials remove")?,
        }),
        ["manual-transfer", "set", ..] => {
            let c = "manual-transfer set";
            let mode = match flag(args, "--mode") {
                Some(m @ ("off" | "fallback" | "always")) => m.to_owned(),
                _ => return Err(format!("{c} needs --mode off, fallback or always")),
            };
            let bkash = flag(args, "--bkash").map(str::to_owned);
            let nagad = flag(args, "--nagad").map(str::to_owned);
            if mode != "off" && bkash.is_none() && nagad.is_none() {
                return Err(format!(
                    "{c} --mode {mode} needs --bkash or --nagad (a number to send to)"
                ));
            }
            Ok(Command::SetManualTransfer {
                merchant: need(args, "--merchant", c)?,
                mode,
                bkash,
                nagad,
            })
        }
        ["finance", "set", ..] => {
            let c = "finance set";
            let nagad_settlement = match flag(args, "--nagad-settlement") {
                None => "standard".to_owned(),
                Some(s @ ("standard" | "expedite")) => s.to_owned(),
                Some(_) => return Err(format!("{c} --nagad-settlement must be standard or expedite")),
            };
            Ok(Command::SetFinance {
                merchant: need(args, "--merchant", c)?,
                live: live(args, c)?,
                bkash_statement_url: flag(args, "--bkash-statement-url").map(str::to_owned),
                nagad_statement_url: flag(args, "--nagad-statement-url").map(str::to_owned),
                nagad_settlement,
            })
        }
        ["alerts", "set", ..] => Ok(Command::SetAlerts {
            merchant: need(args, "--merchant", "alerts set")?,
            sms: need(args, "--sms", "alerts set")?
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
        }),
        _ => Err(USAGE.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_command_parses() {
        assert_eq!(
            parse(&args("merchants create --name Shop")),
            Ok(Command::CreateMerchant {
                name: "Shop".into(),
                id: None
            })
        );
        assert_eq!(parse(&args("merchants list")), Ok(Command::ListMerchants));
        assert_eq!(
            parse(&args("keys issue --merchant mer_1 --mode live --read-only")),
            Ok(Command::IssueKey {
                merchant: "mer_1".into(),
                live: true,
                read_only: true,
                key: None
            })
        );
        assert_eq!(
            parse(&args("merchants create --name Demo --id mer_demo")),
            Ok(Command::CreateMerchant {
                name: "Demo".into(),
                id: Some("mer_demo".into())
            })
        );
        assert_eq!(
            parse(&args(
                "credentials set --merchant mer_1 --mode live --provider bkash --username u --app-key k"
            )),
            Ok(Command::SetCredentials {
                merchant: "mer_1".into(),
                live: true,
                provider: Provider::Bkash {
                    username: "u".into(),
                    app_key: "k".into()
                }
            })
        );
        assert_eq!(
            parse(&args(
                "credentials set --provider nagad --merchant mer_1 --mode test --merchant-id 683002007104225 \
                 --private-key-file m.pem --pg-public-key-file g.pem"
            )),
            Ok(Command::SetCredentials {
                merchant: "mer_1".into(),
                live: false,
                provider: Provider::Nagad {
                    merchant_id: "683002007104225".into(),
                    private_key_file: "m.pem".into(),
                    pg_public_key_file: "g.pem".into()
                }
            })
        );
        assert_eq!(
            parse(&args("alerts set --merchant mer_1 --sms 01911000001,01711000002")),
            Ok(Command::SetAlerts {
                merchant: "mer_1".into(),
                sms: vec!["01911000001".into(), "01711000002".into()]
            })
        );
        assert_eq!(
            parse(&args(
                "credentials remove --merchant mer_1 --mode test --provider nagad"
            )),
            Ok(Command::RemoveCredentials {
                merchant: "mer_1".into(),
                live: false,
                provider: "nagad".into()
            })
        );
        assert_eq!(
            parse(&args(
                "manual-transfer set --merchant mer_1 --bkash 01929918378 --mode fallback"
            )),
            Ok(Command::SetManualTransfer {
                merchant: "mer_1".into(),
                mode: "fallback".into(),
                bkash: Some("01929918378".into()),
                nagad: None
            })
        );
        assert_eq!(
            parse(&args("manual-transfer set --merchant mer_1 --mode off")),
            Ok(Command::SetManualTransfer {
                merchant: "mer_1".into(),
                mode: "off".into(),
                bkash: None,
                nagad: None
            })
        );
        assert_eq!(
            parse(&args("keys revoke key_0123456789abcdef")),
            Ok(Command::RevokeKey {
                id: "key_0123456789abcdef".into()
            })
        );
    }

    #[test]
    fn missing_or_wrong_flags_say_what_is_needed() {
        assert!(parse(&args("keys issue --merchant mer_1"))
            .unwrap_err()
            .contains("--mode"));
        assert!(parse(&args("keys issue --mode prod --merchant m"))
            .unwrap_err()
            .contains("--mode"));
        assert!(parse(&args("merchants create")).unwrap_err().contains("--name"));
        assert!(parse(&args(
            "credentials set --merchant m --mode test --provider bkash --username u"
        ))
        .unwrap_err()
        .contains("--app-key"));
        assert!(parse(&args("credentials set --merchant m --mode test"))
            .unwrap_err()
            .contains("--provider"));
        assert!(parse(&args("alerts set --merchant m")).unwrap_err().contains("--sms"));
        assert_eq!(
            parse(&args("finance set --merchant mer_1 --mode test --bkash-statement-url http://s/{date} --nagad-settlement expedite")),
            Ok(Command::SetFinance {
                merchant: "mer_1".into(),
                live: false,
                bkash_statement_url: Some("http://s/{date}".into()),
                nagad_statement_url: None,
                nagad_settlement: "expedite".into(),
            })
        );
        assert!(
            parse(&args("finance set --merchant m --mode test --nagad-settlement fast"))
                .unwrap_err()
                .contains("standard or expedite")
        );
        assert!(parse(&args("manual-transfer set --merchant m --mode sometimes"))
            .unwrap_err()
            .contains("--mode"));
        assert!(parse(&args("manual-transfer set --merchant m --mode always"))
            .unwrap_err()
            .contains("--bkash or --nagad"));
        assert!(parse(&args("manual-transfer set --mode off"))
            .unwrap_err()
            .contains("--merchant"));
        assert_eq!(parse(&args("")), Err(USAGE.into()));
    }
}
