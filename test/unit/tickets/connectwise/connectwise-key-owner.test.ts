import { describe, expect, it } from 'vitest';
import { keyOwnerFrom, type KeyOwner } from '../../../../src-main/tickets/connectwise/connectwise-client.js';
import { keyOwnerWarning } from '../../../../src-main/tickets/connectwise/connectwise-connection.js';
import type { CwMember } from '../../../../src-main/tickets/connectwise/connectwise-schemas.js';

const jdoe: CwMember = { id: 1, identifier: 'jdoe' };

describe('whose API keys these are (GET /system/myAccount/{id})', () => {
  it.each<[string, { id: number; identifier?: string | null }, KeyOwner]>([
    ['the same id and identifier', { id: 1, identifier: 'jdoe' }, { kind: 'theirs' }],
    ['the same id, identifier in other case', { id: 1, identifier: 'JDoe' }, { kind: 'theirs' }],
    ['the same id, no identifier sent', { id: 1 }, { kind: 'theirs' }],
    ['the same id, a null identifier', { id: 1, identifier: null }, { kind: 'theirs' }],
    ['another id (CW answered the keys owner)', { id: 2, identifier: 'asmith' }, { kind: 'someone-else', id: 2, identifier: 'asmith' }],
    ['the same id but another identifier', { id: 1, identifier: 'apiuser' }, { kind: 'someone-else', id: 1, identifier: 'apiuser' }],
    ['another id, no identifier', { id: 9 }, { kind: 'someone-else', id: 9, identifier: undefined }],
  ])('a 200 with %s', (_, account, owner) => {
    expect(keyOwnerFrom(jdoe, account)).toEqual(owner);
  });

  it('only a clean mismatch says "not your own"; a refusal says it could not confirm', () => {
    expect(keyOwnerWarning(jdoe, { kind: 'theirs' })).toBeUndefined();
    expect(keyOwnerWarning(jdoe, { kind: 'someone-else', id: 2, identifier: 'asmith' })).toMatch(/^These API keys are asmith's, not jdoe's own\./);
    expect(keyOwnerWarning(jdoe, { kind: 'someone-else', id: 9, identifier: undefined })).toMatch(/^These API keys are member 9's, not jdoe's own\./);
    for (const refusal of ['forbidden', 'not-found', 'auth'] as const) {
      const warning = keyOwnerWarning(jdoe, { kind: 'unconfirmed', refusal });
      expect(warning).toMatch(/^Could not confirm whose API keys these are/);
      expect(warning).not.toMatch(/not jdoe's own/);
    }
    expect(keyOwnerWarning(jdoe, { kind: 'unconfirmed', refusal: 'forbidden' })).toMatch(/security role access to System → My Account/);
  });
});
