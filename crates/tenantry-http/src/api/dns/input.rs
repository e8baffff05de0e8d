//! Request bodies of `/v1/dns…` turned into canonical rrsets and operations: owner names made
//! absolute, record data validated per type, and every problem collected into one 422 that
//! names the rrset and the value.

use serde::Deserialize;
use tenantry_app::dns::{RecordOp, RrsetInput, RrsetOp};
use tenantry_core::dns::{ProtectedReason, RecordType, ZoneName, canonical_rdata};
use utoipa::ToSchema;

use crate::problem::ApiError;
use crate::wire::Check;

const MAX_TTL: i64 = 2_147_483_647;

#[derive(ToSchema, Deserialize)]
pub(crate) struct RecordBody {
    rdata: String,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RrsetBody {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<i64>,
    #[serde(default)]
    records: Vec<RecordBody>,
}

/// The owner name and type of an rrset, checked.
fn name_and_type(
    check: &mut Check,
    zone: &ZoneName,
    name: &str,
    rtype: &str,
) -> Option<(String, RecordType)> {
    let owner = check.value("name", name, |raw| zone.owner(raw));
    let rtype = match rtype.parse::<RecordType>() {
        Ok(t) => Some(t),
        Err(_) => {
            let known: Vec<_> = RecordType::ALL.iter().map(|t| t.as_str()).collect();
            check.fail(
                "type",
                format!("{rtype:?} is not one of {}", known.join(", ")),
            );
            None
        }
    };
    Some((owner?, rtype?))
}

fn ttl(check: &mut Check, ttl: Option<i64>) -> Option<u32> {
    match ttl {
        Some(t) if (1..=MAX_TTL).contains(&t) => Some(t as u32),
        Some(_) => {
            check.fail("ttl", format!("must be 1 to {MAX_TTL} seconds"));
            None
        }
        None => {
            check.fail("ttl", "Field required");
            None
        }
    }
}

/// One record's data in canonical form; the message names the rrset and the value. Data of
/// an rrset the server owns is passed through untouched: the change is refused as a whole.
fn rdata(
    check: &mut Check,
    field: &str,
    owner: &str,
    rtype: RecordType,
    zone: &ZoneName,
    raw: &str,
) -> Option<String> {
    if ProtectedReason::of(zone.as_str(), owner, rtype).is_some() {
        return Some(raw.to_owned());
    }
    match canonical_rdata(rtype, raw, zone) {
        Ok(canonical) => Some(canonical),
        Err(why) => {
            check.fail(field, format!("{owner} {rtype}: {raw:?} {why}"));
            None
        }
    }
}

/// A whole rrset (for creation, replacement and upsert).
fn rrset_input(prefix: &[&str], zone: &ZoneName, body: RrsetBody) -> (Check, Option<RrsetInput>) {
    let mut check = Check::nested(prefix);
    let named = name_and_type(&mut check, zone, &body.name, &body.rtype);
    let ttl = ttl(&mut check, body.ttl);
    let Some((name, rtype)) = named else {
        return (check, None);
    };
    if body.records.is_empty() {
        check.fail(
            "records",
            format!("{name} {rtype}: an rrset needs at least one record"),
        );
    }
    let mut records: Vec<String> = Vec::new();
    for (i, record) in body.records.iter().enumerate() {
        let index = i.to_string();
        let mut at = prefix.to_vec();
        at.extend(["records", index.as_str()]);
        let mut inner = Check::nested(&at);
        if let Some(canonical) = rdata(&mut inner, "rdata", &name, rtype, zone, &record.rdata)
            && !records.contains(&canonical)
        {
            records.push(canonical);
        }
        check.absorb(inner);
    }
    let input = ttl.map(|ttl| RrsetInput {
        name,
        rtype,
        ttl,
        records,
    });
    (check, input)
}

pub(super) fn rrsets(
    prefix: &str,
    zone: &ZoneName,
    bodies: Vec<RrsetBody>,
) -> Result<Vec<RrsetInput>, ApiError> {
    let mut check = Check::default();
    let mut inputs: Vec<RrsetInput> = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let index = i.to_string();
        let (inner, input) = rrset_input(&[prefix, &index], zone, body);
        check.absorb(inner);
        if let Some(input) = input {
            if inputs
                .iter()
                .any(|r| r.name == input.name && r.rtype == input.rtype)
            {
                let mut dup = Check::nested(&[prefix, &index]);
                dup.fail(
                    "name",
                    format!("{} {} is given twice", input.name, input.rtype),
                );
                check.absorb(dup);
            }
            inputs.push(input);
        }
    }
    check.finish()?;
    Ok(inputs)
}

