//! The secondary name servers an operator lets transfer zones (AXFR, IXFR) from the
//! platform's name server, for every organization or for one, each from a network and
//! optionally sent NOTIFY after each change. They are the platform's configuration, so only
//! operators read and change them.

use std::net::SocketAddr;

use tenantry_core::dns::ZoneName;
use tenantry_core::values::IpNetwork;
use tenantry_core::{OrganizationId, SecondaryId, ZoneId};
use tenantry_store::dns_transfers::{self, JournalEntry, Secondary};
use tenantry_store::organizations;

use crate::app::App;
use crate::error::{AppError, NotFoundKind, Result};
use crate::operators::OperatorActor;

#[derive(Debug, Clone)]
pub struct SecondaryCreate {
    /// `None`: every organization's zones.
    pub organization_id: Option<OrganizationId>,
    pub network: IpNetwork,
    pub notify: Option<SocketAddr>,
    /// The TSIG key its transfers must be signed with.
    pub tsig_key: Option<ZoneName>,
}

impl App {
    pub async fn dns_secondary_create(
        &self,
        _operator: &OperatorActor,
        create: SecondaryCreate,
    ) -> Result<Secondary> {
        let mut tx = self.db.begin().await?;
        if let Some(organization) = create.organization_id {
            let found = organizations::get(&mut tx, organization).await?;
            if found.is_none_or(|o| o.deleted_on.is_some()) {
                return Err(AppError::not_found(
                    NotFoundKind::Organization,
                    organization,
                ));
            }
        }
        if let Some(key) = &create.tsig_key {
            let keys = dns_transfers::tsig_keys(&mut tx).await?;
            if !keys.iter().any(|k| k.name == key.as_str()) {
                return Err(AppError::invalid_field(
                    "tsig_key",
                    format!("No TSIG key is named {key}; make it first"),
                ));
            }
        }
        let secondary = Secondary {
            id: SecondaryId::generate(),
            organization_id: create.organization_id,
            network: create.network,
            notify: create.notify,
            tsig_key: create.tsig_key.map(|k| k.as_str().to_owned()),
            created_on: self.clock.now(),
        };
        dns_transfers::insert_secondary(&mut tx, &secondary).await?;
        tx.commit().await?;
        Ok(secondary)
    }

    pub async fn dns_secondary_list(&self, _operator: &OperatorActor) -> Result<Vec<Secondary>> {
        self.dns_secondaries().await
    }

    pub async fn dns_secondary_delete(
        &self,
        _operator: &OperatorActor,
        id: SecondaryId,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !dns_transfers::delete_secondary(&mut tx, id).await? {
            return Err(AppError::not_found(NotFoundKind::Secondary, id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every secondary: what the name server allows and notifies, read as the platform.
    pub async fn dns_secondaries(&self) -> Result<Vec<Secondary>> {
        let mut tx = self.db.read().await?;
        Ok(dns_transfers::secondaries(&mut tx).await?)
    }

    /// A zone's journal after `serial`, for IXFR, read as the platform (the zone is served).
    pub async fn zone_journal(&self, zone: ZoneId, serial: i64) -> Result<Vec<JournalEntry>> {
        let mut tx = self.db.read().await?;
        Ok(dns_transfers::journal_since(&mut tx, zone, serial).await?)
    }
}
