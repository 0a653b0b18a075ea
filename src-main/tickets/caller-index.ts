import { z } from 'zod';
import type { CallerIdentity } from '../numbers/caller-identity.js';
import { NumberIndex, strengthRank, type MatchStrength } from '../numbers/number-index.js';
import { parsePhoneText, type ParsedNumber } from '../numbers/phone-number.js';
import { migrate, type Db } from '../storage/database.js';
import type { PsaPerson } from './psa.js';

/**
 * The local caller index for screen pop: every contact and member of a PSA
 * with their numbers normalised once, when they are synced, so that naming a
 * caller is two indexed queries instead of a PSA round trip.
 *
 * Matching is NOT defined here: a lookup fetches the few stored numbers that
 * could match (same exact key, or same last 7 digits, which every 10-digit
 * match also shares) and lets number-index.ts decide, so the index, the
 * manager's directory and the ticket-contact matcher can never disagree
 * (exact E.164, else last 10, else last 7; two numbers that both know their
 * country code match only exactly).
 *
 * - psaKey separates PSA instances ("rt:https://rt.example.com"), so
 *   switching PSA never mixes people.
 * - A contact's short number ("2002") is an extension on the customer's PBX,
 *   not ours, and is skipped (as ticket-contacts.ts does); a member's is one
 *   of our extensions and is indexed, so a coworker calling from their desk
 *   phone is named.
 * - Numbers are normalised with the index's default region; the region each
 *   person was normalised with is stored, and people normalised under another
 *   region are re-normalised when the index is opened, because a national
 *   number read with the wrong region gets the wrong country code and then
 *   never matches.
 */

export type IndexedCaller = {
  person: PsaPerson;
  via: MatchStrength;
  /** Strong enough to name the caller without doubt (see number-index.ts). */
  conclusive: boolean;
};

export type UpsertOptions = {
  /**
   * The sync pass that saw these people (see removeUnseen). Default: the
   * newest pass already stored for that kind, so an out-of-band update (a
   * webhook) is not swept by the pass that is running.
   */
  generation?: number;
  /** When they were synced (ms); the tie-break between equally good matches. Default: now. */
  syncedAt?: number;
};

export type CallerIndexOptions = {
  /** The region national numbers are read in (ISO 3166 code, e.g. "US"), as everywhere else. */
  defaultRegion: string;
};

const PersonSchema = z.object({
  id: z.string(),
  kind: z.enum(['contact', 'member']),
  name: z.string(),
  company: z.string(),
  companyId: z.string().optional(),
  numbers: z.array(z.string()),
  email: z.string().optional(),
});

const MIGRATIONS = [
  {
    id: 'caller-index-1',
    sql: `CREATE TABLE caller_people (
      id INTEGER PRIMARY KEY,
      psa_key TEXT NOT NULL,
      kind TEXT NOT NULL,
      person_id TEXT NOT NULL,
      person TEXT NOT NULL,
      region TEXT NOT NULL,
      generation INTEGER NOT NULL,
      synced_at INTEGER NOT NULL,
      UNIQUE (psa_key, kind, person_id)
    );
    CREATE INDEX caller_people_generation ON caller_people (psa_key, kind, generation);
    CREATE INDEX caller_people_region ON caller_people (region);
    CREATE TABLE caller_numbers (
      person_ref INTEGER NOT NULL,
      psa_key TEXT NOT NULL,
      exact_key TEXT,
      e164 TEXT,
      digits TEXT,
      tail10 TEXT,
      tail7 TEXT,
      digit_count INTEGER NOT NULL,
      has_country_code INTEGER NOT NULL
    );
    CREATE INDEX caller_numbers_exact ON caller_numbers (psa_key, exact_key);
    CREATE INDEX caller_numbers_tail7 ON caller_numbers (psa_key, tail7);
    CREATE INDEX caller_numbers_person ON caller_numbers (person_ref);`,
  },
];

type NumberRow = {
  exactKey: string | null;
  e164: string | null;
  digits: string | null;
  tail10: string | null;
  tail7: string | null;
  digitCount: number;
  hasCountryCode: number;
};

