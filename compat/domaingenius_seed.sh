#!/usr/bin/env bash
# The DomainGenius guide's own curl calls, exactly as the guide writes them but for the host
# (`https://api.domaingenius.com.au` becomes $TENANTRY_URL), against the server compat/run.sh
# started. $DG_KEY is a personal API key (`POST /api/v1/keys`) of a person made here;
# $DG_ORG is the organization the first call founds. Mail goes to .eml files under the data
# directory (no --smtp-url), where the invitation is looked for.
set -euo pipefail

base=$TENANTRY_URL
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
boot_key=$(printf '%s' "$TENANTRY_BOOTSTRAP" | json "['api_key']")

# A person with a password, signed in, who makes a personal key.
curl -fsS -X POST "$base/v1/users" -H "X-Api-Key: $boot_key" -H "Content-Type: application/json" \
  -d '{"username": "guide-reader", "email": "reader@guide.example", "password": "reading-the-guide-42", "role": "member"}' >/dev/null
session=$(curl -fsS -X POST "$base/v1/auth/token" -H "Content-Type: application/json" \
  -d '{"grant_type": "password", "username": "guide-reader", "password": "reading-the-guide-42"}' | json "['access_token']")
DG_KEY=$(curl -fsS -X POST "$base/api/v1/keys" -H "Authorization: Bearer $session" \
  -H "Content-Type: application/json" -d '{"name": "guide"}' | json "['key_secret']")

# "Create an org"
created=$(curl -fsS -X POST "$base/api/v1/orgs" \
  -H "Authorization: Bearer $DG_KEY" \
  -H "Content-Type: application/json" \
  -d '{ "name": "Acme", "slug": "acme" }')
DG_ORG=$(printf '%s' "$created" | json "['oid']")
[[ $(printf '%s' "$created" | json "['slug']") == acme ]]

# "Check first with GET /v1/orgs/check-slug?slug=acme" (under the API base /api): taken now.
checked=$(curl -fsS "$base/api/v1/orgs/check-slug?slug=acme" -H "Authorization: Bearer $DG_KEY")
[[ $(printf '%s' "$checked" | json "['available']") == False ]]

# "Invite a member": no Content-Type, as the guide writes it.
invited=$(curl -fsS -X POST "$base/api/v1/orgs/$DG_ORG/members" \
  -H "Authorization: Bearer $DG_KEY" \
  -d '{ "email": "teammate@example.com", "role": "admin" }')
[[ $(printf '%s' "$invited" | json "['status']") == pending ]]

# The invitee gets an email with a sign-in link.
for _ in $(seq 50); do
  grep -rqls "teammate@example.com" "$TENANTRY_DATA_DIR/mail" 2>/dev/null && break
  sleep 0.2
done
mail=$(grep -rls "teammate@example.com" "$TENANTRY_DATA_DIR/mail")
grep -q "/invitations/" "$mail"
echo "domaingenius_seed: the guide's calls work as written"
