#!/usr/bin/env bash
# Conformance of the domain, contact and event routes to the vendor's published OpenAPI
# description (compat/opusdns-openapi.yaml, as published): schemathesis generates requests for
# the operations Tenantry implements and checks that every answer fits the description's
# response schemas and that none is a server error; then the same against Tenantry's own
# description (`/v1/openapi.json`), every operation. Run by compat/run.sh against its server;
# the remaining, deliberate differences are listed in docs/API.md ("Conformance").
set -euo pipefail
cd "$(dirname "$0")"

base=$TENANTRY_URL
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
boot() { printf '%s' "$TENANTRY_BOOTSTRAP" | json "['$1']"; }
key=$(boot api_key)
operator=$(boot operator_api_key)
org=$(boot organization_id)

# A TLD to register under, money to pay with, and one of each object the path parameters
# name, so the generated requests reach real objects.
curl -fsS -X PUT "$base/v1/tlds/com" -H "X-Api-Key: $operator" -H "Content-Type: application/json" \
  -d '{"periods": [1, 2, 5, 10]}' >/dev/null
curl -fsS -X POST "$base/v1/organizations/$org/billing/wallet/credits" -H "X-Api-Key: $operator" \
  -H "Content-Type: application/json" -d '{"amount": "100000.00"}' >/dev/null
contact=$(curl -fsS -X POST "$base/v1/contacts" -H "X-Api-Key: $key" -H "Content-Type: application/json" \
  -d '{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+44.2079460000",
       "street": "1 Analytical Row", "city": "London", "postal_code": "SW1A 1AA", "country": "GB",
       "disclose": false}' | json "['contact_id']")
curl -fsS -X POST "$base/v1/domains" -H "X-Api-Key: $key" -H "Content-Type: application/json" \
  -d "{\"name\": \"conformance.com\", \"renewal_mode\": \"renew\", \"period\": {\"value\": 1, \"unit\": \"y\"},
       \"contacts\": {\"registrant\": \"$contact\"}}" >/dev/null
event=$(curl -fsS "$base/v1/events" -H "X-Api-Key: $key" | json "['results'][0]['event_id']")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/schemathesis.toml" <<TOML
[parameters]
"path.domain_reference" = "conformance.com"
"path.contact_id" = "$contact"
"path.event_id" = "$event"
TOML

implemented='^/v1/(domains|domains/check|domains/summary|domains/transfer|domains/\{domain_reference\}(/renew|/restore|/transfer|/transfer/outbound)?|contacts|contacts/\{contact_id\}|events|events/\{event_id\})$'
schema=$PWD/opusdns-openapi.yaml
cd "$work"
"$SCHEMATHESIS" run "$schema" --url "$base" -H "X-Api-Key: $key" \
  --include-path-regex "$implemented" \
  --checks response_schema_conformance,not_a_server_error \
  --max-examples 10 --generation-deterministic --request-timeout 10
echo "conformance: the domain, contact and event routes answer as the published description says"

# Tenantry's own description, every operation of every dialect: no answer is a server error,
# and each status, media type and body is one the description gives.
"$SCHEMATHESIS" run "$base/v1/openapi.json" -H "X-Api-Key: $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 5 --generation-deterministic --request-timeout 10
echo "conformance: every operation answers as Tenantry's own description says"