const CandidateSchema = z.object({
  person_ref: z.number(),
  exact_key: z.string().nullable(),
  e164: z.string().nullable(),
  digits: z.string().nullable(),
  person: z.string(),
  synced_at: z.number(),
});
type Candidate = z.infer<typeof CandidateSchema>;

const LONG_TAIL = 10;
const SHORT_TAIL = 7;
const DIALABLE = /^[0-9*#]+$/;

/** What a stored number is matched on; null when it can never match (no digits, a contact's extension). */
export function numberRow(text: string, kind: PsaPerson['kind'], region: string): NumberRow | null {
  const parsed = parsePhoneText(text, region);
  if (parsed.kind === 'none') return null;
  if (parsed.kind === 'extension') {
    if (kind === 'contact') return null;
    return { exactKey: `ext:${parsed.extension}`, e164: null, digits: null, tail10: null, tail7: null, digitCount: parsed.extension.length, hasCountryCode: 0 };
  }
  const { e164, digits } = parsed;
  return {
    exactKey: e164 === null ? null : `tel:${e164}`,
    e164,
    digits,
    tail10: digits.length >= LONG_TAIL ? digits.slice(-LONG_TAIL) : null,
    tail7: digits.slice(-SHORT_TAIL),
    digitCount: digits.length,
    hasCountryCode: e164 === null ? 0 : 1,
  };
}

/**
 * The caller's number as number-index.ts looks it up. Free text is accepted
 * ("+1 555-010-0101 x12"): the trailing extension is dropped, as for stored numbers.
 */
export function identityOfNumberText(text: string, region: string): CallerIdentity | null {
  const parsed: ParsedNumber = parsePhoneText(text, region);
  if (parsed.kind === 'none') return null;
  if (parsed.kind === 'extension') {
    return { key: parsed.extension, source: 'from', anonymous: false, exactKeys: [`ext:${parsed.extension}`], digits: null, hasCountryCode: false, ...NO_HOST };
  }
  const trimmed = text.trim();
  const exactKeys = parsed.e164 === null ? [] : [`tel:${parsed.e164}`];
  if (DIALABLE.test(trimmed)) exactKeys.push(`ext:${trimmed}`);
  return {
    key: parsed.e164 ?? parsed.digits,
    source: 'from',
    anonymous: false,
    exactKeys,
    digits: parsed.digits,
    hasCountryCode: parsed.e164 !== null,
    ...NO_HOST,
  };
}

/** Typed or looked-up numbers name no host; they are matched against PSA contacts, never coworkers. */
const NO_HOST = { host: null, hostTrusted: false } as const;

export class CallerIndex {
  private readonly db: Db;
  private readonly region: string;
  private readonly sql;

  constructor(db: Db, options: CallerIndexOptions) {
    this.db = db;
    this.region = options.defaultRegion;
    migrate(db, MIGRATIONS);
    this.sql = {
      upsertPerson: db
        .prepare(
          `INSERT INTO caller_people (psa_key, kind, person_id, person, region, generation, synced_at)
         VALUES (@psaKey, @kind, @personId, @person, @region, @generation, @syncedAt)
         ON CONFLICT (psa_key, kind, person_id) DO UPDATE SET
           person = excluded.person, region = excluded.region, generation = excluded.generation, synced_at = excluded.synced_at
         RETURNING id`,
        )
        .pluck(),
      insertNumber: db.prepare(
        `INSERT INTO caller_numbers (person_ref, psa_key, exact_key, e164, digits, tail10, tail7, digit_count, has_country_code)
         VALUES (@personRef, @psaKey, @exactKey, @e164, @digits, @tail10, @tail7, @digitCount, @hasCountryCode)`,
      ),
      deleteNumbersOf: db.prepare('DELETE FROM caller_numbers WHERE person_ref = ?'),
      newestGeneration: db.prepare('SELECT MAX(generation) FROM caller_people WHERE psa_key = ? AND kind = ?').pluck(),
      deleteUnseenNumbers: db.prepare(
        `DELETE FROM caller_numbers WHERE person_ref IN
           (SELECT id FROM caller_people WHERE psa_key = @psaKey AND kind = @kind AND generation < @generation)`,
      ),
      deleteUnseenPeople: db.prepare('DELETE FROM caller_people WHERE psa_key = @psaKey AND kind = @kind AND generation < @generation'),
      byExactKey: db.prepare(
        `SELECT n.person_ref, n.exact_key, n.e164, n.digits, p.person, p.synced_at
         FROM caller_numbers n JOIN caller_people p ON p.id = n.person_ref
         WHERE n.psa_key = ? AND n.exact_key = ?`,
      ),
      byTail7: db.prepare(
        `SELECT n.person_ref, n.exact_key, n.e164, n.digits, p.person, p.synced_at
         FROM caller_numbers n JOIN caller_people p ON p.id = n.person_ref
         WHERE n.psa_key = ? AND n.tail7 = ?`,
      ),
      membersWithNumbers: db
        .prepare(
          `SELECT person FROM caller_people p
         WHERE p.psa_key = ? AND p.kind = 'member' AND EXISTS (SELECT 1 FROM caller_numbers n WHERE n.person_ref = p.id)
         ORDER BY p.person_id`,
        )
        .pluck(),
      getPerson: db.prepare('SELECT person FROM caller_people WHERE psa_key = ? AND kind = ? AND person_id = ?').pluck(),
      count: db.prepare('SELECT COUNT(*) FROM caller_people WHERE psa_key = ?').pluck(),
      countKind: db.prepare('SELECT COUNT(*) FROM caller_people WHERE psa_key = ? AND kind = ?').pluck(),
      clearNumbers: db.prepare('DELETE FROM caller_numbers WHERE psa_key = ?'),
      clearPeople: db.prepare('DELETE FROM caller_people WHERE psa_key = ?'),
      // Two index ranges rather than "!=", so opening a 100,000-person index doesn't read every row.
      otherRegion: db.prepare('SELECT id, psa_key, person FROM caller_people WHERE region < @region OR region > @region'),
    };
    this.renormalise();
  }

  /** Adds or replaces people (and all their numbers) in one transaction. */
  upsertMany(psaKey: string, people: readonly PsaPerson[], options: UpsertOptions = {}): void {
    const syncedAt = options.syncedAt ?? Date.now();
    this.db.transaction(() => {
      for (const person of people) {
        const generation = options.generation ?? this.newestGeneration(psaKey, person.kind);
        this.store(psaKey, PersonSchema.parse(person), generation, syncedAt);
      }
    })();
  }

  /**
   * After a complete pass: removes the people of that kind the pass did not
   * see (deleted or deactivated in the PSA). Returns how many went.
   */
  removeUnseen(psaKey: string, kind: PsaPerson['kind'], generation: number): number {
    return this.db.transaction(() => {
      this.sql.deleteUnseenNumbers.run({ psaKey, kind, generation });
      return this.sql.deleteUnseenPeople.run({ psaKey, kind, generation }).changes;
    })();
  }

  /** The best match for a caller's number (free text or digits), or null. */
  lookup(psaKey: string, callerNumberText: string): IndexedCaller | null {
    const identity = identityOfNumberText(callerNumberText, this.region);
    return identity === null ? null : this.lookupIdentity(psaKey, identity);
  }

  /**
   * The best match for an already parsed caller: the strongest match
   * (exact, then last 10, then last 7 digits); contacts and members compete
   * equally; at equal strength the most recently synced person wins.
   */
  lookupIdentity(psaKey: string, caller: CallerIdentity): IndexedCaller | null {
    if (caller.anonymous) return null;
    const candidates = this.candidates(psaKey, caller);
    if (candidates.length === 0) return null;
    const index = new NumberIndex<Candidate>();
    for (const c of candidates) {
      if (c.exact_key?.startsWith('ext:')) index.addExact(c.exact_key, c);
      else if (c.digits !== null) index.addNumber({ kind: 'number', e164: c.e164, digits: c.digits }, c);
    }
    let best: { value: Candidate; via: MatchStrength; conclusive: boolean } | undefined;
    for (const hit of index.hits(caller)) {
      if (best === undefined || beats(hit, best)) best = hit;
    }
    return best === undefined ? null : { person: parsePerson(best.value.person), via: best.via, conclusive: best.conclusive };
  }

  /** The coworker directory: every member with at least one usable number, by id. */
  members(psaKey: string): PsaPerson[] {
    return (this.sql.membersWithNumbers.all(psaKey) as unknown[]).map(parsePerson);
  }

  get(psaKey: string, kind: PsaPerson['kind'], id: string): PsaPerson | undefined {
    const json = this.sql.getPerson.get(psaKey, kind, id);
    return json === undefined ? undefined : parsePerson(json);
  }

  count(psaKey: string, kind?: PsaPerson['kind']): number {
    const n = kind === undefined ? this.sql.count.get(psaKey) : this.sql.countKind.get(psaKey, kind);
    return z.number().parse(n);
  }

  /** Forgets one PSA's people (the PSA was switched or its URL changed). */
  clear(psaKey: string): void {
    this.db.transaction(() => {
      this.sql.clearNumbers.run(psaKey);
      this.sql.clearPeople.run(psaKey);
    })();
  }

  /** The newest sync pass stored for that kind (0 when none). */
  newestGeneration(psaKey: string, kind: PsaPerson['kind']): number {
    return (
      z
        .number()
        .nullable()
        .parse(this.sql.newestGeneration.get(psaKey, kind) ?? null) ?? 0
    );
  }

  // ---- internals -------------------------------------------------------------

  private store(psaKey: string, person: PsaPerson, generation: number, syncedAt: number): void {
    const row = { psaKey, kind: person.kind, personId: person.id, person: JSON.stringify(person), region: this.region, generation, syncedAt };
    const ref = z.number().parse(this.sql.upsertPerson.get(row));
    this.replaceNumbers(ref, psaKey, person);
  }

  /** A person's numbers, replaced wholesale (the PSA sends them all every time). */
  private replaceNumbers(ref: number, psaKey: string, person: PsaPerson): void {
    this.sql.deleteNumbersOf.run(ref);
    const seen = new Set<string>();
    for (const text of person.numbers) {
      const row = numberRow(text, person.kind, this.region);
      if (row === null) continue;
      // The same number written twice ("555-0101", "(555) 0101") is one row.
      const dedupe = `${row.exactKey ?? ''}|${row.digits ?? ''}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      this.sql.insertNumber.run({ personRef: ref, psaKey, ...row });
    }
  }

  private candidates(psaKey: string, caller: CallerIdentity): Candidate[] {
    const rows: unknown[] = [];
    for (const key of caller.exactKeys) rows.push(...this.sql.byExactKey.all(psaKey, key));
    if (caller.digits !== null && caller.digits.length >= SHORT_TAIL) rows.push(...this.sql.byTail7.all(psaKey, caller.digits.slice(-SHORT_TAIL)));
    return rows.map((row) => CandidateSchema.parse(row));
  }

  /** Re-reads the numbers of people normalised under another region (the setting changed). */
  private renormalise(): void {
    const rows = z.array(z.object({ id: z.number(), psa_key: z.string(), person: z.string() })).parse(this.sql.otherRegion.all({ region: this.region }));
    if (rows.length === 0) return;
    const setRegion = this.db.prepare('UPDATE caller_people SET region = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const row of rows) {
        this.replaceNumbers(row.id, row.psa_key, parsePerson(row.person));
        setRegion.run(this.region, row.id);
      }
    })();
  }
}

function beats(hit: { value: Candidate; via: MatchStrength }, best: { value: Candidate; via: MatchStrength }): boolean {
  const byStrength = strengthRank[hit.via] - strengthRank[best.via];
  if (byStrength !== 0) return byStrength > 0;
  if (hit.value.synced_at !== best.value.synced_at) return hit.value.synced_at > best.value.synced_at;
  // Same strength, same sync: the first stored wins, so the answer is stable.
  return hit.value.person_ref < best.value.person_ref;
}

function parsePerson(json: unknown): PsaPerson {
  return PersonSchema.parse(JSON.parse(z.string().parse(json)));
}
