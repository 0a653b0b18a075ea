import { describe, expect, it } from 'vitest';
import {
  boundCallerFields,
  boundCallId,
  CALLER_FIELD_LIMITS,
  CALLER_FIELD_WIRE_MAX,
  callerFieldsForWire,
  type CallerFields,
} from '../../../../src-shared/sip/caller-fields.js';

const call: CallerFields = {
  callId: 'abc@pbx',
  fromUri: 'sip:+15550100999@pbx',
  fromUser: '+15550100999',
  displayName: 'Dana',
  assertedIdentity: null,
  toUri: 'sip:tech1@pbx',
};

describe('caller fields bounded before a decision', () => {
  it('leaves fields within their bounds alone', () => {
    expect(boundCallerFields(call)).toEqual({ call, truncated: [] });
  });

  it('cuts each over-long field to its bound, marks the cut, and names it', () => {
    const { call: bounded, truncated } = boundCallerFields({
      ...call,
      displayName: 'A'.repeat(300),
      fromUser: '9'.repeat(520),
      assertedIdentity: `<sip:${'9'.repeat(600)}@x>`,
    });
    expect(bounded.displayName).toHaveLength(CALLER_FIELD_LIMITS.displayName);
    expect(bounded.displayName.endsWith('…')).toBe(true);
    expect(bounded.fromUser).toHaveLength(CALLER_FIELD_LIMITS.fromUser);
    expect(bounded.assertedIdentity).toHaveLength(CALLER_FIELD_LIMITS.assertedIdentity);
    expect(truncated.sort()).toEqual(['assertedIdentity', 'displayName', 'fromUser']);
  });

  it('keeps long Call-IDs apart: same prefix, different calls, different ids within the bound', () => {
    const a = boundCallId(`${'c'.repeat(600)}-1`);
    const b = boundCallId(`${'c'.repeat(600)}-2`);
    expect(a).toHaveLength(CALLER_FIELD_LIMITS.callId);
    expect(a).not.toBe(b);
    expect(boundCallId(`${'c'.repeat(600)}-1`)).toBe(a);
    expect(boundCallerFields({ ...call, callId: `${'c'.repeat(600)}-1` })).toMatchObject({ call: { callId: a }, truncated: ['callId'] });
  });

  it('caps what goes over IPC far above the bounds, so the decision still sees what was too long', () => {
    const wire = callerFieldsForWire({ ...call, displayName: 'A'.repeat(CALLER_FIELD_WIRE_MAX + 10), fromUser: '9'.repeat(520) });
    expect(wire.displayName).toHaveLength(CALLER_FIELD_WIRE_MAX);
    expect(wire.fromUser).toHaveLength(520);
  });
});
