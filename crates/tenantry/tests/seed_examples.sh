#!/usr/bin/env bash
# The curl examples of the seed documents 000 (organizations), 001 (manage suborganizations)
# and 003 (user management), as written, against a live server. Only the example ids
# (organization_01h45y…, user_01h45y…) are replaced by ids this run created.
# Needs OPUSDNS_API_BASE and OPUSDNS_API_KEY.
set -euo pipefail

# Every example must succeed (HTTP < 400); bodies are kept for the checks below.
curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# --- 000: organizations
curl "$OPUSDNS_API_BASE/v1/organizations/roles" \
--header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"dns_manager"'

# --- 001: manage suborganizations
curl "$OPUSDNS_API_BASE/v1/organizations" \
  --request POST \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --header "Content-Type: application/json" \
  --data '{
    "name": "Customer A",
    "country_code": "DE",
    "city": "Berlin",
    "address": "Friedrichstraße 123",
    "postal_code": "10117",
    "currency": "EUR",
    "default_locale": "de"
  }' > /tmp/seed-org.$$
ORG_ID=$(field "['organization_id']" < /tmp/seed-org.$$)
rm -f /tmp/seed-org.$$

curl "$OPUSDNS_API_BASE/v1/organizations" \
  --request POST \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --header "Content-Type: application/json" \
  --data '{
    "name": "Customer A",
    "country_code": "DE",
    "city": "Berlin",
    "address": "Friedrichstraße 123",
    "postal_code": "10117",
    "currency": "EUR",
    "users": [
      {
        "username": "customer-a-admin",
        "email": "admin@customer-a.com",
        "first_name": "Alice",
        "last_name": "Admin"
      },
      {
        "username": "customer-a-tech",
        "email": "tech@customer-a.com",
        "first_name": "Bob",
        "last_name": "Tech"
      }
    ]
  }' | grep -q '"customer-a-tech"'

curl "$OPUSDNS_API_BASE/v1/organizations?page=1&page_size=25" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"total_items":2'

curl --get "$OPUSDNS_API_BASE/v1/organizations" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --data-urlencode "search=Customer" \
  --data-urlencode "country_code=DE" \
  --data-urlencode "sort_by=name" \
  --data-urlencode "sort_order=asc" | grep -q '"Customer A"'

curl "$OPUSDNS_API_BASE/v1/organizations/$ORG_ID" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"users"'

curl "$OPUSDNS_API_BASE/v1/organizations/$ORG_ID" \
  --request PATCH \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --header "Content-Type: application/json" \
  --data '{
    "name": "Customer A - Rebranded",
    "city": "Munich",
    "default_locale": "en"
  }' | grep -q '"Munich"'

# --- 003: user management
curl "$OPUSDNS_API_BASE/v1/users" \
  --request POST \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --header "Content-Type: application/json" \
  --data '{
    "username": "jane.doe",
    "email": "jane@example.com",
    "first_name": "Jane",
    "last_name": "Doe",
    "locale": "en"
  }' > /tmp/seed-user.$$
USER_ID=$(field "['user_id']" < /tmp/seed-user.$$)
rm -f /tmp/seed-user.$$

curl "$OPUSDNS_API_BASE/v1/organizations/users?page=1&page_size=25" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"jane.doe"'

curl "$OPUSDNS_API_BASE/v1/users/me" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"user_id"'

curl "$OPUSDNS_API_BASE/v1/users/$USER_ID" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" | grep -q '"jane@example.com"'

curl --get "$OPUSDNS_API_BASE/v1/users/$USER_ID" \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --data-urlencode "attributes=department" \
  --data-urlencode "attributes=team" | grep -q '"user_attributes"'

curl "$OPUSDNS_API_BASE/v1/users/$USER_ID" \
  --request PATCH \
  --header "X-Api-Key: $OPUSDNS_API_KEY" \
  --header "Content-Type: application/json" \
  --data '{
    "first_name": "Jane",
    "last_name": "Smith",
    "locale": "de"
  }' | grep -q '"Smith"'

curl "$OPUSDNS_API_BASE/v1/users/$USER_ID" \
  --request DELETE \
  --header "X-Api-Key: $OPUSDNS_API_KEY"

echo "seed examples: all passed"