fn patch_op(op: &str, check: &mut Check) -> Option<bool> {
    match op {
        "upsert" => Some(true),
        "remove" => Some(false),
        other => {
            check.fail("op", format!("{other:?} is not upsert or remove"));
            None
        }
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RrsetOpBody {
    op: String,
    rrset: RrsetBody,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RrsetOpsBody {
    ops: Vec<RrsetOpBody>,
}

/// Reads a list of `{"op": …, KEY: …}` operations: checks each `op`, hands the rest to
/// `parse` with its location (`["ops", "3", KEY]`), and reports every problem at once.
fn operations<B, T>(
    ops: Vec<(String, B)>,
    key: &str,
    mut parse: impl FnMut(&mut Check, &[&str], bool, B) -> Option<T>,
) -> Result<Vec<T>, ApiError> {
    let mut check = Check::default();
    let mut parsed = Vec::new();
    for (i, (op, body)) in ops.into_iter().enumerate() {
        let index = i.to_string();
        let mut at = Check::nested(&["ops", &index]);
        let upsert = patch_op(&op, &mut at);
        check.absorb(at);
        if let Some(upsert) = upsert {
            parsed.extend(parse(&mut check, &["ops", &index, key], upsert, body));
        }
    }
    check.finish()?;
    Ok(parsed)
}

/// The operations of `PATCH …/rrsets`.
pub(crate) fn rrset_ops(zone: &ZoneName, body: RrsetOpsBody) -> Result<Vec<RrsetOp>, ApiError> {
    let ops = body.ops.into_iter().map(|op| (op.op, op.rrset)).collect();
    operations(ops, "rrset", |check, at, upsert, rrset| {
        if upsert {
            let (inner, input) = rrset_input(at, zone, rrset);
            check.absorb(inner);
            return input.map(RrsetOp::Upsert);
        }
        let mut inner = Check::nested(at);
        let named = name_and_type(&mut inner, zone, &rrset.name, &rrset.rtype);
        check.absorb(inner);
        named.map(|(name, rtype)| RrsetOp::Remove { name, rtype })
    })
}

/// `rrsets` is required: emptying a zone takes an explicit `"rrsets": []`, never a body that
/// lacks the field or misspells it.
#[derive(ToSchema, Deserialize)]
pub(crate) struct ReplaceBody {
    pub(super) rrsets: Vec<RrsetBody>,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct OneRecordBody {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<i64>,
    rdata: String,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RecordOpBody {
    op: String,
    record: OneRecordBody,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RecordOpsBody {
    ops: Vec<RecordOpBody>,
}

/// The operations of `PATCH …/records`.
pub(super) fn record_ops(zone: &ZoneName, body: RecordOpsBody) -> Result<Vec<RecordOp>, ApiError> {
    let ops = body.ops.into_iter().map(|op| (op.op, op.record)).collect();
    operations(ops, "record", |check, at, upsert, record| {
        let mut inner = Check::nested(at);
        let named = name_and_type(&mut inner, zone, &record.name, &record.rtype);
        // A removal matches by data alone: its TTL may differ from the record's.
        let ttl = if upsert {
            ttl(&mut inner, record.ttl)
        } else {
            Some(0)
        };
        let data = named.as_ref().and_then(|(name, rtype)| {
            rdata(&mut inner, "rdata", name, *rtype, zone, &record.rdata)
        });
        check.absorb(inner);
        let ((name, rtype), ttl, rdata) = (named?, ttl?, data?);
        Some(if upsert {
            RecordOp::Upsert {
                name,
                rtype,
                ttl,
                rdata,
            }
        } else {
            RecordOp::Remove { name, rtype, rdata }
        })
    })
}
