// Request Tracker 5 (Debian's request-tracker5 + rt5-db-sqlite) on 127.0.0.1
// for the live RT adapter tests: its own RT_SiteConfig.pm and SQLite file in
// a temp folder, rt-server (Starlet) on a free port, stopped by PID. One Perl
// script run at setup creates the users, rights and auth tokens the tests
// need, so setup costs a few seconds, not hundreds of HTTP calls.
// Recipe and gotchas: /work/shared/notes/psa-apis.md §9 and rt-testbed.sh.
//
// Everything RT writes stays in the work folder. Debian builds RT with
// /var/cache/request-tracker5 (Mason's compiled components, web sessions) and
// /var/lib/request-tracker5 baked into RT::Generated; the package leaves the
// cache www-data-owned, mode 2750, which root inside the tests' user namespace
// (unshare -rn) can't write. A machine that once ran RT as real root has the
// files already, so only a fresh machine showed it. Hence:
// - the site config points RT's VarPath, MasonDataDir and MasonSessionDir
//   (package variables, not Set() options) and TMPDIR into the work folder;
// - every RT process runs in a private mount namespace in which RT's system
//   folders are empty and read-only, so any write there, or any read of
//   /etc/request-tracker5, fails here as it would on a fresh machine.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeTcpPort } from './ports.js';
import { delay, spawnManaged, waitFor, type ManagedProcess } from './processes.js';
import { makeWorkDir, removeWorkDir } from './workdirs.js';

const RT_LIB = '/usr/share/request-tracker5/lib';
const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const RT_SETUP_DATABASE = '/usr/sbin/rt-setup-database-5';
const SETUP_TIMEOUT_MS = 60_000;
const UNSHARE = '/usr/bin/unshare';
/** RT's folders outside the work folder, as Debian's package lays them out: sealed while RT runs. */
export const RT_SYSTEM_FOLDERS = ['/etc/request-tracker5', '/var/cache/request-tracker5', '/var/lib/request-tracker5', '/var/log/request-tracker5'] as const;

export interface RtOptions {
  /** Extra requesters "bulk-NNN@bulk.example" (with phone numbers), created by the setup script (paging tests). */
  bulkContacts?: number;
  startTimeoutMs?: number;
  /**
   * Leave RT's cache and var folders at Debian's defaults instead of the work
   * folder. Only for the test that proves the seal on the system folders
   * bites: RT must then fail to start.
   */
  useDebianSystemFolders?: boolean;
}

export interface RtUserFields {
  Name: string;
  EmailAddress?: string;
  RealName?: string;
  Organization?: string;
  WorkPhone?: string;
  MobilePhone?: string;
  HomePhone?: string;
  Privileged?: boolean;
}

export interface RtTicketFields {
  Subject: string;
  Requestor?: string | string[];
  Owner?: string;
  Status?: string;
  Queue?: string;
  Content?: string;
}

/** One transaction of a ticket's history, with the text of its text/plain attachments. */
export interface RtHistoryEntry {
  id: string;
  type: string;
  creator: string;
  timeTaken: string;
  field: string;
  newValue: string;
  content: string;
}

export interface RtServer {
  /** RT's web base URL (REST2 is under /REST/2.0), what the adapter's config takes. */
  readonly url: string;
  readonly port: number;
  readonly workDir: string;
  /** root: superuser, for the test's own setup and checks. */
  readonly rootToken: string;
  /** tech1: a technician with the rights a real deployment grants (see TECH_RIGHTS). */
  readonly techToken: string;
  readonly techUser: 'tech1';
  /** limited1: privileged, same queue rights, but no AdminUsers, so requesters' phone fields are hidden. */
  readonly restrictedToken: string;
  readonly restrictedUser: 'limited1';
  /** PID of the current rt-server (changes on restart()). */
  readonly pid: number;
  /** ms for the whole setup (DB init, users, server up). */
  readonly setupMs: number;
  /** Where the setup time went: rt-setup-database, the Perl setup script, rt-server until REST2 answers. */
  readonly setupPhasesMs: { initDb: number; setupScript: number; serverUp: number };
  /** Stops rt-server (RT down) but keeps the workdir and database: restart() brings it back. */
  stop(): Promise<void>;
  /** Starts rt-server again on the same port and database (stops it first when running). */
  restart(): Promise<void>;
  /** Stops rt-server and removes the workdir. */
  dispose(): Promise<void>;
  isRunning(): boolean;
  /** rt-server output and RT's log of every run so far. */
  log(): string;

