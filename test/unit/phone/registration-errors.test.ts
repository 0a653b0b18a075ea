import { describe, expect, it } from 'vitest';
import { isFatalRejection, rejectionMessage, unreachableMessage } from '../../../src-main/phone/registration-errors.js';

describe('registration error messages', () => {
  it('points at the credentials for 401/403', () => {
    for (const code of [401, 403, 407]) {
      expect(rejectionMessage(code, 'Unauthorized')).toMatch(/auth user and password/);
      expect(isFatalRejection(code)).toBe(true);
    }
  });
  it('keeps retrying on server trouble', () => {
    expect(isFatalRejection(503)).toBe(false);
    expect(rejectionMessage(503, 'Service Unavailable')).toMatch(/keep trying/);
  });
  it('names the server and the retry when unreachable', () => {
    expect(unreachableMessage('wss://pbx.example.com/ws', 4000)).toBe(
      "Can't reach the SIP server at wss://pbx.example.com/ws. Check the server URL and your network connection. Retrying in 4 s.",
    );
  });
});
