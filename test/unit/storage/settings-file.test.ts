import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openConfSettingsFile,
  settingsFileFailure,
  settingsFileOptions,
  type SettingsFileError,
  type SettingsFileStore,
} from '../../../src-main/storage/settings-file.js';

const dir = () => mkdtemp(join(tmpdir(), 'fl-settings-file-'));

/** What opening threw, as the settings code sees it. */
function openFailure(path: string): SettingsFileError {
  let document: unknown;
  try {
    document = openConfSettingsFile(settingsFileOptions(path)).store;
  } catch (error) {
    return settingsFileFailure(path, error);
  }
  throw new Error(`expected ${path} to fail to open, but it read ${JSON.stringify(document)}`);
}

describe('the settings file on conf', () => {
  it('is exactly the file it is given, whatever its name, and nothing else in its folder', async () => {
    const d = await dir();
    for (const name of ['settings.json', 'managed.conf', 'focusline', 'team.settings.json']) {
      const path = join(d, name);
      const file: SettingsFileStore = openConfSettingsFile(settingsFileOptions(path));
      file.store = { focus: { action: 'busy' } };
      expect(file.path).toBe(path);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ focus: { action: 'busy' } });
    }
    expect((await readdir(d)).sort()).toEqual(['focusline', 'managed.conf', 'settings.json', 'team.settings.json']);
  });

  it('takes a relative path from the working folder, as reading the file always did (electron-store would take it from userData)', () => {
    expect(settingsFileOptions('some/where/settings.json')).toMatchObject({
      cwd: join(process.cwd(), 'some', 'where'),
      configName: 'settings',
      fileExtension: 'json',
    });
  });

  it('writes pretty JSON with a final newline, key order kept, readable by others but writable by the owner only', async () => {
    const path = join(await dir(), 'settings.json');
    const file = openConfSettingsFile(settingsFileOptions(path));
    file.store = { $schema: './settings.schema.json', account: { sipUri: 'sip:1001@pbx.example.com' }, iceServers: [] };
    expect(await readFile(path, 'utf8')).toBe(
      ['{', '  "$schema": "./settings.schema.json",', '  "account": {', '    "sipUri": "sip:1001@pbx.example.com"', '  },', '  "iceServers": []', '}', ''].join(
        '\n',
      ),
    );
    expect((await stat(path)).mode & 0o777).toBe(0o644);
  });

  it('reads a missing file as empty, without creating it', async () => {
    const path = join(await dir(), 'settings.json');
    expect(openConfSettingsFile(settingsFileOptions(path)).store).toEqual({});
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a file that is not JSON, naming it, and leaves it as it was (conf never clears it)', async () => {
    const path = join(await dir(), 'settings.json');
    await writeFile(path, '{ "account": { "wsServer": ');
    const failure = openFailure(path);
    expect(failure.kind).toBe('not-json');
    expect(failure.message.startsWith(`${path} is not valid JSON: `)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('{ "account": { "wsServer": ');
  });

  it.each([['[1, 2]'], ['"settings"'], ['null'], ['42']])('refuses %s: a settings file is a JSON object', async (text) => {
    const path = join(await dir(), 'settings.json');
    await writeFile(path, text);
    const failure = openFailure(path);
    expect(failure.kind).toBe('not-an-object');
    expect(failure.message).toBe(`${path} must be a JSON object of settings.`);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('reports a file it cannot read by name', async () => {
    // A folder where the file should be: unreadable as a file, even for root (which ignores permissions).
    const path = join(await dir(), 'settings.json');
    await mkdir(path);
    const failure = openFailure(path);
    expect(failure.kind).toBe('unreadable');
    expect(failure.message.startsWith(`Can't read ${path}: EISDIR`)).toBe(true);
  });
});