  createUser(fields: RtUserFields): Promise<string>;
  createTicket(fields: RtTicketFields): Promise<string>;
  setOwnerStatus(ticketId: string, owner: string, status: string): Promise<void>;
  /** Ticket ids for a TicketSQL query, as root sees them (all of them). */
  searchTickets(query: string): Promise<string[]>;
  ticketHistory(ticketId: string): Promise<RtHistoryEntry[]>;
  /** A REST2 call as root, for anything the helpers above don't cover. */
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * What a technician gets in a typical deployment, granted to a "Technicians"
 * group (the way RT admins do it) rather than to the user.
 * - AdminUsers (global) is the only right that lets REST2 show another
 *   user's WorkPhone/MobilePhone/HomePhone (RT::User::CurrentUserCanSee;
 *   ShowUserHistory does not): without it every requester's numbers come
 *   back empty.
 * - SeeGroup (global) lets the adapter read the members of the tech's RT
 *   groups (the coworker directory, src-main/tickets/rt/rt-coworkers.ts).
 * - ManageAuthTokens lets the tech create their own token in RT's UI.
 */
export const TECH_QUEUE_RIGHTS = [
  'SeeQueue',
  'ShowTicket',
  'CreateTicket',
  'ModifyTicket',
  'CommentOnTicket',
  'ReplyToTicket',
  'OwnTicket',
  'TakeTicket',
  'ShowTicketComments',
  'Watch',
] as const;
export const TECH_GLOBAL_RIGHTS = ['AdminUsers', 'SeeGroup', 'ManageAuthTokens'] as const;
export const RESTRICTED_GLOBAL_RIGHTS = ['ManageAuthTokens'] as const;

const SETUP_SCRIPT = String.raw`
use strict; use warnings;
use RT; use JSON ();
RT::LoadConfig(); RT::Init();
my $sys = RT->SystemUser;
sub must { my ($ok, $msg) = @_; die "$msg\n" unless $ok; return $ok }
sub user { my %a = @_; my $u = RT::User->new($sys); must($u->Create(%a)); return $u }
sub token {
  my $u = shift;
  # As the user itself: what "Settings -> Auth Tokens" does (needs ManageAuthTokens).
  my ($id, $msg, $token) = RT::AuthToken->new(RT::CurrentUser->new($u))->Create(Owner => $u->id, Description => 'focusline tests');
  die "token for " . $u->Name . ": $msg\n" unless $id;
  return $token;
}
sub group_with_rights {
  my ($name, $queue_rights, $global_rights, @members) = @_;
  my $g = RT::Group->new($sys);
  must($g->CreateUserDefinedGroup(Name => $name));
  my $queue = RT::Queue->new($sys); $queue->Load('General');
  must($g->PrincipalObj->GrantRight(Right => $_, Object => $queue)) for @$queue_rights;
  must($g->PrincipalObj->GrantRight(Right => $_, Object => RT->System)) for @$global_rights;
  must($g->AddMember($_->PrincipalId)) for @members;
}
my %in = %{ JSON::decode_json($ENV{FOCUSLINE_RT_SETUP}) };
my $tech = user(Name => 'tech1', RealName => 'Tech One', EmailAddress => 'tech1@msp.example', Privileged => 1);
my $limited = user(Name => 'limited1', RealName => 'Limited Tech', EmailAddress => 'limited1@msp.example', Privileged => 1);
group_with_rights('Technicians', $in{queueRights}, $in{techGlobalRights}, $tech);
group_with_rights('Helpdesk (limited)', $in{queueRights}, $in{restrictedGlobalRights}, $limited);
my $root = RT::User->new($sys); $root->Load('root');
# Everyone on staff, with no rights of its own: where RT with the fix for
# CVE-2026-108353 lets the adapter find a tech's coworkers (rt-coworkers.ts).
group_with_rights('Staff', [], [], $tech, $limited, $root);

$RT::Handle->BeginTransaction;
for my $n (1 .. $in{bulkContacts}) {
  my $nnn = sprintf('%03d', $n);
  user(Name => "bulk-$nnn\@bulk.example", EmailAddress => "bulk-$nnn\@bulk.example", RealName => "Bulk Contact $nnn",
       Organization => 'Bulk Co', WorkPhone => sprintf('+1 (555) 02%d-%04d', int($n / 1000), $n % 1000));
}
$RT::Handle->Commit;

print JSON::encode_json({ root => token($root), tech => token($tech), restricted => token($limited) }), "\n";
`;

