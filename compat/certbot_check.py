"""certbot-dns-opusdns 1.0.0's client against Tenantry: two `_acme-challenge` TXT values on
one name (a wildcard and an apex certificate), both served, then removed one by one."""
from certbot_dns_opusdns.opusdns_client import OpusDNSClient

from tenantry_api import BOOT, URL, call, rrsets

# The client waits for public resolvers to see the record; a CI machine has none to ask.
OpusDNSClient._wait_for_propagation = lambda self, name, content: None

NAME = ('_acme-challenge.certbot.example.', 'TXT')


def main():
    status, body = call('POST', '/v1/dns', {'name': 'certbot.example.'})
    assert status == 201, (status, body)
    client = OpusDNSClient(api_key=BOOT['api_key'], api_endpoint=URL, ttl=60)

    client.add_txt_record('_acme-challenge.certbot.example', 'wildcard-token', 60)
    client.add_txt_record('_acme-challenge.certbot.example', 'apex-token', 60)
    assert rrsets('certbot.example')[NAME][1] == ['"apex-token"', '"wildcard-token"']
    status, zone_file = call('GET', '/v1/dns/certbot.example/export')
    assert status == 200 and '"wildcard-token"' in zone_file and '"apex-token"' in zone_file

    client.del_txt_record('_acme-challenge.certbot.example', 'wildcard-token')
    assert rrsets('certbot.example')[NAME][1] == ['"apex-token"']
    client.del_txt_record('_acme-challenge.certbot.example', 'apex-token')
    assert NAME not in rrsets('certbot.example')
    print('certbot: two challenges added, served, removed one by one: ok')


if __name__ == '__main__':
    main()
