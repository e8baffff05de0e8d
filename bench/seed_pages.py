#!/usr/bin/env python3
"""Seeds the dashboard page benchmark through the API (standard library), then signs a person
in on the dashboard and prints the session's cookie (`tenantry_session=…`) for wrk.

COUNT operator credits make COUNT transactions, and as many audit records, in the
organization; the person is an admin with a password.

    seed_pages.py BASE_URL OPERATOR_KEY ORGANIZATION_ID API_KEY COUNT USERNAME PASSWORD
"""
import http.client
import json
import re
import sys
from urllib.parse import urlencode, urlparse

base, operator, organization, key, count, username, password = sys.argv[1:8]
url = urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)


def call(method, path, body, headers, expected):
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    payload = response.read()
    if response.status != expected:
        sys.exit(f"{method} {path}: {response.status} {payload[:300]!r}")
    return response, payload


def cookie(response, name):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0]
    sys.exit(f"no {name} cookie in {response.getheaders()}")


as_operator = {"X-Api-Key": operator, "Content-Type": "application/json"}
for i in range(int(count)):
    body = json.dumps({"amount": "1.00", "reference": f"bench-{i}"})
    call("POST", f"/v1/organizations/{organization}/billing/wallet/credits", body, as_operator,
         200)

person = {"username": username, "email": f"{username}@bench.example", "password": password,
          "role": "admin"}
call("POST", "/v1/users", json.dumps(person),
     {"X-Api-Key": key, "Content-Type": "application/json"}, 200)

response, page = call("GET", "/sign-in", None, {}, 200)
pre_session = cookie(response, "tenantry_presession")
csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
form = urlencode({"csrf": csrf, "login": username, "password": password})
response, _ = call("POST", "/sign-in", form,
                   {"Cookie": pre_session,
                    "Content-Type": "application/x-www-form-urlencoded"}, 303)
print(cookie(response, "tenantry_session"))