interface Layout {
  workDir: string;
  port: number;
  url: string;
  env: NodeJS.ProcessEnv;
}

export async function startRt(options: RtOptions = {}): Promise<RtServer> {
  if (!existsSync(RT_SERVER) || !existsSync(RT_SETUP_DATABASE)) {
    throw new Error('Request Tracker 5 is not installed: apt-get install --no-install-recommends request-tracker5 rt5-db-sqlite (see .ci/run)');
  }
  const startedAt = performance.now();
  const layout = writeConfig(await freeTcpPort(), options.useDebianSystemFolders ?? false);
  const lap = lapTimer();
  try {
    await runToCompletion('rt-setup-database', RT_SETUP_DATABASE, ['--action', 'init', '--skip-create'], layout);
    const initDb = lap();
    const setupOut = await runToCompletion('rt-setup-script', 'perl', [`-I${RT_LIB}`, join(layout.workDir, 'setup.pl')], {
      ...layout,
      env: {
        ...layout.env,
        FOCUSLINE_RT_SETUP: JSON.stringify({
          bulkContacts: options.bulkContacts ?? 0,
          queueRights: TECH_QUEUE_RIGHTS,
          techGlobalRights: TECH_GLOBAL_RIGHTS,
          restrictedGlobalRights: RESTRICTED_GLOBAL_RIGHTS,
        }),
      },
    });
    const tokens = parseTokens(setupOut);
    const setupScript = lap();
    const server = new RtInstance(layout, tokens, options.startTimeoutMs ?? 30_000);
    await server.start();
    server.setupPhasesMs = { initDb, setupScript, serverUp: lap() };
    server.setupMs = Math.round(performance.now() - startedAt);
    return server;
  } catch (error) {
    await removeWorkDir(layout.workDir);
    throw error;
  }
}

function lapTimer(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

function writeConfig(port: number, useDebianSystemFolders: boolean): Layout {
  const workDir = makeWorkDir('rt');
  const etc = join(workDir, 'etc');
  mkdirSync(join(etc, 'RT_SiteConfig.d'), { recursive: true });
  for (const dir of ['log', 'var', 'mason_data', 'session_data', 'tmp']) mkdirSync(join(workDir, dir));
  const url = `http://127.0.0.1:${port}`;
  const perlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  // RT reads these package variables after loading the site config (rt-server
  // builds its Mason handler later), so plain assignments here override
  // RT::Generated's paths under /var.
  const ownFolders = useDebianSystemFolders
    ? []
    : [
        `$RT::VarPath = ${perlString(join(workDir, 'var'))};`,
        `$RT::MasonDataDir = ${perlString(join(workDir, 'mason_data'))};`,
        `$RT::MasonSessionDir = ${perlString(join(workDir, 'session_data'))};`,
      ];
  writeFileSync(
    join(etc, 'RT_SiteConfig.pm'),
    [
      `Set($rtname, 'rtbed.local');`,
      `Set($Organization, 'rtbed.local');`,
      `Set($Timezone, 'UTC');`,
      `Set($WebDomain, '127.0.0.1');`,
      `Set($WebPort, ${port});`,
      `Set($WebPath, '');`,
      `Set($WebBaseURL, ${perlString(url)});`,
      `Set($DatabaseType, 'SQLite');`,
      `Set($DatabaseName, ${perlString(join(workDir, 'rt5.db'))});`,
      `Set($DatabaseHost, ''); Set($DatabaseUser, ''); Set($DatabasePassword, '');`,
      // Never send mail (RT's notification scrips run on every create/comment).
      `Set($MailCommand, 'testfile');`,
      `Set($LogToSyslog, undef); Set($LogToSTDERR, 'error');`,
      `Set($LogDir, ${perlString(join(workDir, 'log'))}); Set($LogToFile, 'info'); Set($LogToFileNamed, 'rt.log');`,
      ...ownFolders,
      '1;',
      '',
    ].join('\n'),
  );
  writeFileSync(join(workDir, 'setup.pl'), SETUP_SCRIPT);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RT_SITE_CONFIG: join(etc, 'RT_SiteConfig.pm'),
    RT_SITE_CONFIG_DIR: join(etc, 'RT_SiteConfig.d'),
    TMPDIR: join(workDir, 'tmp'),
  };
  return { workDir, port, url, env };
}

