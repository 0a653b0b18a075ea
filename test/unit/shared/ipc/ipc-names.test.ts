import { describe, expect, it } from 'vitest';
import { commands, events } from '../../../../src-main/ipc/contract.js';
import { COMMAND_NAMES, EVENT_NAMES, channelFor, isCommandName, isEventName } from '../../../../src-shared/ipc/ipc-names.js';

describe('the name lists (the contract gives each name its schemas)', () => {
  it('list exactly the contract commands, in the same order', () => {
    expect([...COMMAND_NAMES]).toEqual(Object.keys(commands));
  });

  it('list exactly the contract events, in the same order', () => {
    expect([...EVENT_NAMES]).toEqual(Object.keys(events));
  });

  it('name every IPC channel under the one prefix main accepts', () => {
    for (const name of [...COMMAND_NAMES, ...EVENT_NAMES]) expect(channelFor(name)).toBe(`focusline:${name}`);
    expect(new Set([...COMMAND_NAMES, ...EVENT_NAMES].map(channelFor)).size).toBe(COMMAND_NAMES.length + EVENT_NAMES.length);
  });

  it('do not mistake inherited object keys for names', () => {
    for (const sneaky of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'settings.get ']) {
      expect(isCommandName(sneaky)).toBe(false);
      expect(isEventName(sneaky)).toBe(false);
    }
    expect(isCommandName(42)).toBe(false);
  });
});
