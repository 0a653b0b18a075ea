import { describe, expect, it } from 'vitest';
import { redactAndCut, redactText, redactValue, requestSecrets } from '../../../src-main/tickets/psa-redaction.js';

const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
const TOKEN = '1-14-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('redactText', () => {
  it.each([
    ['a known secret anywhere', `bad token ${TOKEN} for root`, [TOKEN], 'bad token [redacted] for root'],
    ['a known secret, URL-encoded', 'secret=a%2Bb%2Fc%3Dd', ['a+b/c=d'], 'secret=[redacted]'],
    ['a known secret, JSON-escaped', 'got "pa\\"ss\\\\word"', ['pa"ss\\word'], 'got "[redacted]"'],
    ['the longer of two overlapping secrets whole', 'k=abcdef123456', ['abcdef', 'abcdef123456'], 'k=[redacted]'],
    ['an Authorization header line', 'Authorization: Bearer abc.def.ghi\nnext', [], 'Authorization: [redacted]\nnext'],
    ['a Cookie and a Set-Cookie line', 'Cookie: sid=1; x=2\nSet-Cookie: sid=3; HttpOnly', [], 'Cookie: [redacted]\nSet-Cookie: [redacted]'],
    ['a Bearer credential in prose', 'rejected Bearer eyAbc123_-xyz.q', [], 'rejected Bearer [redacted]'],
    ['a Basic credential in prose', 'sent Basic Y286cHViK3ByaXY6c2VjcmV0', [], 'sent Basic [redacted]'],
    ["RT's token scheme", `header was "token ${TOKEN}"`, [], 'header was "token [redacted]"'],
    ['a JSON member with a sensitive name', '{"access_token": "zzz", "ok": 1}', [], '{"access_token": [redacted], "ok": 1}'],
    ['form and query pairs', 'grant_type=client_credentials&client_secret=s3cr3t&x=1', [], 'grant_type=client_credentials&client_secret=[redacted]&x=1'],
    ['a JWT', 'token eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl was bad', [], 'token [redacted] was bad'],
  ])('hides %s', (_what, text, secrets, expected) => {
    expect(redactText(text, secrets)).toBe(expected);
  });

  it.each([
    ['a plain reason', 'Ticket 42 does not exist'],
    ['words after a scheme name', 'Basic authentication failed'],
    ['a short word after token', 'token expired'],
    ['a secret too short to be one', 'id is 1'],
  ])('leaves %s readable', (_what, text) => {
    expect(redactText(text, ['1'])).toBe(text);
  });
});

describe('redactAndCut', () => {
  it('redacts before cutting, so no half of a secret survives the cut', () => {
    const text = `${'x'.repeat(195)}${TOKEN}`;
    const out = redactAndCut(text, [TOKEN]);
    expect(out).toBe(`${'x'.repeat(195)}[redacted]`.slice(0, 199) + '…');
    expect(out).not.toContain(TOKEN.slice(0, 6));
  });
});

describe('redactValue', () => {
  it('hides sensitive members and secrets inside strings, at any depth', () => {
    expect(
      redactValue({ message: `no such token ${TOKEN}`, echo: { headers: { Authorization: 'whatever', Accept: 'json' } }, errors: [{ password: 'x' }] }, [
        TOKEN,
      ]),
    ).toEqual({
      message: 'no such token [redacted]',
      echo: { headers: { Authorization: '[redacted]', Accept: 'json' } },
      errors: [{ password: '[redacted]' }],
    });
  });
});

describe('requestSecrets', () => {
  it('finds the credentials a request carries', () => {
    const basic = Buffer.from('acme+pubkey:privkey-123').toString('base64');
    expect(
      requestSecrets(
        {
          url: 'https://u:p%40ss@psa.example/api?api_key=qk-1&page=2',
          headers: { authorization: `Basic ${basic}`, accept: 'application/json', Secret: 'at-secret', ApiIntegrationCode: 'AT-CODE' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'halo-secret' }),
        },
        decode,
      ),
    ).toEqual([`Basic ${basic}`, basic, 'acme+pubkey:privkey-123', 'privkey-123', 'at-secret', 'AT-CODE', 'halo-secret', 'p@ss', 'qk-1']);
  });
});
