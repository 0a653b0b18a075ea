import { describe, expect, it } from 'vitest';
import { channelFor, commands, events, type CommandName, type EventName } from '../../../../src-main/ipc/contract.js';
import { COMMAND_NAMES, EVENT_NAMES, ipcChannel, isListedCommand, isListedEvent } from '../../../../src-main/ipc/names.js';

describe('the preload-safe name lists', () => {
  it('list exactly the contract commands, in the same order', () => {
    expect([...COMMAND_NAMES]).toEqual(Object.keys(commands));
  });

  it('list exactly the contract events, in the same order', () => {
    expect([...EVENT_NAMES]).toEqual(Object.keys(events));
  });

  it('name the same IPC channels as the contract', () => {
    for (const name of [...COMMAND_NAMES, ...EVENT_NAMES] as Array<CommandName | EventName>) {
      expect(ipcChannel(name)).toBe(channelFor(name));
    }
  });

  it('do not mistake inherited object keys for names', () => {
    for (const sneaky of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'settings.get ']) {
      expect(isListedCommand(sneaky)).toBe(false);
      expect(isListedEvent(sneaky)).toBe(false);
    }
    expect(isListedCommand(42)).toBe(false);
  });
});
