//! Who is calling: resolved once per request from a credential, never deciding what it may do.

use tenantry_core::{ApiKeyId, OperatorId, OrganizationId, Principal, SessionId, UserId};

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub client_ip: Option<std::net::IpAddr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// An organization's API credential, made by `user_id` (if that user is known).
    ApiKey {
        id: ApiKeyId,
        user_id: Option<UserId>,
    },
    /// A person signed in with a password, through an access token of one session; or a
    /// person's own API key (`personal_key`), which is a session that never signed in.
    User {
        id: UserId,
        session: SessionId,
        personal_key: bool,
    },
    /// A platform operator.
    Operator { id: OperatorId },
    /// The platform's own jobs (the reconciler, the lifecycle scheduler), acting on what a
    /// caller started or what time brings.
    Platform,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub kind: ActorKind,
    /// The role label the permissions come from.
    pub role: String,
    /// The profile of the user who made the credential (for a person, the person), as of
    /// authentication.
    pub(crate) creator: Option<std::sync::Arc<crate::users::UserProfile>>,
    /// The zones and records an NS1 permission map limits the caller to; none: every zone
    /// its permissions reach.
    pub(crate) zone_lists: Option<std::sync::Arc<tenantry_core::zone_lists::ZoneLists>>,
    pub meta: RequestMeta,
}

impl Actor {
    /// The platform's jobs in `organization`, for the audit trail: it holds no permission
    /// (its writes carry `authz::platform_proof`s).
    pub(crate) fn platform(organization: tenantry_core::OrgScope) -> Actor {
        Actor {
            principal: tenantry_core::Principal::single(
                organization,
                "platform",
                Default::default(),
            ),
            kind: ActorKind::Platform,
            role: "platform".into(),
            creator: None,
            zone_lists: None,
            meta: RequestMeta::default(),
        }
    }

    /// Whether the caller sees `zone` at all (always, without NS1 zone lists).
    pub(crate) fn sees_zone(&self, zone: &str) -> bool {
        self.zone_lists
            .as_ref()
            .is_none_or(|lists| lists.sees_zone(zone))
    }

    /// Whether the caller's zone lists admit the zone itself: its settings and deletion.
    pub(crate) fn admits_zone(&self, zone: &str) -> bool {
        self.zone_lists
            .as_ref()
            .is_none_or(|lists| lists.admits_zone(zone))
    }

    /// Whether the caller may read or change the rrset `name`/`rtype` of `zone`.
    pub(crate) fn admits_record(&self, zone: &str, name: &str, rtype: &str) -> bool {
        self.zone_lists
            .as_ref()
            .is_none_or(|lists| lists.admits_record(zone, name, rtype))
    }

    /// The zones a list shows the caller; none: every zone of the organization.
    pub(crate) fn zone_scope(&self) -> Option<tenantry_core::zone_lists::ZoneScope> {
        self.zone_lists.as_ref().map(|lists| lists.scope())
    }

    pub fn organization_id(&self) -> OrganizationId {
        self.principal.home.organization.id
    }

    pub fn user_id(&self) -> Option<UserId> {
        match &self.kind {
            ActorKind::ApiKey { user_id, .. } => *user_id,
            ActorKind::User { id, .. } => Some(*id),
            ActorKind::Operator { .. } | ActorKind::Platform => None,
        }
    }

    /// How a person is named to themselves (their names, else their username); empty for a
    /// caller that is not a person.
    pub fn display_name(&self) -> String {
        let Some(profile) = &self.creator else {
            return String::new();
        };
        let user = &profile.user;
        let names: Vec<&str> = [user.first_name.as_deref(), user.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            user.username.clone()
        } else {
            names.join(" ")
        }
    }

    /// Whether the caller is a person signed in with a password, not a personal key.
    pub fn is_sign_in(&self) -> bool {
        matches!(
            self.kind,
            ActorKind::User {
                personal_key: false,
                ..
            }
        )
    }

    /// The person, when they signed in with a password: what managing their sessions, second
    /// factor and ownerships needs (a personal key is a session too, but not a sign-in).
    pub fn signed_in_user(&self) -> Option<UserId> {
        self.user_id().filter(|_| self.is_sign_in())
    }

    /// The session a signed-in person (or a personal key) acts through.
    pub fn session_id(&self) -> Option<SessionId> {
        match &self.kind {
            ActorKind::User { session, .. } => Some(*session),
            _ => None,
        }
    }

    pub(crate) fn audit_kind(&self) -> &'static str {
        match self.kind {
            ActorKind::ApiKey { .. } => "api_key",
            ActorKind::User { .. } => "user",
            ActorKind::Operator { .. } => "operator",
            ActorKind::Platform => "platform",
        }
    }

    /// The credential (or operator) acting, as recorded in the audit trail.
    pub fn audit_id(&self) -> String {
        match &self.kind {
            ActorKind::ApiKey { id, .. } => id.to_string(),
            ActorKind::User { id, .. } => id.to_string(),
            ActorKind::Operator { id } => id.to_string(),
            ActorKind::Platform => "platform".into(),
        }
    }
}
