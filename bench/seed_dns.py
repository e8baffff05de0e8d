#!/usr/bin/env python3
"""Creates zones of a given size for the DNS benchmark, through the API (standard library).

Each zone is created empty, then filled with one PUT of COUNT A rrsets (`host-N`).

    seed_dns.py BASE_URL API_KEY ZONE COUNT [ZONE COUNT ...]
"""
import http.client
import json
import sys
from urllib.parse import urlparse

base, key, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
url = urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"X-Api-Key": key, "Content-Type": "application/json"}


def call(method, path, body, expected):
    conn.request(method, path, json.dumps(body), headers)
    response = conn.getresponse()
    payload = response.read()
    if response.status != expected:
        sys.exit(f"{method} {path}: {response.status} {payload[:300]!r}")


for zone, count in zip(pairs[::2], pairs[1::2]):
    call("POST", "/v1/dns", {"name": zone}, 201)
    rrsets = [
        {"name": f"host-{i}", "type": "A", "ttl": 300,
         "records": [{"rdata": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}]}
        for i in range(int(count))
    ]
    call("PUT", f"/v1/dns/{zone}/rrsets", {"rrsets": rrsets}, 204)
