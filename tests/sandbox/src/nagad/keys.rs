//! The sandbox's Nagad keys: the gateway's private key and each registered merchant's public
//! key (B.3), read once from `Config::keys_dir` at start.

use std::path::Path;

use bdpay_shared::crypto::{parse_private_key, parse_public_key, RsaPrivateKey, RsaPublicKey};

use super::choices::{Merchant, GATEWAY_KEY_FILE, MERCHANTS};

pub struct Keys {
    gateway: RsaPrivateKey,
    merchants: Vec<(&'static Merchant, RsaPublicKey)>,
}

fn read(dir: &Path, file: &str) -> Result<String, String> {
    let path = dir.join(file);
    std::fs::read_to_string(&path).map_err(|e| format!("nagad: cannot read {}: {e}", path.display()))
}

impl Keys {
    pub fn load(dir: &Path) -> Result<Keys, String> {
        let gateway =
            parse_private_key(&read(dir, GATEWAY_KEY_FILE)?).map_err(|e| format!("nagad: {GATEWAY_KEY_FILE}: {e}"))?;
        let merchants = MERCHANTS
            .iter()
            .map(|m| {
                let key = parse_public_key(&read(dir, m.public_key_file)?)
                    .map_err(|e| format!("nagad: {}: {e}", m.public_key_file))?;
                Ok((m, key))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Keys { gateway, merchants })
    }

    /// Our PG private key: decrypts requests, signs replies.
    pub fn gateway(&self) -> &RsaPrivateKey {
        &self.gateway
    }

    /// A registered merchant and its uploaded public key.
    pub fn merchant(&self, id: &str) -> Option<(&'static Merchant, &RsaPublicKey)> {
        self.merchants.iter().find(|(m, _)| m.id == id).map(|(m, k)| (*m, k))
    }
}
