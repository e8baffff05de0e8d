//! `/v1/account/teams`: named permission maps (with IP allow lists) that their member users
//! and keys inherit. Changing a team's map changes its members' at once; deleting a team
//! leaves members without other teams with what they held.

use serde_json::{Value, json};
use tenantry_core::ns1::{Ns1Permissions, short_id};
use tenantry_core::values::IpNetwork;
use tenantry_store::teams::{self, Team};
use tenantry_store::{StoreError, Unique};
use uuid::Uuid;

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::error::{AppError, Code, Result};
use crate::ns1::access::{check_grantable, refresh_members, team_by_short_id};
use crate::ns1::check_name;
use crate::reach::authorize_org;
use tenantry_core::perms::{TEAMS_DELETE, TEAMS_MANAGE, TEAMS_READ};

/// One named IP allow list of a team.
#[derive(Debug, Clone)]
pub struct TeamIpList {
    pub name: String,
    pub values: Vec<IpNetwork>,
}

#[derive(Debug, Clone, Default)]
pub struct TeamChange {
    pub name: Option<String>,
    pub permissions: Option<Ns1Permissions>,
    pub ip_whitelist: Option<Vec<TeamIpList>>,
}

fn lists_json(lists: &[TeamIpList]) -> Value {
    Value::Array(
        lists
            .iter()
            .map(|list| {
                json!({
                    "id": short_id(Uuid::now_v7()),
                    "name": list.name,
                    "values": list.values.iter().map(IpNetwork::to_string).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn name_taken(name: &str) -> impl FnOnce(StoreError) -> AppError + '_ {
    move |err| match err {
        StoreError::UniqueViolation(Unique::TeamName) => AppError::AlreadyExists(
            Code::TeamExists,
            format!("team with name \"{name}\" exists"),
        ),
        other => other.into(),
    }
}

fn team_target(team: &Team) -> Target {
    Target {
        kind: "team",
        id: short_id(team.id),
    }
}

fn team_snapshot(team: &Team) -> Value {
    json!({"name": team.name, "permissions": team.permissions, "ip_whitelist": team.ip_whitelist})
}

impl App {
    pub async fn ns1_team_list(&self, actor: &Actor) -> Result<Vec<Team>> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), TEAMS_READ).await?;
        Ok(teams::list(&mut tx, org.id).await?)
    }

    pub async fn ns1_team_get(&self, actor: &Actor, id: &str) -> Result<Team> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), TEAMS_READ).await?;
        team_by_short_id(&mut tx, org.id, id).await
    }

    pub async fn ns1_team_create(&self, actor: &Actor, change: TeamChange) -> Result<Team> {
        let name = check_name(change.name.as_deref().unwrap_or_default())?;
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), TEAMS_MANAGE).await?;
        let now = self.clock.now();
        let permissions = change.permissions.unwrap_or_default();
        check_grantable(
            actor,
            &Default::default(),
            &permissions.tenantry_permissions(),
        )?;
        let team = Team {
            id: Uuid::now_v7(),
            organization_id: org.id,
            name,
            permissions: permissions.to_json(),
            ip_whitelist: lists_json(change.ip_whitelist.as_deref().unwrap_or_default()),
            created_on: now,
            updated_on: now,
        };
        teams::insert(&mut tx, &auth, &team)
            .await
            .map_err(name_taken(&team.name))?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "team.created",
            team_target(&team),
            diff(&Value::Null, &team_snapshot(&team)),
        )
        .await?;
        tx.commit().await?;
        Ok(team)
    }

    /// Changes a team; its members' maps follow in the same transaction.
    pub async fn ns1_team_update(
        &self,
        actor: &Actor,
        id: &str,
        change: TeamChange,
    ) -> Result<Team> {
        let name = change.name.as_deref().map(check_name).transpose()?;
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), TEAMS_MANAGE).await?;
        let before = team_by_short_id(&mut tx, org.id, id).await?;
        let mut after = before.clone();
        if let Some(name) = name {
            after.name = name;
        }
        if let Some(permissions) = change.permissions {
            let held = Ns1Permissions::from_json(&before.permissions)
                .map_err(|e| AppError::Internal(format!("stored permission map: {e}")))?;
            check_grantable(
                actor,
                &held.tenantry_permissions(),
                &permissions.tenantry_permissions(),
            )?;
            after.permissions = permissions.to_json();
        }
        if let Some(lists) = &change.ip_whitelist {
            after.ip_whitelist = lists_json(lists);
        }
        after.updated_on = self.clock.now();
        teams::update(&mut tx, &auth, &after)
            .await
            .map_err(name_taken(&after.name))?;
        let members = teams::members(&mut tx, after.id).await?;
        refresh_members(&mut tx, &auth, &members).await?;
        record(
            &mut tx,
            &auth,
            actor,
            after.updated_on,
            "team.updated",
            team_target(&after),
            diff(&team_snapshot(&before), &team_snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(after)
    }

    pub async fn ns1_team_delete(&self, actor: &Actor, id: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), TEAMS_DELETE).await?;
        let team = team_by_short_id(&mut tx, org.id, id).await?;
        let members = teams::members(&mut tx, team.id).await?;
        teams::delete(&mut tx, &auth, team.id).await?;
        refresh_members(&mut tx, &auth, &members).await?;
        record(
            &mut tx,
            &auth,
            actor,
            self.clock.now(),
            "team.deleted",
            team_target(&team),
            diff(&team_snapshot(&team), &Value::Null),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }
}
