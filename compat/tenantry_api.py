"""The few Tenantry API calls the compatibility checks make to see what the clients did."""
import json
import os
import urllib.error
import urllib.request

URL = os.environ['TENANTRY_URL']
BOOT = json.loads(os.environ['TENANTRY_BOOTSTRAP'])


def call(method, path, body=None, key=None):
    """A Tenantry API call with the bootstrap admin's key, or with `key`."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(URL + path, data=data, method=method)
    request.add_header('X-Api-Key', key or BOOT['api_key'])
    request.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text and text[0] in '{[' else text)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read().decode() or 'null')


def rrsets(zone, key=None):
    """A zone's rrsets as {(name, type): (ttl, sorted records)}."""
    status, body = call('GET', f'/v1/dns/{zone}', key=key)
    assert status == 200, (status, body)
    return {
        (r['name'], r['type']): (r['ttl'], sorted(rec['rdata'] for rec in r['records']))
        for r in body['rrsets']
    }
