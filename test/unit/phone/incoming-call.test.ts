import { describe, expect, it } from 'vitest';
import { withoutControls } from '../../../src-main/phone/incoming-call.js';

describe('withoutControls (the caller’s display name)', () => {
  it('keeps ordinary names, accents and scripts as they are', () => {
    for (const name of ['Alice Adams', 'José Müller-Øster', '山田 太郎', 'محمد', 'O’Brien & Co. (Main line)', '']) expect(withoutControls(name)).toBe(name);
  });

  it('drops line breaks and other C0 controls, so a caller cannot forge log lines', () => {
    expect(withoutControls('Alice\r\n[focusline] Call from Boss: ring')).toBe('Alice[focusline] Call from Boss: ring');
    expect(withoutControls('A\u0000B\u0007C\tD\u001bE')).toBe('ABCDE');
  });

  it('drops DEL and C1 controls', () => {
    expect(withoutControls('A\u007fB\u0085C\u009fD')).toBe('ABCD');
  });

  it('drops bidi overrides and isolates, which would reorder what the tech reads', () => {
    expect(withoutControls('Bank \u202eegnahc\u202c support')).toBe('Bank egnahc support');
    expect(withoutControls('\u2066x\u2067y\u2068z\u2069')).toBe('xyz');
    expect(withoutControls('\u202a\u202b\u202d')).toBe('');
  });

  it('keeps the marks just outside those ranges', () => {
    // LRM/RLM (U+200E/F) and U+2070 are not in the removed ranges.
    expect(withoutControls('a\u200eb\u200fc\u2070')).toBe('a\u200eb\u200fc\u2070');
  });
});
