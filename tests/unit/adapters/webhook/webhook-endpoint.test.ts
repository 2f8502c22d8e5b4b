import { expect } from 'chai';
import { endpointOf, shownEndpoint } from '../../../../src/adapters/webhook/webhook-endpoint.js';

describe('endpointOf', () => {
  it('names an endpoint scheme://host:port/path', () => {
    expect(endpointOf('https://Hooks.Example.com/x')).to.equal('https://hooks.example.com:443/x');
    expect(endpointOf('http://127.0.0.1:8080/x/y')).to.equal('http://127.0.0.1:8080/x/y');
    expect(endpointOf('http://[::1]')).to.equal('http://[::1]:80/');
    expect(endpointOf('mailto:ada@example.com')).to.equal(null);
    expect(endpointOf('not a url')).to.equal(null);
  });

  it('tells two paths of one host apart: two customers of one relay', () => {
    expect(endpointOf('https://hooks.example.com/services/T1/B1')).not.to.equal(endpointOf('https://hooks.example.com/services/T2/B2'));
  });

  it('gives one name to the spellings of one endpoint: the default port spelled or not, any query or fragment', () => {
    const spellings = ['https://a.example/hook', 'https://A.EXAMPLE:443/hook', 'https://a.example/hook?x=1', 'https://a.example/./hook#f'];
    expect(new Set(spellings.map(endpointOf))).to.deep.equal(new Set(['https://a.example:443/hook']));
  });
});

describe('shownEndpoint', () => {
  it('shows the origin and a digest of the path, never the path (it may carry a token)', () => {
    const shown = shownEndpoint('https://hooks.example.com:443/services/T000/B000/XXXXSECRET');
    expect(shown).to.match(/^https:\/\/hooks\.example\.com:443 #[0-9a-f]{12}$/);
    expect(shown).not.to.contain('SECRET');
    expect(shownEndpoint('https://a.example:443/hook')).to.equal('https://a.example:443 #6fc2d0517add');
  });
});
