-- Every person has a locale (the vendor's user objects always carry one): those without take
-- their organization's default locale, or en_US, as people created from now on do.
UPDATE users
SET locale = COALESCE(
    (SELECT o.default_locale FROM organizations o WHERE o.id = users.organization_id),
    'en_US'
)
WHERE locale IS NULL;