/** The wrapper that seals RT_SYSTEM_FOLDERS: empty read-only tmpfs mounts in a private mount namespace. */
function sealArgs(): string[] {
  const asRoot = process.getuid?.() === 0;
  const seal = RT_SYSTEM_FOLDERS.map((dir) => `if [ -d ${dir} ]; then mount -t tmpfs -o ro,mode=0755 focusline-sealed ${dir}; fi`).join('; ');
  // Root (real, or inside the tests' user namespace) may make a mount
  // namespace; anyone else maps themselves to root in a new user namespace first.
  return [...(asRoot ? [] : ['--map-root-user']), '--mount', '--propagation', 'private', '--', 'sh', '-ec', `${seal}; exec "$@"`, 'sh'];
}

let sealCheck: RtSeal | undefined;
export type RtSeal = { sealed: true } | { sealed: false; why: string };

/**
 * Whether this machine lets the harness seal RT's system folders. Mount
 * namespaces need util-linux's unshare and a kernel (or container) that
 * allows them; where it doesn't, RT still runs with every folder in its work
 * folder, unsealed, and the test that proves the seal fails saying why.
 */
export function rtSystemFoldersSeal(): RtSeal {
  if (sealCheck) return sealCheck;
  if (!existsSync(UNSHARE)) {
    sealCheck = { sealed: false, why: `${UNSHARE} is missing (apt-get install util-linux)` };
  } else {
    const probe = spawnSync(UNSHARE, [...sealArgs(), 'true'], { encoding: 'utf8', timeout: 10_000 });
    sealCheck =
      probe.status === 0
        ? { sealed: true }
        : { sealed: false, why: `unshare --mount failed here: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}` };
  }
  if (!sealCheck.sealed) console.warn(`RT test bed: RT's system folders can't be sealed (${sealCheck.why}); RT runs with its own folders only.`);
  return sealCheck;
}

/** The command line that runs an RT command with RT's system folders sealed (where the machine allows it). unshare and sh exec the command, so its PID is the one we stop. */
function sealedFromSystemFolders(command: string, args: string[]): { command: string; args: string[] } {
  if (!rtSystemFoldersSeal().sealed) return { command, args };
  return { command: UNSHARE, args: [...sealArgs(), command, ...args] };
}

/** Runs a setup command to its end, bounded in time, stopped by PID if it overruns. */
async function runToCompletion(name: string, command: string, args: string[], layout: Layout): Promise<string> {
  let stdout = '';
  const proc = await spawnManaged({ name, ...sealedFromSystemFolders(command, args), cwd: layout.workDir, env: layout.env, onOutput: (t) => (stdout += t) });
  const status = await Promise.race([proc.exited, delay(SETUP_TIMEOUT_MS).then(() => undefined)]);
  if (status === undefined) {
    await proc.stop();
    throw new Error(`${name} did not finish within ${SETUP_TIMEOUT_MS} ms; output:\n${proc.log().slice(-2_000)}`);
  }
  if (status.code !== 0) throw new Error(`${name} failed (exit ${status.code ?? status.signal}):\n${proc.log().slice(-2_000)}`);
  return stdout;
}

function parseTokens(output: string): { root: string; tech: string; restricted: string } {
  const line = output.split('\n').find((l) => l.startsWith('{"'));
  if (!line) throw new Error(`RT setup script printed no tokens:\n${output.slice(-2_000)}`);
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const pick = (key: string): string => {
    const value = parsed[key];
    if (typeof value !== 'string' || !/^1-\d+-[0-9a-f]{32}$/.test(value)) throw new Error(`RT setup script gave no ${key} token: ${line}`);
    return value;
  };
  return { root: pick('root'), tech: pick('tech'), restricted: pick('restricted') };
}

class RtInstance implements RtServer {
  readonly techUser = 'tech1' as const;
  readonly restrictedUser = 'limited1' as const;
  readonly rootToken: string;
  readonly techToken: string;
  readonly restrictedToken: string;
  setupMs = 0;
  setupPhasesMs = { initDb: 0, setupScript: 0, serverUp: 0 };
  private proc: ManagedProcess | undefined;
  private earlierLogs = '';

  constructor(
    private readonly layout: Layout,
    tokens: { root: string; tech: string; restricted: string },
    private readonly startTimeoutMs: number,
  ) {
    this.rootToken = tokens.root;
    this.techToken = tokens.tech;
    this.restrictedToken = tokens.restricted;
  }

