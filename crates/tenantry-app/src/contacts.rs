//! Contacts: the registrants and admin, tech and billing contacts of an organization's
//! domains. Made once from checked values and never changed (as in the reference): a change
//! is a new contact.

use serde_json::{Value, json};
use tenantry_core::{ContactId, OrganizationId, Permission};
use tenantry_store::Tx;
use tenantry_store::contacts::{self, Contact};
use tenantry_store::{Page, PageRequest};

pub use tenantry_store::contacts::{
    Contact as ContactRecord, ContactDetails, ContactFilter, ContactSort,
};

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::authz::Authorized;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
use tenantry_core::perms::{CONTACTS_DELETE, CONTACTS_MANAGE, CONTACTS_READ};

/// A new contact, its values checked at the edge (phone `+CC.NNN`, the country a code of
/// ISO 3166-1, the postal code in the country's format).
pub type ContactCreate = ContactDetails;

fn target(id: ContactId) -> Target {
    Target {
        kind: "contact",
        id: id.to_string(),
    }
}

/// What the audit trail keeps of a contact: who it is, not where they live.
fn snapshot(contact: &Contact) -> Value {
    let c = &contact.details;
    json!({"first_name": c.first_name, "last_name": c.last_name, "email": c.email,
           "country": c.country})
}

/// A contact and the proof for `permission` on its organization; a contact out of reach is
/// not found, like one that does not exist.
async fn contact_in_reach(
    tx: &mut Tx,
    actor: &Actor,
    id: ContactId,
    permission: Permission,
) -> Result<(Contact, Authorized)> {
    let not_found = || AppError::not_found(NotFoundKind::Contact, id);
    let contact = contacts::get(tx, id).await?.ok_or_else(not_found)?;
    let (_, auth) = authorize_org(tx, actor, contact.organization_id, permission)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => not_found(),
            other => other,
        })?;
    Ok((contact, auth))
}

impl App {
    /// Creates a contact in the acting organization.
    pub async fn contact_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        create: ContactCreate,
    ) -> Result<Contact> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), CONTACTS_MANAGE).await?;
        let contact = Contact {
            id: ContactId::generate(),
            organization_id: org.id,
            details: create,
            created_on: now,
        };
        contacts::insert(&mut tx, &auth, &contact).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "contact.created",
            target(contact.id),
            diff(&Value::Null, &snapshot(&contact)),
        )
        .await?;
        tx.commit().await?;
        Ok(contact)
    }

    pub async fn contact_get(&self, actor: &Actor, id: ContactId) -> Result<Contact> {
        let mut tx = self.db.read().await?;
        Ok(contact_in_reach(&mut tx, actor, id, CONTACTS_READ).await?.0)
    }

    /// A page of the acting organization's contacts.
    pub async fn contact_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        filter: ContactFilter,
        page: PageRequest,
    ) -> Result<Page<Contact>> {
        let mut tx = self.db.read().await?;
        let (_, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), CONTACTS_READ).await?;
        Ok(contacts::list(&mut tx, &auth, &filter, page).await?)
    }

    /// Deletes a contact. (A contact a domain uses will be refused with
    /// `ERROR_CONTACT_IN_USE` once the platform registers domains.)
    pub async fn contact_delete(&self, actor: &Actor, id: ContactId) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (contact, auth) = contact_in_reach(&mut tx, actor, id, CONTACTS_DELETE).await?;
        if tenantry_store::domains::contact_in_use(&mut tx, &auth, id).await? {
            return Err(AppError::Conflict(
                Code::ContactInUse,
                format!("{id} is a contact of a domain: change the domain's contacts first"),
            ));
        }
        contacts::delete(&mut tx, &auth, id).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "contact.deleted",
            target(id),
            diff(&snapshot(&contact), &Value::Null),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
