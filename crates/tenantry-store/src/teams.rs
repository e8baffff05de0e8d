//! NS1 teams of an organization and their members (users and API keys). A team's permission
//! map and IP allow lists are stored as JSON, validated by the caller.

use serde_json::Value;
use sqlx::types::Json;
use tenantry_core::perms::{ORG_DELETE, TEAMS_DELETE, TEAMS_MANAGE};
use tenantry_core::{OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};
use crate::proof::{HOLDER_WRITES, proven, proven_any};

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: Uuid,
    pub organization_id: OrganizationId,
    pub name: String,
    pub permissions: Value,
    pub ip_whitelist: Value,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    permissions: Json<Value>,
    ip_whitelist: Json<Value>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl From<TeamRow> for Team {
    fn from(r: TeamRow) -> Self {
        Team {
            id: r.id,
            organization_id: OrganizationId::from_uuid(r.organization_id),
            name: r.name,
            permissions: r.permissions.0,
            ip_whitelist: r.ip_whitelist.0,
            created_on: r.created_on,
            updated_on: r.updated_on,
        }
    }
}

macro_rules! select_teams {
    ($rest:literal) => {
        concat!(
            "SELECT id, organization_id, name, permissions, ip_whitelist, created_on, updated_on ",
            "FROM teams ",
            $rest
        )
    };
}

const SELECT_BY_ORG: &str = select_teams!("WHERE organization_id = $1 ORDER BY created_on, id");
const SELECT_IN_RANGE: &str = select_teams!("WHERE organization_id = $1 AND id BETWEEN $2 AND $3");
const SELECT_OF_MEMBER: &str = "SELECT t.id, t.organization_id, t.name, t.permissions, \
    t.ip_whitelist, t.created_on, t.updated_on FROM teams t \
    JOIN team_members m ON m.team_id = t.id WHERE m.principal_id = $1 ORDER BY m.position";
const INSERT: &str = "INSERT INTO teams (id, organization_id, name, permissions, ip_whitelist, \
    created_on, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $6)";
const UPDATE: &str = "UPDATE teams SET name = $3, permissions = $4, ip_whitelist = $5, \
    updated_on = $6 WHERE id = $1 AND organization_id = $2";
const DELETE: &str = "DELETE FROM teams WHERE id = $1 AND organization_id = $2";
const DELETE_ORG: &str = "DELETE FROM teams WHERE organization_id = $1";
const MEMBERS: &str = "SELECT principal_id FROM team_members WHERE team_id = $1";
const CLEAR_MEMBERSHIPS: &str = "DELETE FROM team_members WHERE principal_id = $1";
const ADD_MEMBERSHIP: &str =
    "INSERT INTO team_members (team_id, principal_id, position) VALUES ($1, $2, $3)";
const DELETE_ORG_MEMBERSHIPS: &str = "DELETE FROM team_members \
    WHERE team_id IN (SELECT id FROM teams WHERE organization_id = $1)";

pub async fn list(tx: &mut Tx, organization_id: OrganizationId) -> Result<Vec<Team>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, TeamRow>(SELECT_BY_ORG)
        .bind(organization_id.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Team::from).collect())
}

/// The organization's teams whose ids lie in `[low, high]` (an NS1 short id's range).
pub async fn in_range(
    tx: &mut Tx,
    organization_id: OrganizationId,
    low: Uuid,
    high: Uuid,
) -> Result<Vec<Team>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, TeamRow>(SELECT_IN_RANGE)
        .bind(organization_id.uuid())
        .bind(low)
        .bind(high)
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Team::from).collect())
}

/// The teams a user or key belongs to, in the order it was given them.
pub async fn of_member(tx: &mut Tx, holder: Uuid) -> Result<Vec<Team>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, TeamRow>(SELECT_OF_MEMBER)
        .bind(holder)
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Team::from).collect())
}

/// Creates a team; a name taken in the organization is `StoreError::UniqueViolation`.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, team: &Team) -> Result<()> {
    let organization = proven(auth, TEAMS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(team.id)
        .bind(organization.uuid())
        .bind(&team.name)
        .bind(Json(&team.permissions))
        .bind(Json(&team.ip_whitelist))
        .bind(team.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

pub async fn update(tx: &mut Tx, auth: &dyn Proof, team: &Team) -> Result<()> {
    let organization = proven(auth, TEAMS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE)
        .bind(team.id)
        .bind(organization.uuid())
        .bind(&team.name)
        .bind(Json(&team.permissions))
        .bind(Json(&team.ip_whitelist))
        .bind(team.updated_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// Deletes a team; its memberships go with it.
pub async fn delete(tx: &mut Tx, auth: &dyn Proof, id: Uuid) -> Result<()> {
    let organization = proven(auth, TEAMS_DELETE)?;
    on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(id)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes every team of the authorized organization (when it is deleted).
pub async fn delete_all(tx: &mut Tx, auth: &dyn Proof) -> Result<()> {
    let organization = proven(auth, ORG_DELETE)?;
    for statement in [DELETE_ORG_MEMBERSHIPS, DELETE_ORG] {
        on_tx!(tx, conn => sqlx::query(statement)
            .bind(organization.uuid())
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The users and keys in a team.
pub async fn members(tx: &mut Tx, team: Uuid) -> Result<Vec<Uuid>> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, Uuid>(MEMBERS)
        .bind(team)
        .fetch_all(conn)
        .await)?)
}

/// Makes `holder` a member of exactly `teams`, in that order. The caller has checked that
/// the teams are the authorized organization's.
pub async fn set_memberships(
    tx: &mut Tx,
    auth: &dyn Proof,
    holder: Uuid,
    teams: &[Uuid],
) -> Result<()> {
    proven_any(auth, HOLDER_WRITES)?;
    on_tx!(tx, conn => sqlx::query(CLEAR_MEMBERSHIPS)
        .bind(holder)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    for (position, team) in teams.iter().enumerate() {
        on_tx!(tx, conn => sqlx::query(ADD_MEMBERSHIP)
            .bind(*team)
            .bind(holder)
            .bind(position as i32)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
