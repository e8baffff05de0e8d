//! The application handle shared by every request, and authentication of credentials.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

use tenantry_core::ids::OperatorKind;
use tenantry_core::values::IpNetwork;
use tenantry_core::{ApiKeyId, OperatorId, OrganizationId, Principal};
use tenantry_store::{Db, credentials, ip_restrictions, users};

use crate::actor::{Actor, ActorKind, RequestMeta};
use crate::billing::QuoteCache;
use crate::clock::Clock;
use crate::credential_cache::{Authentication, CredentialCache};
use crate::dns::DnsSettings;
use crate::error::{AppError, Code, Result};
use crate::ip_restrictions::admits;
use crate::ns1::holder_access;
use crate::people_auth::{PersonCache, is_person_token};
use crate::secrets::{SecretBox, digest_matches, parse_api_key, parse_key};
use crate::sign_in_limits::SignInFailures;
use crate::token_writer::TokenWriter;
use crate::tokens::{DigestCache, credential_active, is_access_token};
use crate::users::UserProfile;

/// `last_used_on` is written at most this often per credential and per IP rule, so
/// authentication does not cost a database write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// When this process last recorded each thing's use, so concurrent requests that all see a
/// stale `last_used_on` do not all write it.
pub(crate) struct LastUsed<K> {
    written: Mutex<HashMap<K, OffsetDateTime>>,
}

impl<K> Default for LastUsed<K> {
    fn default() -> Self {
        Self {
            written: Mutex::default(),
        }
    }
}

impl<K: std::hash::Hash + Eq> LastUsed<K> {
    /// Whether this request should record a use now: the stored time (if known) is older
    /// than the granularity and no other request of this process is already recording it.
    pub(crate) fn claim(
        &self,
        key: K,
        stored: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> bool {
        let stale =
            |at: Option<OffsetDateTime>| at.is_none_or(|at| now - at >= LAST_USED_GRANULARITY);
        if !stale(stored) {
            return false;
        }
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if !stale(written.get(&key).copied()) {
            return false;
        }
        written.insert(key, now);
        true
    }
}

#[derive(Clone)]
pub struct App {
    pub(crate) db: Db,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secret_box: SecretBox,
    /// When this process last recorded each credential's and each IP rule's use.
    last_used: Arc<LastUsed<ApiKeyId>>,
    rule_last_used: Arc<LastUsed<i64>>,
    pub(crate) operator_last_used: Arc<LastUsed<OperatorId>>,
    pub(crate) credential_cache: Arc<CredentialCache>,
    /// Person access token digest → what it stands for.
    pub(crate) person_cache: Arc<PersonCache>,
    /// Failed sign-ins, per account and per account and address.
    pub(crate) sign_in_failures: Arc<SignInFailures>,
    /// Access token digest → its credential and expiry.
    pub(crate) token_cache: Arc<DigestCache<(ApiKeyId, OffsetDateTime)>>,
    /// Client secret digest → its credential and organization.
    pub(crate) client_secret_cache: Arc<DigestCache<(ApiKeyId, OrganizationId)>>,
    pub(crate) token_writer: Arc<TokenWriter>,
    pub(crate) dns: Arc<DnsSettings>,
    /// What an organization pays for a product, and who pays.
    pub(crate) quote_cache: Arc<QuoteCache>,
    /// Where mail comes from and where its links point.
    pub(crate) mail: Arc<crate::mail::MailSettings>,
    /// Who may sign up.
    pub(crate) sign_up_policy: crate::sign_up::SignUpPolicy,
    /// Where domains are registered.
    pub(crate) registry: Arc<dyn crate::registry::Registry>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, secret_box: SecretBox) -> Self {
        let registry = Arc::new(crate::registry::sandbox::SandboxRegistry::new(db.clone()));
        Self {
            db,
            clock,
            secret_box,
            last_used: Arc::default(),
            rule_last_used: Arc::default(),
            operator_last_used: Arc::default(),
            credential_cache: Arc::default(),
            person_cache: Arc::default(),
            sign_in_failures: Arc::default(),
            token_cache: Arc::default(),
            client_secret_cache: Arc::default(),
            token_writer: Arc::default(),
            dns: Arc::default(),
            quote_cache: Arc::default(),
            mail: Arc::default(),
            sign_up_policy: Default::default(),
            registry,
        }
    }

