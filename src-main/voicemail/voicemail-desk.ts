import { callbackDueAt } from '../calls/callback-due.js';
import { toFocusRules } from '../policy/focus-rules.js';
import type { CallLog } from '../calls/call-log.js';
import { callOnRecord, shownNumber } from '../calls/call-caller.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { isDecisionRule } from '../../src-shared/vocabulary.js';
import type { DecisionRule, FocusState } from '../focus/types.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { GreetingView, VoicemailView } from '../ipc/contract.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Db } from '../storage/database.js';
import { greetingScript, greetingVariantFor, type GreetingVariant } from './greeting-template.js';
import { GreetingUploads } from './greeting-uploads.js';
import { retentionPlan } from './retention.js';
import type { VoicemailMessage } from './voicemail-schema.js';
import { VoicemailStore } from './voicemail-store.js';
import { toHandoffView } from '../handoffs/handoff-view.js';
import { coalesce } from '../ipc/coalesce.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { Ticketing } from '../tickets/ticketing.js';
import type { Attachment } from '../tickets/psa.js';
import { messageOf } from '../../src-shared/errors.js';

export type VoicemailDeskOptions = {
  /** The messages and greetings on disk (openVoicemailStore). */
  store: VoicemailStore;
  clock: Clock;
  policy: PolicyService;
  callLog: CallLog;
  ticketing: Pick<Ticketing, 'desk' | 'callerOf' | 'callerFromIndex'>;
  focusState: () => FocusState;
  bus: EventBus;
  /** The call log changed (a message handled here settles its call too). */
  onCallLogChange: () => void;
  log: (message: string) => void;
};

/**
 * The voicemail store, opened before the rooms that read it (the outbox
 * attaches recordings to tickets). A message cut short by a crash is kept to
 * its last whole chunk, and said so.
 */
export async function openVoicemailStore(options: { db: Db; dataDir: string; policy: PolicyService; log: (message: string) => void }): Promise<VoicemailStore> {
  const maxMessageSeconds = options.policy.current().values['voicemail.maxMessageSeconds'];
  const store = await VoicemailStore.open({ db: options.db, dataDir: options.dataDir, config: { maxMessageSeconds } });
  for (const m of store.recoveredAtOpen) options.log(`Voicemail from ${m.callerNumber || 'a withheld number'} was recovered after a crash: ${m.note ?? ''}`);
  return store;
}

/** A message's recording as a ticket attachment: "voicemail-2026-11-23-1042.webm". */
export function voicemailAttachments(store: VoicemailStore): (id: string) => Promise<Attachment[]> {
  return async (id) => {
    const message = store.get(id);
    const audio = await store.audio(id);
    if (!message || !audio.ok) return [];
    const stamp = new Date(message.startedAt).toISOString().slice(0, 16).replace('T', '-').replace(':', '');
    const extension = audio.mimeType.includes('wav') ? 'wav' : audio.mimeType.includes('ogg') ? 'ogg' : 'webm';
    return [{ fileName: `voicemail-${stamp}.${extension}`, mimeType: audio.mimeType.split(';')[0] ?? audio.mimeType, bytes: audio.bytes }];
  };
}

type Handlers = Pick<
  CommandHandlers,
  | 'voicemail.prepare'
  | 'voicemail.begin'
  | 'voicemail.append'
  | 'voicemail.finish'
  | 'voicemail.list'
  | 'voicemail.audio'
  | 'voicemail.handle'
  | 'voicemail.createTicket'
  | 'greetings.list'
  | 'greetings.audio'
  | 'greetings.beginSave'
  | 'greetings.savePart'
  | 'greetings.save'
  | 'greetings.delete'
>;

/** A recording that hears nothing from the renderer this long has lost it (window closed, renderer crashed). */
export const RECORDING_IDLE_MS = 30_000;

/**
 * Focusline's own voicemail, as main sees it: which greeting a call hears,
 * the messages on disk (main is their only writer), the inbox, greetings,
 * and "create ticket instead" from a message. The renderer answers the call
 * and records; everything it hears or keeps goes through here.
 */
