//! The command line, parsed by hand: four commands, a few flags (`--name`, `--merchant`,
//! `--mode`, `--read-only`). Pure, so every form is a unit test.

/// What the operator asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    CreateMerchant {
        name: String,
    },
    ListMerchants,
    IssueKey {
        merchant: String,
        live: bool,
        read_only: bool,
    },
    RevokeKey {
        id: String,
    },
}

pub const USAGE: &str = "usage:
  bdpay-admin merchants create --name NAME
  bdpay-admin merchants list
  bdpay-admin keys issue --merchant MER_ID --mode test|live [--read-only]
  bdpay-admin keys revoke KEY_ID          (key_…, from keys issue or merchants list)
environment: BDPAY_ADMIN_TOKEN (required), BDPAY_EDGE_URL (default http://127.0.0.1:8787)";

/// The value after `flag`, if given.
fn flag<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["merchants", "create", ..] => {
            let name = flag(args, "--name").ok_or("merchants create needs --name NAME")?;
            Ok(Command::CreateMerchant { name: name.to_owned() })
        }
        ["merchants", "list"] => Ok(Command::ListMerchants),
        ["keys", "issue", ..] => {
            let merchant = flag(args, "--merchant").ok_or("keys issue needs --merchant MER_ID")?;
            let live = match flag(args, "--mode") {
                Some("test") => false,
                Some("live") => true,
                _ => return Err("keys issue needs --mode test or --mode live".into()),
            };
            Ok(Command::IssueKey {
                merchant: merchant.to_owned(),
                live,
                read_only: words.contains(&"--read-only"),
            })
        }
        ["keys", "revoke", id] => Ok(Command::RevokeKey { id: (*id).to_owned() }),
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
            Ok(Command::CreateMerchant { name: "Shop".into() })
        );
        assert_eq!(parse(&args("merchants list")), Ok(Command::ListMerchants));
        assert_eq!(
            parse(&args("keys issue --merchant mer_1 --mode live --read-only")),
            Ok(Command::IssueKey {
                merchant: "mer_1".into(),
                live: true,
                read_only: true
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
        assert_eq!(parse(&args("")), Err(USAGE.into()));
    }
}
