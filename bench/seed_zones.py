#!/usr/bin/env python3
"""Creates many small zones for the name server's benchmark, through the API, and writes each
zone's export (its RFC 1035 master file) for BIND to load the same zones (standard library).

Zone `zN.bench.` holds an apex A, MX and TXT, `www` A and `mail` A.

    seed_zones.py BASE_URL API_KEY COUNT EXPORT_DIR
"""
import http.client
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

base, key, count, export_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
url = urlparse(base)
headers = {"X-Api-Key": key, "Content-Type": "application/json"}


def zone_body(i):
    return {
        "name": f"z{i}.bench",
        "rrsets": [
            {"name": "@", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]},
            {"name": "@", "type": "MX", "ttl": 300, "records": [{"rdata": "10 mail"}]},
            {"name": "@", "type": "TXT", "ttl": 300, "records": [{"rdata": "\"v=spf1 mx -all\""}]},
            {"name": "www", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.2"}]},
            {"name": "mail", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.3"}]},
        ],
    }


def seed(worker):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    for i in range(worker, count, 4):
        conn.request("POST", "/v1/dns", json.dumps(zone_body(i)), headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 201:
            sys.exit(f"POST /v1/dns z{i}: {response.status} {payload[:300]!r}")
        conn.request("GET", f"/v1/dns/z{i}.bench./export", headers=headers)
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            sys.exit(f"GET export z{i}: {response.status} {text[:300]!r}")
        with open(os.path.join(export_dir, f"z{i}.bench.zone"), "wb") as out:
            out.write(text)


with ThreadPoolExecutor(4) as pool:
    list(pool.map(seed, range(4)))
