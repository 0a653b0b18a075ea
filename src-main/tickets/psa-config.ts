import type { FetchLike } from './psa-http.js';

/**
 * What each adapter is built from: the effective policy values plus the
 * secrets from the OS keychain (never from a settings file). Built by
 * psa-factory.ts; adapters get plain values and never read policy themselves.
 */

/** Settings every adapter understands. */
export type PsaCommonConfig = {
  /**
   * Ticket statuses that mean "being worked on", compared case-insensitively
   * with the PSA's status names (e.g. ["In Progress", "Working"]).
   */
  workingStatuses: string[];
  /**
   * Where new tickets go: ConnectWise board name, Autotask queue (name or id),
   * HaloPSA ticket type (name or id), RT queue name. Empty: the PSA's default.
   */
  queue: string;
  /**
   * The catch-all company for callers nobody matches: ConnectWise company
   * identifier, Autotask company id, HaloPSA client id. Ignored by RT (the
   * caller's number becomes the requester). Empty: the adapter refuses to
   * create a ticket without a company and says so (invalid-request).
   */
  unknownCallerCompany: string;
  /**
   * ConnectWise only: a running stopwatch on a ticket outside the working
   * statuses still counts as work once it has run this long (guards against
   * autoStartStopwatch, which starts one merely by opening a ticket).
   */
  stopwatchMinSeconds: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /**
   * What the 15-minute rule's escalation sets (policy psa.<kind>.escalate*, per PSA). An empty or
   * absent field is left alone; the escalation's internal note always goes.
   */
  escalation?: EscalationFields | undefined;
};

/**
 * The fields an escalation may set, as the tenant names them: ConnectWise priority and status
 * (a status of the ticket's own board); Autotask priority, status and queue (picklist labels or
 * values); HaloPSA priority, status and agent (names or ids); RT Priority, Status, Owner and Queue.
 */
export type EscalationFields = { priority?: string; status?: string; owner?: string; queue?: string };

export type RtConfig = PsaCommonConfig & {
  kind: 'rt';
  /** RT's web base URL, e.g. https://rt.example.com (REST2 is under /REST/2.0). */
  url: string;
  /** An RT auth token ("1-14-…"): Settings → Auth Tokens in RT. Secret. */
  token: string;
};

export type ConnectWiseConfig = PsaCommonConfig & {
  kind: 'connectwise';
  /** The site, e.g. https://na.myconnectwise.net (the API is under /v4_6_release/apis/3.0). */
  url: string;
  companyId: string;
  publicKey: string;
  /** Secret. */
  privateKey: string;
  /** The integration's clientId GUID from developer.connectwise.com. */
  clientId: string;
  /**
   * The technician's member identifier (what they sign in to ConnectWise with, e.g. "jdoe"):
   * whose stopwatch, tickets and activities are "mine". The API has no id-less "who am I"
   * (only /system/myAccount/{id}), and API keys may belong to an API member, so it is a setting.
   */
  memberIdentifier: string;
};

export type AutotaskConfig = PsaCommonConfig & {
  kind: 'autotask';
  /**
   * Where zone discovery starts; default https://webservices.autotask.net/atservicesrest.
   * ZoneInformation?user=… answers with the tenant's zone URL, which is cached.
   */
  url: string;
  /** The API-only user's user name (an email address). */
  username: string;
  /** Secret. */
  secret: string;
  /** The tracking identifier of the integration. Secret. */
  integrationCode: string;
  /** Write notes and log calls as this resource (the tech); empty: as the API user. */
  impersonationResourceId: string;
};

export type HaloConfig = PsaCommonConfig & {
  kind: 'halopsa';
  /** The tenant, e.g. https://acme.halopsa.com (API under /api, token endpoint discovered via /api/authinfo, else /auth/token). */
  url: string;
  clientId: string;
  /** Secret. */
  clientSecret: string;
  /** Hosted Halo's tenant name for ?tenant=…; empty for self-hosted. */
  tenant: string;
  /**
   * The technician as a Halo agent (id or email), overriding GET /api/Agent/me. Empty: the
   * agent Agent/me names for this API application, which is the tech only when the tech has an
   * application of their own (or one whose "agent to log in as" is them).
   */
  agent?: string;
};

export type PsaAdapterConfig = RtConfig | ConnectWiseConfig | AutotaskConfig | HaloConfig;

/** What adapters may be given besides their config (tests inject these). */
export type PsaAdapterDeps = {
  fetch?: FetchLike;
  now?: () => Date;
  log?: (message: string) => void;
  /** numbers.defaultRegion: the country for numbers stored without +country code, for matching callers. */
  defaultRegion?: string;
};

export const DEFAULT_PSA_TIMEOUT_MS = 10_000;
