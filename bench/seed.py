#!/usr/bin/env python3
"""Seeds a running Tenantry for the benchmark, through its API only (standard library).

Creates SUBORGS suborganizations, each with USERS_PER_SUBORG users in the same request
(POST /v1/organizations with users[]), then TOP_USERS users in the caller's own organization
(POST /v1/users), on a few keep-alive connections.

    seed.py BASE_URL API_KEY SUBORGS USERS_PER_SUBORG TOP_USERS
"""
import http.client
import json
import sys
import threading
from urllib.parse import urlparse

base, key = sys.argv[1], sys.argv[2]
suborgs, per_suborg, top_users = (int(a) for a in sys.argv[3:6])
url = urlparse(base)
WORKERS = 4


def worker(jobs, errors):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"X-Api-Key": key, "Content-Type": "application/json"}
    for path, body in jobs:
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            errors.append(f"{path}: {response.status} {payload[:200]!r}")
            return


def run(jobs):
    errors = []
    threads = [threading.Thread(target=worker, args=(jobs[i::WORKERS], errors)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("seeding failed: " + "; ".join(errors[:3]))


def user(name):
    return {"username": name, "email": f"{name}@bench.example", "first_name": "Bench", "last_name": "User"}


run([
    ("/v1/organizations", {
        "name": f"Customer {i}", "country_code": "DE",
        "users": [user(f"c{i}-u{j}") for j in range(per_suborg)],
    })
    for i in range(suborgs)
])
run([("/v1/users", user(f"top-u{j}")) for j in range(top_users)])
