"""ns1-python 0.29.0, unchanged, against Tenantry's NS1 dialect over HTTPS (the SDK builds
https URLs; the server's certificate is self-signed, so the client is told to ignore that, as
NS1's own docs do for Private DNS). The operator made by `tenantry bootstrap` creates an
organization, then acts on its behalf (`key!org_id`) to manage teams, users, API keys, a zone
and its records; the zone is then read through the Tenantry API. Ops calls go through the
SDK's low-level request helper, as the SDK has no wrappers for them."""
import base64
import hashlib
import hmac
import json
import os
import struct
import tempfile
import time
import warnings

from ns1 import NS1
from ns1.rest.errors import AuthException, ResourceException

from tenantry_api import BOOT, rrsets

# The certificate is self-signed on purpose; urllib3 would warn about it on every call.
warnings.filterwarnings('ignore', message='Unverified HTTPS request')

PORT = os.environ['TENANTRY_TLS_PORT']
OPERATOR = BOOT['operator_api_key']


def client(key):
    """An SDK client configured the documented way: a config file naming the endpoint."""
    config = {
        'endpoint': '127.0.0.1',
        'port': PORT,
        'ignore-ssl-errors': True,
        'transport': 'requests',
        'rate_limit_strategy': 'solo',
        'default_key': 'k',
        'keys': {'k': {'key': key, 'desc': 'compat'}},
    }
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        json.dump(config, f)
    try:
        return NS1(configFile=f.name)
    finally:
        os.unlink(f.name)


