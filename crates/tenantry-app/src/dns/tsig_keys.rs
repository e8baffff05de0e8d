//! TSIG keys (RFC 8945) that sign zone transfers between the name server and its
//! secondaries. The server makes each secret and shows it once, to be written into the
//! secondaries' configuration; the store holds it sealed with the master key, like the TOTP
//! seeds. Platform configuration: operators only.

use data_encoding::BASE64;
use tenantry_core::dns::ZoneName;
use tenantry_store::dns_transfers::{self, TsigKey};
use tenantry_store::{StoreError, Unique};
use time::OffsetDateTime;

use crate::app::App;
use crate::error::{AppError, Code, Result};
use crate::operators::OperatorActor;
use crate::secrets::random_bytes;

/// The HMACs a key may use, as TSIG names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsigAlgorithm {
    HmacSha256,
    HmacSha512,
}

impl TsigAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            TsigAlgorithm::HmacSha256 => "hmac-sha256",
            TsigAlgorithm::HmacSha512 => "hmac-sha512",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "hmac-sha256" => Some(TsigAlgorithm::HmacSha256),
            "hmac-sha512" => Some(TsigAlgorithm::HmacSha512),
            _ => None,
        }
    }

    /// The secret's length: the HMAC's output (RFC 2104's advice).
    fn secret_len(self) -> usize {
        match self {
            TsigAlgorithm::HmacSha256 => 32,
            TsigAlgorithm::HmacSha512 => 64,
        }
    }
}

/// A key as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsigKeyInfo {
    pub name: String,
    pub algorithm: TsigAlgorithm,
    pub created_on: OffsetDateTime,
}

/// A key as made: its secret (base64), shown this once. No `Debug`: it would print it.
#[derive(Clone)]
pub struct TsigKeyIssued {
    pub key: TsigKeyInfo,
    pub secret: String,
}

/// A key as the name server holds it, to verify and sign.
#[derive(Clone)]
pub struct TsigSecret {
    pub name: String,
    pub algorithm: TsigAlgorithm,
    pub secret: Vec<u8>,
}

fn info(key: &TsigKey) -> Result<TsigKeyInfo> {
    Ok(TsigKeyInfo {
        name: key.name.clone(),
        algorithm: TsigAlgorithm::parse(&key.algorithm).ok_or_else(|| {
            AppError::from(StoreError::Corrupt(format!(
                "unknown TSIG algorithm {:?}",
                key.algorithm
            )))
        })?,
        created_on: key.created_on,
    })
}

impl App {
    pub async fn dns_tsig_key_create(
        &self,
        _operator: &OperatorActor,
        name: &ZoneName,
        algorithm: TsigAlgorithm,
    ) -> Result<TsigKeyIssued> {
        let secret = &random_bytes::<64>()[..algorithm.secret_len()];
        let key = TsigKey {
            name: name.as_str().to_owned(),
            algorithm: algorithm.as_str().to_owned(),
            secret_sealed: self.secret_box.seal(secret),
            created_on: self.clock.now(),
        };
        let mut tx = self.db.begin().await?;
        match dns_transfers::insert_tsig_key(&mut tx, &key).await {
            Err(StoreError::UniqueViolation(Unique::TsigKeyName)) => {
                return Err(AppError::AlreadyExists(
                    Code::TsigKeyExists,
                    format!("A TSIG key is named {name} already"),
                ));
            }
            other => other?,
        }
        tx.commit().await?;
        Ok(TsigKeyIssued {
            key: info(&key)?,
            secret: BASE64.encode(secret),
        })
    }

    pub async fn dns_tsig_key_list(&self, _operator: &OperatorActor) -> Result<Vec<TsigKeyInfo>> {
        let mut tx = self.db.read().await?;
        dns_transfers::tsig_keys(&mut tx)
            .await?
            .iter()
            .map(info)
            .collect()
    }

    /// Removes a key no secondary names any more.
    pub async fn dns_tsig_key_delete(
        &self,
        _operator: &OperatorActor,
        name: &ZoneName,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if dns_transfers::secondaries_using(&mut tx, name.as_str()).await? > 0 {
            return Err(AppError::Conflict(
                Code::TsigKeyInUse,
                format!("A secondary still signs its transfers with {name}; remove it first"),
            ));
        }
        if !dns_transfers::delete_tsig_key(&mut tx, name.as_str()).await? {
            return Err(AppError::not_found(
                crate::error::NotFoundKind::TsigKey,
                name.as_str(),
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every key with its secret, for the name server, read as the platform. A key whose
    /// secret the master key cannot open (a different key was configured), or whose algorithm
    /// is unknown, is left out and logged: transfers signed with it are refused.
    pub async fn dns_tsig_keys(&self) -> Result<Vec<TsigSecret>> {
        let mut tx = self.db.read().await?;
        let mut keys = Vec::new();
        for key in dns_transfers::tsig_keys(&mut tx).await? {
            let Some(secret) = self.secret_box.open(&key.secret_sealed) else {
                tracing::error!(key = %key.name, "a TSIG key's secret cannot be opened with this master key");
                continue;
            };
            // One bad row must not stop the name server from loading zones.
            let Ok(shown) = info(&key) else {
                tracing::error!(key = %key.name, "a TSIG key has an unknown algorithm");
                continue;
            };
            keys.push(TsigSecret {
                algorithm: shown.algorithm,
                name: key.name,
                secret,
            });
        }
        Ok(keys)
    }
}
