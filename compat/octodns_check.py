"""octoDNS 1.22 with octodns-opusdns 1.2.0 against Tenantry.

1. The first sync creates new.example.org. and fills both zones with every record type the
   provider supports.
2. A second sync plans nothing.
3. After an edit of the YAML (one changed value, one new record), the plan holds exactly that
   edit, applying it works, and the next plan is empty again.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from tenantry_api import BOOT, URL, call, rrsets

HERE = os.path.dirname(os.path.abspath(__file__))


def sync(work, doit):
    env = dict(
        os.environ,
        OPUSDNS_CLIENT_ID=BOOT['client_id'],
        OPUSDNS_CLIENT_SECRET=BOOT['client_secret'],
        OPUSDNS_API_URL=URL + '/v1',
    )
    command = [sys.executable, os.path.join(HERE, 'octodns', 'sync.py'), '--quiet',
               '--config-file', 'config.yaml']
    if doit:
        command.append('--doit')
    subprocess.run(command, cwd=work, env=env, check=True)
    with open(os.path.join(work, 'plan.json')) as fh:
        return json.load(fh)


def changes(plan):
    """{(zone, change type, name, record type)} of a PlanJson output."""
    return {
        (zone, c['type'], c['name'], c['record_type'])
        for zones in plan.values()
        for zone, data in zones.items()
        for c in data['changes']
    }


def main():
    work = tempfile.mkdtemp()
    shutil.copy(os.path.join(HERE, 'octodns', 'config.yaml'), work)
    shutil.copytree(os.path.join(HERE, 'octodns', 'zones'), os.path.join(work, 'zones'))
    # example.com. exists already (with its SOA and NS only); new.example.org. does not.
    status, body = call('POST', '/v1/dns', {'name': 'example.com'})
    assert status == 201, (status, body)

    first = changes(sync(work, doit=True))
    zones = {zone for zone, *_ in first}
    assert zones == {'example.com.', 'new.example.org.'}, first
    served = rrsets('example.com.')
    types = {rtype for (_, rtype) in served}
    wanted = {'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS', 'PTR', 'SSHFP', 'TLSA',
              'NAPTR', 'HTTPS', 'SVCB', 'URI'}
    assert wanted <= types, sorted(wanted - types)
    assert served[('delegated.example.com.', 'NS')][1] == ['ns1.other.net.', 'ns2.other.net.']
    txt = served[('example.com.', 'TXT')][1]
    assert any('\\"quoted\\"' in value for value in txt), txt
    assert rrsets('new.example.org.')[('new.example.org.', 'A')][1] == ['198.51.100.7']

    second = sync(work, doit=False)
    assert second == {}, f'a second sync plans changes: {second}'

    shutil.copy(os.path.join(HERE, 'octodns', 'edited', 'example.com.yaml'),
                os.path.join(work, 'zones', 'example.com.yaml'))
    edit = changes(sync(work, doit=False))
    assert edit == {('example.com.', 'update', '', 'A'), ('example.com.', 'create', 'added', 'A')}, edit
    assert changes(sync(work, doit=True)) == edit
    served = rrsets('example.com.')
    assert served[('example.com.', 'A')][1] == ['192.0.2.1', '192.0.2.3']
    assert served[('added.example.com.', 'A')][1] == ['203.0.113.50']
    assert sync(work, doit=False) == {}, 'the sync after the edit plans changes'
    print('octodns: first sync, empty second plan, exact edit: ok')


if __name__ == '__main__':
    main()
