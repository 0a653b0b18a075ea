import { execFile } from 'node:child_process';

export type CommandResult = { code: number; stdout: string; stderr: string };

/**
 * Runs a program and resolves with its exit code and output; rejects only
 * when it couldn't run at all (missing, timed out). Injected into the
 * registry and plist sources so tests feed them captured output.
 */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

export const execFileRunner: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { windowsHide: true, timeout: 15_000, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (typeof err.code !== 'number' || err.killed)) {
        reject(err);
        return;
      }
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