    /// Registers domains at `registry` instead of the sandbox registry.
    pub fn with_registry(mut self, registry: Arc<dyn crate::registry::Registry>) -> Self {
        self.registry = registry;
        self
    }

    pub fn with_sign_up_policy(mut self, policy: crate::sign_up::SignUpPolicy) -> Self {
        self.sign_up_policy = policy;
        self
    }

    pub fn with_mail_settings(mut self, settings: crate::mail::MailSettings) -> Self {
        self.mail = Arc::new(settings);
        self
    }

    /// The sender of this app's queued mail, over `transport`.
    pub fn mail_sender(&self, transport: crate::mail::MailTransport) -> crate::mail::MailSender {
        crate::mail::MailSender {
            db: self.db.clone(),
            secret_box: self.secret_box.clone(),
            clock: self.clock.clone(),
            from: self.mail.from.clone(),
            transport,
        }
    }

    /// The name servers and SOA values put into every zone.
    pub fn with_dns_settings(mut self, settings: DnsSettings) -> Self {
        self.dns = Arc::new(settings);
        self
    }

    /// Refuses a caller outside the organization's IP restrictions (an unknown address
    /// included), and records which rule let it in.
    pub(crate) fn check_network(
        &self,
        networks: &[(i64, IpNetwork)],
        client_ip: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<()> {
        if networks.is_empty() {
            return Ok(());
        }
        let address = client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let Some(Some(rule)) = admits(networks, address) else {
            return Err(AppError::IpNotAllowed(address.to_canonical()));
        };
        if self.rule_last_used.claim(rule, None, now) {
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(err) = ip_restrictions::touch_last_used(&db, rule, now).await {
                    tracing::warn!(%err, "could not record IP restriction use");
                }
            });
        }
        Ok(())
    }

    /// Forgets every cached authentication: called after a committed change to credentials,
    /// users, sessions, roles, organizations or IP rules.
    pub(crate) fn forget_authentications(&self) {
        self.credential_cache.invalidate();
        self.person_cache.invalidate();
    }

    /// The name servers and SOA values every zone gets.
    pub fn dns_settings(&self) -> &DnsSettings {
        &self.dns
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Answers once the database does.
    pub async fn ready(&self) -> Result<()> {
        self.db
            .ping()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Reads a credential, its organization and its creator's profile.
    async fn load_authentication(&self, id: ApiKeyId) -> Result<Option<Authentication>> {
        let mut tx = self.db.read().await?;
        let Some((credential, organization)) = credentials::get_with_org_scope(&mut tx, id).await?
        else {
            return Ok(None);
        };
        let own = holder_access(
            &mut tx,
            credential.organization_id,
            &credential.role,
            id.uuid(),
        )
        .await?;
        let mut allow_lists = vec![own.networks];
        let creator = match credential.created_by {
            Some(user_id) => match users::get_with_org(&mut tx, user_id).await? {
                Some((user, organization_currency, parent_organization_id)) => {
                    let access =
                        holder_access(&mut tx, user.organization_id, &user.role, user_id.uuid())
                            .await?;
                    allow_lists.push(access.networks);
                    Some(Arc::new(UserProfile {
                        permissions: access.permissions,
                        organization_currency,
                        parent_organization_id,
                        user,
                    }))
                }
                None => None,
            },
            None => None,
        };
        let networks =
            ip_restrictions::rules_for_authentication(&mut tx, credential.organization_id)
                .await?
                .into_iter()
                .map(|rule| (rule.id, rule.ip_network))
                .collect();
        allow_lists.retain(|list| !list.is_empty());
        Ok(Some(Authentication {
            credential,
            organization,
            permissions: own.permissions,
            creator,
            networks,
            allow_lists: allow_lists.into(),
            zone_lists: own.zone_lists,
        }))
    }

    /// A credential with its organization and permissions, from the cache when fresh.
    pub(crate) async fn authentication(&self, id: ApiKeyId) -> Result<Authentication> {
        if let Some(hit) = self.credential_cache.get(&id) {
            return Ok(hit);
        }
        let generation = self.credential_cache.generation();
        let authentication = self.load_authentication(id).await?.ok_or_else(refused)?;
        self.credential_cache
            .put(generation, id, authentication.clone());
        Ok(authentication)
    }

    /// Resolves a credential into an actor: an `opk_…` API key, or an access token from
    /// `POST /v1/auth/token` (as `Authorization: Bearer`). Malformed, unknown, revoked and
    /// expired credentials, and those of deleted organizations, all answer the same 401.
    /// An operator's key followed by `!` and an `org_id` acts as an admin of that
    /// organization (NS1's convention); the suffix on any other key is refused.
    pub async fn authenticate(&self, secret: &str, meta: RequestMeta) -> Result<Actor> {
        if let Some((key, org_id)) = secret.rsplit_once('!') {
            let org_id: i64 = org_id.parse().map_err(|_| refused())?;
            let operator = self
                .authenticate_operator(key, meta)
                .await
                .map_err(|_| refused())?;
            return self.operator_on_behalf(operator, org_id).await;
        }
        if is_person_token(secret) {
            return self.actor_for_person(secret, meta).await;
        }
        if is_access_token(secret) {
            let id = self.token_credential(secret).await?;
            return self.actor_for_credential(id, None, meta).await;
        }
        if parse_key::<OperatorKind>(secret, "opo").is_some() {
            // Told by its form alone, valid or not: nothing about the key is disclosed.
            return Err(AppError::Unauthenticated(
                Code::Authentication,
                "This is a platform operator's key, for the operator's routes: on an \
                 organization's routes, act on its behalf with KEY!org_id (the organization's \
                 number, e.g. 2000)"
                    .into(),
            ));
        }
        let id = parse_api_key(secret).ok_or_else(refused)?;
        self.actor_for_credential(id, Some(secret), meta).await
    }

    /// The actor of a credential that is active now; `key`, when given, must be its API key.
    async fn actor_for_credential(
        &self,
        id: ApiKeyId,
        key: Option<&str>,
        meta: RequestMeta,
    ) -> Result<Actor> {
        let Authentication {
            credential,
            organization,
            permissions,
            creator,
            networks,
            allow_lists,
            zone_lists,
        } = self.authentication(id).await?;
        let now = self.clock.now();
        if key.is_some_and(|key| !digest_matches(key, &credential.key_digest))
            || !credential_active(&credential, now)
        {
            return Err(refused());
        }
        self.check_network(&networks, meta.client_ip, now)?;
        check_allow_lists(&allow_lists, meta.client_ip)?;
        if self.last_used.claim(id, credential.last_used_on, now) {
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(err) = credentials::touch_last_used(&db, id, now).await {
                    tracing::warn!(%err, "could not record credential use");
                }
            });
        }
        Ok(Actor {
            principal: Principal::single(organization, credential.role.clone(), permissions),
            kind: ActorKind::ApiKey {
                id,
                user_id: credential.created_by,
            },
            role: credential.role,
            creator,
            zone_lists,
            meta,
        })
    }
}

/// Refuses a caller outside an NS1 IP allow list of the credential or of its maker.
fn check_allow_lists(lists: &[Vec<IpNetwork>], client_ip: Option<IpAddr>) -> Result<()> {
    let address = client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if lists
        .iter()
        .all(|list| list.iter().any(|net| net.contains(address)))
    {
        return Ok(());
    }
    Err(AppError::IpNotAllowed(address.to_canonical()))
}

fn refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "Invalid or expired credentials".into(),
    )
}