export function createVoicemailDesk(options: VoicemailDeskOptions) {
  const { store, policy, clock, callLog, ticketing, bus, log } = options;
  const values = () => policy.current().values;
  const inbox = (): VoicemailView[] => store.list({ includeHandled: true }).slice(0, 200).map(toVoicemailView);
  const push = coalesce(() => bus.emit('voicemail.changed', { messages: inbox() }));
  const uploads = new GreetingUploads(
    () => clock.now().getTime(),
    () => values()['voicemail.maxGreetingSeconds'],
  );
  const stopWatching = store.onChange(() => push.request());
  const stopFollowingPolicy = policy.onChange(() => store.configure({ maxMessageSeconds: values()['voicemail.maxMessageSeconds'] }));

  // When each recording last heard from the renderer; a silent one is settled as interrupted, never left "recording".
  const lastHeard = new Map<string, number>();
  let cancelWatchdog: (() => void) | undefined;
  const armWatchdog = () => {
    cancelWatchdog?.();
    cancelWatchdog = undefined;
    if (lastHeard.size === 0) return;
    cancelWatchdog = clock.setTimer(new Date(clock.now().getTime() + RECORDING_IDLE_MS / 2), () => void checkIdle());
  };
  const checkIdle = async () => {
    const now = clock.now().getTime();
    for (const [id, at] of [...lastHeard]) {
      if (now - at < RECORDING_IDLE_MS) continue;
      lastHeard.delete(id);
      await store
        .interrupt(id, 'Focusline lost the recording (its window closed or stopped responding) while this message was being recorded')
        .catch((error: unknown) => log(`Voicemail ${id}: ${messageOf(error)}`));
    }
    armWatchdog();
  };
  const heard = (id: string) => {
    lastHeard.set(id, clock.now().getTime());
    if (!cancelWatchdog) armWatchdog();
  };

  const scriptOf = (variant: GreetingVariant): { text: string; problems: string[] } => {
    const focus = options.focusState();
    const ticket = focus.mode === 'ticket' ? { id: focus.ticket.id, summary: focus.ticket.summary } : undefined;
    const script = greetingScript(variant, values(), ticket ? { ticket } : {});
    return { text: script.text, problems: script.problems.map((p) => p.message) };
  };

  const greetingViews = async (): Promise<GreetingView[]> => {
    const recorded = new Map((await store.greetings()).map((g) => [g.variant, g]));
    return (['standard', 'focused', 'after-hours', 'away'] as const).map((variant) => {
      const g = recorded.get(variant);
      const script = scriptOf(variant);
      return {
        variant,
        script: script.text,
        problems: script.problems,
        recorded: g?.recorded === true,
        durationMs: g?.durationMs ?? null,
        savedAt: g?.savedAt ? new Date(g.savedAt).toISOString() : null,
      };
    });
  };

  /** Old handled messages go; unhandled ones never do (see retention.ts). */
  const applyRetention = async () => {
    const plan = retentionPlan(store.retentionCandidates(), clock.now(), {
      retentionDays: values()['voicemail.retentionDays'],
      retentionCount: values()['voicemail.retentionCount'],
    });
    if (plan.deleteIds.length > 0) await store.applyRetention(plan.deleteIds);
    for (const warning of plan.warnings) log(`Voicemail retention: ${warning}`);
  };

  const handlers: Handlers = {
    'voicemail.prepare': async ({ callId, rule }) => {
      const attempt = callLog.forCall(callId);
      const decisionRule = (rule !== undefined && isDecisionRule(rule) ? rule : attempt?.rule) as DecisionRule | undefined;
      const wanted = greetingVariantFor({ focus: options.focusState().mode, ...(decisionRule ? { rule: decisionRule } : {}) });
      // A variant the tech never recorded falls back to their recorded standard
      // greeting (their own voice), and only then to the built-in prompt.
      const own = await store.greeting(wanted);
      const standard = own === null && wanted !== 'standard' ? await store.greeting('standard') : null;
      const variant = own === null && standard !== null ? 'standard' : wanted;
      const audio = own ?? standard;
      return {
        variant,
        script: scriptOf(variant).text,
        greeting: audio ? { data: Buffer.from(audio.bytes).toString('base64'), mimeType: audio.mimeType, durationMs: audio.durationMs } : null,
        maxMessageSeconds: values()['voicemail.maxMessageSeconds'],
        silenceSeconds: values()['voicemail.silenceSeconds'],
      };
    },
    'voicemail.begin': async ({ callId, mimeType, variant, greetingSource }) => {
      const attempt = callLog.forCall(callId);
      const call = attempt ? callOnRecord(attempt) : undefined;
      const caller = call ? ticketing.callerFromIndex(call) : null;
      const now = clock.now();
      const id = await store.begin({
        callId,
        attemptId: attempt?.id ?? null,
        callerUri: attempt?.callerUri ?? '',
        callerNumber: call ? shownNumber(call) : '',
        callerName: caller?.person?.name ?? call?.callerName ?? '',
        contact: caller?.person ? { id: caller.person.id, name: caller.person.name } : null,
        company: caller?.company ? { id: caller.company.id ?? null, name: caller.company.name } : null,
        ticketId: attempt?.ticketId ?? null,
        greetingVariant: variant,
        greetingSource,
        mimeType,
        startedAt: now.getTime(),
        callbackDueAt: callbackDueAt(now, toFocusRules(policy.current().values).hours),
      });
      heard(id);
      return { id };
    },
    'voicemail.append': async ({ id, seq, data, elapsedMs }) => {
      heard(id);
      await store.append(id, new Uint8Array(Buffer.from(data, 'base64')), seq, elapsedMs);
      return { ok: true as const };
    },
    'voicemail.finish': async ({ id, durationMs, endedBy }) => {
      lastHeard.delete(id);
      const message = await store.finish(id, { durationMs, endedBy });
      await applyRetention().catch((error: unknown) => log(`Voicemail retention failed: ${messageOf(error)}`));
      return toVoicemailView(message);
    },
    'voicemail.list': ({ includeHandled }) => ({ messages: store.list({ includeHandled }).map(toVoicemailView) }),
    'voicemail.audio': async ({ id }) => {
      const audio = await store.audio(id);
      if (!audio.ok) throw new Error(audio.message);
      return { mimeType: audio.mimeType, data: Buffer.from(audio.bytes).toString('base64') };
    },
    'voicemail.handle': ({ id, how }) => {
      const message = store.markHandled(id, how);
      // The call behind it is settled too: a returned voicemail is a returned call.
      if (message.attemptId && callLog.get(message.attemptId)?.handled === null) {
        callLog.markHandled(message.attemptId, how, clock.now().getTime());
        options.onCallLogChange();
      }
      return toVoicemailView(message);
    },
    'voicemail.createTicket': async ({ id }) => {
      const message = store.get(id);
      if (!message) throw new Error('That voicemail no longer exists.');
      const attempt = message.attemptId ? callLog.get(message.attemptId) : callLog.forCall(message.callId);
      if (!attempt) throw new Error('The call this voicemail came from is no longer in the call log.');
      const call = callOnRecord(attempt);
      const seconds = Math.round((message.durationMs ?? 0) / 1000);
      const notes = `Voicemail: ${seconds} s, left ${new Date(message.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC. Listen in Focusline's voicemail inbox.`;
      const result = ticketing.desk.createFromCall(call, { notes, voicemailId: message.id }, await ticketing.callerOf(call));
      callLog.markHandled(attempt.id, 'ticket-created', clock.now().getTime());
      options.onCallLogChange();
      const handled = store.markHandled(id, 'ticket-created');
      return { ticket: result.ticket, handoff: result.handoff ? toHandoffView(result.handoff) : null, message: toVoicemailView(handled) };
    },
    'greetings.list': async () => ({ greetings: await greetingViews(), maxGreetingSeconds: values()['voicemail.maxGreetingSeconds'] }),
    'greetings.audio': async ({ variant }) => {
      const audio = await store.greeting(variant);
      return audio ? { mimeType: audio.mimeType, data: Buffer.from(audio.bytes).toString('base64') } : null;
    },
    'greetings.beginSave': ({ variant, mimeType, durationMs, sizes }) => ({ uploadId: uploads.start({ variant, mimeType, durationMs, sizes }) }),
    'greetings.savePart': ({ uploadId, part, offset, data }) => {
      uploads.append(uploadId, part, offset, new Uint8Array(Buffer.from(data, 'base64')));
      return { ok: true as const };
    },
    'greetings.save': async ({ uploadId }) => {
      const greeting = uploads.finish(uploadId);
      await store.saveGreeting(greeting.variant, { bytes: greeting.app, mimeType: greeting.mimeType, durationMs: greeting.durationMs });
      if (greeting.pbx) await store.saveGreetingExport(greeting.variant, greeting.pbx);
      const saved = (await greetingViews()).find((g) => g.variant === greeting.variant);
      if (!saved) throw new Error('The greeting was saved but could not be read back.');
      return saved;
    },
    'greetings.delete': async ({ variant }) => {
      await store.deleteGreeting(variant);
      return { ok: true as const };
    },
  };

  return {
    handlers,
    store,
    /** Unhandled messages first, then the recent handled ones (the inbox). */
    inbox,
    unhandledCount: () => store.list({ includeHandled: false }).length,
    close() {
      cancelWatchdog?.();
      stopWatching();
      stopFollowingPolicy();
      push.cancel();
    },
  };
}

export type VoicemailDesk = ReturnType<typeof createVoicemailDesk>;

export function toVoicemailView(m: VoicemailMessage): VoicemailView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: m.id,
    callerUri: m.callerUri,
    callerNumber: m.callerNumber,
    callerName: m.callerName,
    contactName: m.contact?.name ?? null,
    companyName: m.company?.name ?? null,
    ticketId: m.ticketId,
    receivedAt: new Date(m.startedAt).toISOString(),
    durationMs: m.durationMs,
    state: m.state,
    note: m.note,
    handled: m.handled,
    callbackDueAt: iso(m.callbackDueAt),
    greetingVariant: m.greetingVariant,
    sizeBytes: m.sizeBytes,
  };
}
