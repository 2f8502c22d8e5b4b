import { expect } from 'chai';
import { addressRefusal, checkWebhookUrl } from '../../../../src/adapters/webhook/private-network.js';

function reason(url: string, allowPrivate = false): string | null {
  const check = checkWebhookUrl(url, allowPrivate);
  return check.ok ? null : check.reason;
}

describe('checkWebhookUrl', () => {
  const refusedHosts: Array<[string, string]> = [
    ['http://127.0.0.1/hook', '127.0.0.1 is a loopback address'],
    ['http://127.8.9.10/hook', '127.8.9.10 is a loopback address'],
    ['https://10.1.2.3/hook', '10.1.2.3 is a private address'],
    ['https://172.16.0.1/hook', '172.16.0.1 is a private address'],
    ['https://172.31.255.254/hook', '172.31.255.254 is a private address'],
    ['https://192.168.1.1/hook', '192.168.1.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is the cloud metadata address'],
    ['http://[::1]:8080/hook', '::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 (127.0.0.1) is a loopback address'],
    ['http://[::ffff:169.254.169.254]/hook', '::ffff:a9fe:a9fe (169.254.169.254) is the cloud metadata address'],
    ['http://0.0.0.0:3000/hook', '0.0.0.0 is an unspecified address'],
    ['http://[::]/hook', ':: is an unspecified address'],
    ['https://[fc00::1]/hook', 'fc00::1 is a private (unique local) address'],
    ['https://[fd12:3456::1]/hook', 'fd12:3456::1 is a private (unique local) address'],
    ['https://[fe80::1]/hook', 'fe80::1 is a link-local address'],
    ['https://100.64.0.1/hook', '100.64.0.1 is a carrier-grade NAT address'],
    ['https://224.0.0.1/hook', '224.0.0.1 is a multicast address'],
    ['https://255.255.255.255/hook', '255.255.255.255 is the broadcast address'],
    ['http://2130706433/hook', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/hook', '127.0.0.1 is a loopback address'],
    ['https://169.254.10.20/hook', '169.254.10.20 is a link-local address'],
    ['https://[fd00:ec2::254]/hook', 'fd00:ec2::254 is the cloud metadata address'],
    ['https://192.0.2.10/hook', '192.0.2.10 is a reserved address'],
    ['https://[2001:db8::1]/hook', '2001:db8::1 is a reserved address'],
    ['http://[64:ff9b::7f00:1]/hook', '64:ff9b::7f00:1 (127.0.0.1) is a loopback address'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', '64:ff9b::a9fe:a9fe (169.254.169.254) is the cloud metadata address'],
    ['http://[::127.0.0.1]/hook', '::7f00:1 is an IPv4-compatible address (deprecated, reaches IPv4 through a tunnel)'],
    ['https://[::808:808]/hook', '::808:808 is an IPv4-compatible address (deprecated, reaches IPv4 through a tunnel)'],
    ['http://[64:ff9b:1::a9fe:a9fe]/hook', '64:ff9b:1::a9fe:a9fe is a local-use NAT64 address (translated to IPv4 by this network)'],
    ['https://[64:ff9b:1::808:808]/hook', '64:ff9b:1::808:808 is a local-use NAT64 address (translated to IPv4 by this network)'],
  ];
  for (const [url, why] of refusedHosts) {
    it(`refuses ${url}`, () => expect(reason(url)).to.equal(`refused webhook URL: its host ${why}, not a public one`));
  }

  for (const url of ['https://hooks.example.com/notify', 'https://93.184.215.14/notify', 'http://8.8.8.8:8080/x?y=1', 'https://[2606:4700:4700::1111]/hook', 'https://172.32.0.1/hook', 'https://100.128.0.1/hook', 'https://[64:ff9b::5db8:d70e]/hook']) {
    it(`allows ${url}`, () => expect(reason(url)).to.equal(null));
  }

  it('allows every private address when private networks are allowed', () => {
    for (const [url] of refusedHosts) expect(reason(url, true), url).to.equal(null);
  });

  it('refuses the addresses a name resolves to in ::/96 and 64:ff9b:1::/48 whatever they carry, and still names :: and ::1 for what they are', () => {
    expect(['::7f00:1', '::a9fe:a9fe', '64:ff9b:1:7f00:1::', '::', '::1'].map(addressRefusal).map((r) => r?.replace(/ \(.*\)|, not a public one/g, ''))).to.deep.equal([
      '::7f00:1 is an IPv4-compatible address',
      '::a9fe:a9fe is an IPv4-compatible address',
      '64:ff9b:1:7f00:1:: is a local-use NAT64 address',
      ':: is an unspecified address',
      '::1 is a loopback address',
    ]);
  });

  it('leaves host names to the lookup guard: it cannot know what they will resolve to when connecting', () => {
    expect(reason('http://localhost:8080/hook')).to.equal(null);
  });

  it('refuses what is not an http(s) URL, a URL with credentials, and one over 2,048 characters', () => {
    expect(reason('hooks.example.com/notify')).to.equal('refused webhook URL: it is not a URL');
    expect(reason('ftp://hooks.example.com/notify')).to.equal('refused webhook URL: it must start with https:// or http://');
    expect(reason('file:///etc/passwd')).to.equal('refused webhook URL: it must start with https:// or http://');
    expect(reason('https://user:secret@hooks.example.com/notify')).to.equal('refused webhook URL: it must not carry credentials');
    expect(reason(`https://hooks.example.com/${'a'.repeat(2_048)}`)).to.equal('refused webhook URL: the URL is longer than 2048 characters');
    expect(reason(`https://hooks.example.com/${'a'.repeat(2_048 - 26)}`)).to.equal(null);
  });
});
