//! The change use cases of a zone: rrset patches, replacement of all rrsets, record
//! patches. Each is worked out in memory (`Working`), checked, and written in one transaction
//! that raises the serial and appends one audit event.

use tenantry_core::dns::{RecordType, ZoneName};
use tenantry_store::Tx;
use tenantry_store::dns::Rrset;

use super::working::{Working, refuse_protected};
use super::zones::{DNS_MANAGE, stored, zone_in_reach};
use super::{RecordOp, RrsetEdit, RrsetInput, RrsetOp};
use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};

/// What one request changes in a zone.
enum Edit {
    Rrsets(Vec<RrsetOp>),
    Replace(Vec<RrsetInput>),
    Records(Vec<RecordOp>),
    Single(RrsetEdit),
}

fn record_missing(name: &str, rtype: RecordType) -> AppError {
    AppError::not_found(NotFoundKind::Record, format!("{name} {}", rtype.as_str()))
}

impl Edit {
    /// Applies the edit to the zone in memory, loading the rrsets it touches.
    async fn apply(self, tx: &mut Tx, working: &mut Working) -> Result<()> {
        match self {
            Edit::Rrsets(ops) => {
                for op in ops {
                    match op {
                        RrsetOp::Upsert(input) => {
                            refuse_protected(&working.zone, &input.name, input.rtype)?;
                            working.load(tx, &input.name).await?;
                            working.put(stored(input));
                        }
                        RrsetOp::Remove { name, rtype } => {
                            refuse_protected(&working.zone, &name, rtype)?;
                            working.load(tx, &name).await?;
                            working.remove(&name, rtype);
                        }
                    }
                }
            }
            Edit::Replace(rrsets) => {
                working.load_all(tx).await?;
                working.clear_modifiable();
                for input in rrsets {
                    refuse_protected(&working.zone, &input.name, input.rtype)?;
                    working.put(stored(input));
                }
            }
            Edit::Records(ops) => {
                for op in ops {
                    match op {
                        RecordOp::Upsert {
                            name,
                            rtype,
                            ttl,
                            rdata,
                        } => {
                            refuse_protected(&working.zone, &name, rtype)?;
                            working.load(tx, &name).await?;
                            let mut rrset = working.get(&name, rtype).cloned().unwrap_or(Rrset {
                                name: name.clone(),
                                rtype: rtype.as_str().to_owned(),
                                ttl,
                                records: Vec::new(),
                            });
                            rrset.ttl = ttl;
                            if !rrset.records.contains(&rdata) {
                                rrset.records.push(rdata);
                            }
                            working.put(rrset);
                        }
                        RecordOp::Remove { name, rtype, rdata } => {
                            refuse_protected(&working.zone, &name, rtype)?;
                            working.load(tx, &name).await?;
                            if let Some(mut rrset) = working.get(&name, rtype).cloned() {
                                rrset.records.retain(|r| *r != rdata);
                                if rrset.records.is_empty() {
                                    working.remove(&name, rtype);
                                } else {
                                    working.put(rrset);
                                }
                            }
                        }
                    }
                }
            }
            Edit::Single(edit) => apply_single(tx, working, edit).await?,
        }
        Ok(())
    }
}

async fn apply_single(tx: &mut Tx, working: &mut Working, edit: RrsetEdit) -> Result<()> {
    match edit {
        RrsetEdit::Create(input) => {
            refuse_protected(&working.zone, &input.name, input.rtype)?;
            working.load(tx, &input.name).await?;
            if working.get(&input.name, input.rtype).is_some() {
                return Err(AppError::AlreadyExists(
                    Code::RecordExists,
                    "record already exists".into(),
                ));
            }
            working.put(stored(input));
        }
        RrsetEdit::Update {
            name,
            rtype,
            ttl,
            records,
        } => {
            refuse_protected(&working.zone, &name, rtype)?;
            working.load(tx, &name).await?;
            let mut rrset = working
                .get(&name, rtype)
                .cloned()
                .ok_or_else(|| record_missing(&name, rtype))?;
            if let Some(ttl) = ttl {
                rrset.ttl = ttl;
            }
            if let Some(records) = records {
                rrset.records = records;
            }
            working.put(rrset);
        }
        RrsetEdit::Delete { name, rtype } => {
            refuse_protected(&working.zone, &name, rtype)?;
            working.load(tx, &name).await?;
            if working.get(&name, rtype).is_none() {
                return Err(record_missing(&name, rtype));
            }
            working.remove(&name, rtype);
        }
    }
    Ok(())
}

impl App {
    /// `PATCH …/rrsets`: every operation, in order, or none of them.
    pub async fn zone_patch_rrsets(
        &self,
        actor: &Actor,
        name: &ZoneName,
        ops: Vec<RrsetOp>,
    ) -> Result<()> {
        self.zone_change(actor, name, Edit::Rrsets(ops)).await
    }

    /// `PUT …/rrsets`: the given rrsets replace every one the server does not own.
    pub async fn zone_replace_rrsets(
        &self,
        actor: &Actor,
        name: &ZoneName,
        rrsets: Vec<RrsetInput>,
    ) -> Result<()> {
        self.zone_change(actor, name, Edit::Replace(rrsets)).await
    }

    /// `PATCH …/records`: adds or removes single records, all or nothing.
    pub async fn zone_patch_records(
        &self,
        actor: &Actor,
        name: &ZoneName,
        ops: Vec<RecordOp>,
    ) -> Result<()> {
        self.zone_change(actor, name, Edit::Records(ops)).await
    }

    /// One rrset that must be absent (create) or present (update, delete), as NS1's record
    /// calls need.
    pub async fn zone_edit_rrset(
        &self,
        actor: &Actor,
        name: &ZoneName,
        edit: RrsetEdit,
    ) -> Result<()> {
        self.zone_change(actor, name, Edit::Single(edit)).await
    }

    /// Applies `edit` to the zone in memory, checks the result, writes what differs, raises
    /// the serial and audits it, in one transaction.
    async fn zone_change(&self, actor: &Actor, name: &ZoneName, edit: Edit) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (zone, auth) = zone_in_reach(&mut tx, actor, name, DNS_MANAGE).await?;
        let mut working = Working::new(zone);
        edit.apply(&mut tx, &mut working).await?;
        working.check()?;
        if !working.changed() {
            return Ok(());
        }
        if let Some((rrset, rtype)) = working
            .changed_rrsets()
            .find(|(rrset, rtype)| !actor.admits_record(&working.zone.name, rrset, rtype))
        {
            return Err(AppError::Forbidden(
                Code::PermissionDenied,
                format!("The {rtype} rrset {rrset} is not in the records this caller may manage"),
            ));
        }
        let change = working.write(&mut tx, &auth).await?;
        let mut zone = working.zone.clone();
        self.zone_changed(&mut tx, &auth, actor, &mut zone, change, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