def totp(secret):
    """The current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret."""
    key = base64.b32decode(secret + '=' * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack('>Q', int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    code = struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f'{code % 1_000_000:06d}'


def expect_error(call, status, message=None):
    try:
        call()
    except ResourceException as err:
        assert err.response.status_code == status, (err.response.status_code, err.body)
        if message is not None:
            assert message in str(err), str(err)
        return
    raise AssertionError(f'expected {status}')


def ops(api, method, path, body=None, params=None):
    """An ops call through the SDK's low-level helper (it sends `null` when given no body)."""
    return api.user()._make_request(method, path, body=body, params=params)


def main():
    operator = client(OPERATOR)

    # Ops: the platform is bootstrapped already, so the unauthenticated bootstrap refuses.
    expect_error(lambda: ops(operator, 'POST', 'ops/bootstrap', {'user': 'late', 'name': 'x'}), 400,
                 'already bootstrapped')
    assert any(o['user'] == 'operator' for o in ops(operator, 'GET', 'ops/operators'))
    org = ops(operator, 'PUT', 'ops/orgs', {'name': 'NS1 Compat'})
    org_id = org['org_id']
    assert org_id > 2000 and org['name'] == 'NS1 Compat'
    assert ops(operator, 'POST', f'ops/orgs/{org_id}', {'name': 'NS1 Compat Ltd'})['name'] == 'NS1 Compat Ltd'
    assert org_id in [o['org_id'] for o in ops(operator, 'GET', 'ops/orgs')]

    api = client(f'{OPERATOR}!{org_id}')

    # Teams, users and API keys.
    team = api.team().create('dns-team', permissions={'dns': {'view_zones': True, 'manage_zones': True,
                                                              'zones_allow_by_default': True}})
    assert team['permissions']['dns']['manage_zones'] and not team['permissions']['account']['manage_users']
    user = api.user().create('Alice Example', 'alice', 'alice@example.com', teams=[team['id']],
                             ip_whitelist=['10.0.0.1'])
    assert user['teams'] == [team['id']] and user['permissions']['dns']['view_zones']
    assert [u['username'] for u in api.user().list()] == ['alice']
    assert api.user().retrieve('alice')['email'] == 'alice@example.com'
    updated = api.user().update('alice', name='Alice B', ip_whitelist_strict=True)
    assert updated['name'] == 'Alice B' and updated['ip_whitelist_strict'] is True
    expect_error(lambda: api.user().create('Again', 'alice', 'other@example.com'), 400,
                 'Login Name is already in use')

    key = api.apikey().create('ci-key', teams=[team['id']])
    assert key['key'].startswith('opk_') and key['permissions']['dns']['manage_zones']
    assert api.apikey().update(key['id'], name='ci-key-2')['name'] == 'ci-key-2'
    assert [k['name'] for k in api.apikey().list()] == ['ci-key-2']
    assert api.team().update(team['id'], name='dns-team-2')['name'] == 'dns-team-2'
    assert [t['name'] for t in api.team().list()] == ['dns-team-2']

    # The new key works on its own: its team lets it manage zones, not users.
    ci = client(key['key'])
    try:
        ci.user().list()
        raise AssertionError('a key without manage_users listed users')
    except ResourceException as err:
        assert err.response.status_code == 403, err.response.status_code

    # A zone and A/MX/TXT records, written with the new key and read back.
    zone = ci.createZone('ns1-compat.example')
    assert zone['zone'] == 'ns1-compat.example'
    zone.add_A('www', ['192.0.2.1', '192.0.2.2'], ttl=300)
    zone.add_MX('ns1-compat.example', [[10, 'mx1.ns1-compat.example'], [20, 'mx2.ns1-compat.example']])
    zone.add_TXT('ns1-compat.example', [['v=spf1 -all']])
    a = ci.loadRecord('www', 'A', zone='ns1-compat.example')
    assert sorted(x['answer'][0] for x in a.data['answers']) == ['192.0.2.1', '192.0.2.2']
    a.update(ttl=120)
    mx = ci.loadRecord('ns1-compat.example', 'MX', zone='ns1-compat.example')
    assert sorted(x['answer'] for x in mx.data['answers']) == [[10, 'mx1.ns1-compat.example'],
                                                              [20, 'mx2.ns1-compat.example']]
    txt = ci.loadRecord('ns1-compat.example', 'TXT', zone='ns1-compat.example')
    assert txt.data['answers'][0]['answer'] == ['v=spf1 -all']
    loaded = ci.loadZone('ns1-compat.example')
    assert {(r['domain'], r['type']) for r in loaded.data['records']} >= {
        ('www.ns1-compat.example', 'A'), ('ns1-compat.example', 'MX'), ('ns1-compat.example', 'TXT')}

    # The same zone through the Tenantry API, by the operator acting for the organization.
    seen = rrsets('ns1-compat.example', key=f'{OPERATOR}!{org_id}')
    assert seen[('www.ns1-compat.example.', 'A')] == (120, ['192.0.2.1', '192.0.2.2']), seen
    assert seen[('ns1-compat.example.', 'MX')][1] == ['10 mx1.ns1-compat.example.', '20 mx2.ns1-compat.example.']
    assert seen[('ns1-compat.example.', 'TXT')][1] == ['"v=spf1 -all"']

    expect_error(lambda: ci.loadZone('missing.example'), 404, 'zone not found')
    expect_error(lambda: ci.loadRecord('nope', 'A', zone='ns1-compat.example'), 404, 'record not found')

    # Ops: an invite token for the user, then the organization's deletion with the operator's TOTP.
    reset = ops(operator, 'POST', f'ops/account/{org_id}/user/alice/password/reset')
    assert len(reset['invite_token']) >= 32
    expect_error(lambda: ops(operator, 'DELETE', f'ops/orgs/{org_id}', params={'token': '000000'}), 403)

    # Removing the records and the zone, then users, keys and teams.
    a.delete()
    ci.loadZone('ns1-compat.example').delete()
    api.apikey().delete(key['id'])
    try:
        ci.zones().list()
        raise AssertionError('a deleted key still authenticates')
    except AuthException:
        pass
    api.user().delete('alice')
    api.team().delete(team['id'])
    assert api.user().list() == [] and api.team().list() == [] and api.apikey().list() == []

    ops(operator, 'DELETE', f'ops/orgs/{org_id}', params={'token': totp(BOOT['operator_totp_secret'])})
    expect_error(lambda: ops(operator, 'GET', f'ops/orgs/{org_id}'), 404, 'organization not found')
    print('ns1-python: ops, teams, users, keys, zone and records, read back both ways: ok')


if __name__ == '__main__':
    main()
