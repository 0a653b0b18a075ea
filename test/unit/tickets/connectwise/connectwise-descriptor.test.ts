import { describe, expect, it } from 'vitest';
import { connectWisePsa } from '../../../../src-main/tickets/connectwise/connectwise-descriptor.js';

describe('Settings → PSA form for ConnectWise', () => {
  it("leads with the technician's own API keys, not an API member's", () => {
    expect(connectWisePsa.form.hint).toMatch(/^Your own API keys \(My Account → API Keys\)/);
  });

  it('marks the member identifier as needed (configFrom does not refuse it empty, so the form must say it)', () => {
    const field = connectWisePsa.form.fields.find((f) => f.key === 'psa.connectwise.memberIdentifier');
    expect(field?.label).toMatch(/\(needed\)$/);
    expect(connectWisePsa.form.hint).toMatch(/member identifier.*needed/);
  });
});