  get url(): string {
    return this.layout.url;
  }
  get port(): number {
    return this.layout.port;
  }
  get workDir(): string {
    return this.layout.workDir;
  }
  get pid(): number {
    if (!this.proc) throw new Error('rt-server is not running');
    return this.proc.pid;
  }

  async start(): Promise<void> {
    const proc = await spawnManaged({
      name: 'rt-server',
      ...sealedFromSystemFolders(RT_SERVER, ['--server', 'Starlet', '--host', '127.0.0.1', '--port', String(this.port), '--max-workers', '2']),
      cwd: this.workDir,
      env: this.layout.env,
      // The Starlet master takes its workers down on TERM; KILL would orphan them.
      parentDeathSignal: 'TERM',
    });
    this.proc = proc;
    try {
      await waitFor(async () => (await fetch(`${this.url}/REST/2.0/rt`, { headers: this.auth() })).ok, {
        timeoutMs: this.startTimeoutMs,
        intervalMs: 100,
        what: `RT answering on ${this.url}/REST/2.0/rt`,
        process: proc,
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  isRunning(): boolean {
    return this.proc?.isRunning() ?? false;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = undefined;
    await proc.stop({ graceMs: 5_000 });
    this.earlierLogs += proc.log();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await removeWorkDir(this.workDir);
  }

  log(): string {
    return this.earlierLogs + (this.proc?.log() ?? '');
  }

  async rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}/REST/2.0${path}`, {
      method,
      headers: { ...this.auth(), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON: keep the text for the error message.
    }
    return { status: response.status, body: parsed };
  }

  async createUser(fields: RtUserFields): Promise<string> {
    const { Privileged, ...rest } = fields;
    const body = await this.ok('POST', '/user', { ...rest, ...(Privileged === undefined ? {} : { Privileged: Privileged ? 1 : 0 }) });
    return String(field(body, 'id'));
  }

  async createTicket(fields: RtTicketFields): Promise<string> {
    const body = await this.ok('POST', '/ticket', { Queue: 'General', ContentType: 'text/plain', ...fields });
    return String(field(body, 'id'));
  }

  async setOwnerStatus(ticketId: string, owner: string, status: string): Promise<void> {
    await this.ok('PUT', `/ticket/${ticketId}`, { Owner: owner, Status: status });
  }

  async searchTickets(query: string): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; page <= 20; page++) {
      const body = await this.ok('GET', `/tickets?${new URLSearchParams({ query, per_page: '100', page: String(page), orderby: 'id' })}`);
      const items = field(body, 'items') as { id: string }[];
      ids.push(...items.map((i) => String(i.id)));
      if (items.length < 100) return ids;
    }
    throw new Error(`more than 2000 tickets match ${query}`);
  }

  async ticketHistory(ticketId: string): Promise<RtHistoryEntry[]> {
    const history = await this.ok(
      'GET',
      `/ticket/${ticketId}/history?${new URLSearchParams({ fields: 'Type,Creator,TimeTaken,Field,NewValue', per_page: '100' })}`,
    );
    const attachments = await this.ok(
      'GET',
      `/ticket/${ticketId}/attachments?${new URLSearchParams({ fields: 'TransactionId,ContentType,Content', per_page: '100' })}`,
    );
    const text = new Map<string, string>();
    for (const a of field(attachments, 'items') as { TransactionId: string; ContentType: string; Content: string }[]) {
      if (a.ContentType === 'text/plain') text.set(String(a.TransactionId), (text.get(String(a.TransactionId)) ?? '') + a.Content);
    }
    return (field(history, 'items') as Record<string, unknown>[]).map((t) => ({
      id: String(t['id']),
      type: String(t['Type']),
      creator: String((t['Creator'] as { id?: unknown } | undefined)?.id ?? ''),
      timeTaken: String(t['TimeTaken'] ?? ''),
      field: String(t['Field'] ?? ''),
      newValue: String(t['NewValue'] ?? ''),
      content: text.get(String(t['id'])) ?? '',
    }));
  }

  private async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const result = await this.rest(method, path, body);
    if (result.status < 200 || result.status >= 300) throw new Error(`RT ${method} ${path} -> ${result.status}: ${JSON.stringify(result.body)}`);
    return result.body;
  }

  private auth(): Record<string, string> {
    return { authorization: `token ${this.rootToken}` };
  }
}

function field(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null || !(name in body)) throw new Error(`RT answered without ${name}: ${JSON.stringify(body)}`);
  return (body as Record<string, unknown>)[name];
}
