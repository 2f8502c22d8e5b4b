import { expect } from 'chai';
import { isTlsOrLoopback } from '../../../src/adapters/http/credential-url.js';

describe('isTlsOrLoopback: where credentials may be sent', () => {
  const accepted = [
    'https://api.twilio.com',
    'https://oauth2.googleapis.com/token',
    'http://127.0.0.1:4010',
    'http://127.255.255.254/',
    'http://127.1:8080/token',
    'http://localhost:9099/token',
    'http://LOCALHOST/',
    'http://[::1]:4010',
    'http://[0:0:0:0:0:0:0:1]/',
  ];
  const refused = [
    'http://api.twilio.com',
    'http://fcm.googleapis.com',
    'http://128.0.0.1/',
    'http://10.0.0.1/',
    'http://0.0.0.0/',
    'http://localhost.example.com/',
    'http://127.0.0.1.nip.io/',
    'http://[::ffff:7f00:1]/',
    'ftp://127.0.0.1/',
    'not a url',
  ];
  for (const url of accepted) it(`accepts ${url}`, () => expect(isTlsOrLoopback(url)).to.equal(true));
  for (const url of refused) it(`refuses ${url}`, () => expect(isTlsOrLoopback(url)).to.equal(false));
});
