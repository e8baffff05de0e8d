//! Platform operators as NS1 manages them: the one-time bootstrap over HTTP, and operators
//! adding, reading, changing and removing each other. Each new operator gets an `opo_…` key
//! and a TOTP secret, both shown once.

use tenantry_core::OperatorId;
use tenantry_core::ids::OperatorKind;
use tenantry_core::values::{Email, Username, check_password};
use tenantry_store::operators::{self, Operator};
use tenantry_store::{StoreError, Unique};
use time::OffsetDateTime;

use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::operators::OperatorActor;
use crate::secrets::{hash_password, issue_key, sha256};
use crate::totp::new_totp_secret;

/// An operator to create: bootstrap's body and `PUT /v1/ops/operators`.
#[derive(Debug, Clone)]
pub struct OperatorCreate {
    pub username: Username,
    pub name: String,
    pub email: Option<Email>,
    pub password: Option<String>,
}

/// A new operator with its secrets, shown this once.
#[derive(Debug, Clone)]
pub struct IssuedOperator {
    pub operator: Operator,
    pub key: String,
    /// Base32, for any TOTP app (RFC 6238, SHA-1, 6 digits, 30 s).
    pub totp_secret: String,
}

/// Builds an operator with fresh secrets.
pub(crate) fn issue_operator(
    create: OperatorCreate,
    now: OffsetDateTime,
) -> Result<IssuedOperator> {
    if let Some(password) = &create.password {
        let email = create.email.as_ref().map_or("", Email::as_str);
        check_password(password, &[create.username.as_str(), email])
            .map_err(|why| AppError::invalid_field("password", why.0))?;
    }
    let key = issue_key::<OperatorKind>("opo");
    let totp_secret = new_totp_secret();
    let operator = Operator {
        id: key.id,
        username: create.username.into_inner(),
        name: create.name,
        email: create.email.map(Email::into_inner),
        password_hash: create.password.as_deref().map(hash_password).transpose()?,
        key_digest: sha256(&key.key),
        totp_secret_sealed: Vec::new(),
        last_access_on: None,
        created_on: now,
    };
    Ok(IssuedOperator {
        operator,
        key: key.key,
        totp_secret,
    })
}

fn username_taken(err: StoreError) -> AppError {
    match err {
        StoreError::UniqueViolation(Unique::OperatorUsername) => AppError::AlreadyExists(
            Code::OperatorExists,
            "An operator with this username already exists".into(),
        ),
        other => other.into(),
    }
}

fn operator_not_found(id: &str) -> AppError {
    AppError::not_found(NotFoundKind::Operator, id)
}

impl App {
    pub(crate) async fn store_operator(
        &self,
        tx: &mut tenantry_store::Tx,
        mut issued: IssuedOperator,
    ) -> Result<IssuedOperator> {
        issued.operator.totp_secret_sealed = self.secret_box.seal(issued.totp_secret.as_bytes());
        operators::insert(tx, &issued.operator)
            .await
            .map_err(username_taken)?;
        Ok(issued)
    }

    /// `POST /v1/ops/bootstrap`: the first operator, made without credentials, only while
    /// the platform has none.
    pub async fn operator_bootstrap(&self, create: OperatorCreate) -> Result<IssuedOperator> {
        let issued = issue_operator(create, self.clock.now())?;
        let mut tx = self.db.begin().await?;
        if operators::count_locked(&mut tx).await? > 0 {
            return Err(AppError::Conflict(
                Code::AlreadyBootstrapped,
                "This platform is already bootstrapped".into(),
            ));
        }
        let issued = self.store_operator(&mut tx, issued).await?;
        tx.commit().await?;
        tracing::info!(operator = %issued.operator.id, "operator bootstrapped");
        Ok(issued)
    }

    pub async fn operator_create(
        &self,
        caller: &OperatorActor,
        create: OperatorCreate,
    ) -> Result<IssuedOperator> {
        let issued = issue_operator(create, self.clock.now())?;
        let mut tx = self.db.begin().await?;
        let issued = self.store_operator(&mut tx, issued).await?;
        tx.commit().await?;
        tracing::info!(operator = %issued.operator.id, by = %caller.id(), "operator created");
        Ok(issued)
    }

    pub async fn operator_list(&self, _caller: &OperatorActor) -> Result<Vec<Operator>> {
        let mut tx = self.db.read().await?;
        Ok(operators::list(&mut tx).await?)
    }

    /// An operator by its NS1 id (24 hex digits). Operators are few, so the list is read.
    pub async fn operator_get(&self, _caller: &OperatorActor, id: &str) -> Result<Operator> {
        let mut tx = self.db.read().await?;
        find_operator(&mut tx, id).await
    }

    pub async fn operator_update(
        &self,
        caller: &OperatorActor,
        id: &str,
        name: Option<String>,
        email: Option<Email>,
    ) -> Result<Operator> {
        let mut tx = self.db.begin().await?;
        let mut operator = find_operator(&mut tx, id).await?;
        if let Some(name) = name {
            operator.name = name;
        }
        if let Some(email) = email {
            operator.email = Some(email.into_inner());
        }
        operators::update_profile(&mut tx, &operator).await?;
        tx.commit().await?;
        tracing::info!(operator = %operator.id, by = %caller.id(), "operator updated");
        Ok(operator)
    }

    /// Removes an operator. Nobody removes itself, and the last operator stays, so the
    /// platform always has someone who can manage it.
    pub async fn operator_delete(&self, caller: &OperatorActor, id: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let operator = find_operator(&mut tx, id).await?;
        if operator.id == caller.id() {
            return Err(AppError::Conflict(
                Code::OperatorCannotDeleteSelf,
                "An operator cannot delete itself".into(),
            ));
        }
        if operators::count_locked(&mut tx).await? <= 1 {
            return Err(AppError::Conflict(
                Code::LastOperator,
                "The last operator cannot be deleted".into(),
            ));
        }
        operators::delete(&mut tx, operator.id).await?;
        tx.commit().await?;
        tracing::info!(operator = %operator.id, by = %caller.id(), "operator deleted");
        Ok(())
    }
}

pub(crate) async fn find_operator(tx: &mut tenantry_store::Tx, id: &str) -> Result<Operator> {
    operators::list(tx)
        .await?
        .into_iter()
        .find(|o| tenantry_core::ns1::short_id(o.id.uuid()) == id)
        .ok_or_else(|| operator_not_found(id))
}

/// The operator's id as NS1 shows it.
pub fn operator_short_id(id: OperatorId) -> String {
    tenantry_core::ns1::short_id(id.uuid())
}
