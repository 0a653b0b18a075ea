import { basename, dirname, extname, resolve } from 'node:path';
import Conf, { type Options } from 'conf';
import { messageOf } from '../../src-shared/errors.js';

/** The settings file's content: one JSON object (groups nested, `$schema` kept), exactly as it is on disk. */
export type SettingsDocument = Record<string, unknown>;

/**
 * The technician's settings file, on conf's API: its path, and its whole
 * content read (`store`) and replaced (`store = …`, an atomic write). Only
 * these two: the settings are validated key by key with zod by their owner
 * (policy/user-settings.ts), not by conf. electron-store is a Conf, so the
 * Electron shell hands one in as it is.
 */
export type SettingsFileStore = Pick<Conf<SettingsDocument>, 'path' | 'store'>;

/**
 * The options both constructors get. All of them are conf's; electron-store
 * takes the same, except that it calls `configName` `name`.
 */
export type SettingsFileOptions = Readonly<
  Required<Pick<Options<SettingsDocument>, 'cwd' | 'configName' | 'fileExtension' | 'clearInvalidConfig' | 'configFileMode' | 'serialize' | 'deserialize'>>
>;

/** Opens the settings file with these options. conf and electron-store read the file as they open, so a broken file throws here. */
export type OpenSettingsFile = (options: SettingsFileOptions) => SettingsFileStore;

/** Web mode (and any Node process): conf itself. */
export const openConfSettingsFile: OpenSettingsFile = (options) => new Conf<SettingsDocument>(options);

/** Why the settings file can't be used; `message` names the file and is written for the technician. */
export class SettingsFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: 'unreadable' | 'not-json' | 'not-an-object',
    message: string,
  ) {
    super(message);
    this.name = 'SettingsFileError';
  }
}

/**
 * conf's options for the settings file at `path` (FOCUSLINE_CONFIG or
 * settings.json in the data folder): the same file and format as ever.
 */
export function settingsFileOptions(path: string): SettingsFileOptions {
  const absolute = resolve(path);
  const extension = extname(absolute);
  return {
    // An absolute folder: conf would otherwise pick its own per-project folder, and
    // electron-store would put a relative one under userData. There is no projectName on
    // purpose, so that losing cwd makes conf throw instead of writing somewhere else.
    cwd: dirname(absolute),
    configName: basename(absolute, extension),
    // Whatever the file is called (FOCUSLINE_CONFIG may name any file); '' means no extension.
    fileExtension: extension.replace(/^\./, ''),
    // A file a person edits by hand must never be wiped because it doesn't parse:
    // conf then throws, and user-settings reports the file and sets it aside on the next save.
    clearInvalidConfig: false,
    // What the file has always had (0644 under the usual umask); no secret stays in it.
    configFileMode: 0o644,
    // Pretty, with a final newline, as people (and diffs) read it; conf's default is tabs without one.
    serialize: (document) => `${JSON.stringify(document, null, 2)}\n`,
    deserialize: (text) => parseSettings(path, text),
  };
}

/** Anything thrown while opening or reading the settings file, as a SettingsFileError naming it. */
export function settingsFileFailure(path: string, error: unknown): SettingsFileError {
  if (error instanceof SettingsFileError) return error;
  return new SettingsFileError(path, 'unreadable', `Can't read ${path}: ${messageOf(error)}`);
}

/**
 * JSON.parse, but only an object is a settings file. conf would turn an
 * array or a string into an object of its characters; here it is a clear
 * error instead. Never a SyntaxError, which conf might treat as "clear it".
 */
function parseSettings(path: string, text: string): SettingsDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SettingsFileError(path, 'not-json', `${path} is not valid JSON: ${messageOf(error)}`);
  }
  if (!isJsonObject(parsed)) throw new SettingsFileError(path, 'not-an-object', `${path} must be a JSON object of settings.`);
  return parsed;
}

function isJsonObject(value: unknown): value is SettingsDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
