// Bare sip.js WebRTC UA in the page: registers over WS, answers or dials,
// follows a transfer (REFER, with or without Replaces) as a desk phone does,
// and reports session states and RTP counters from getStats().
import { Inviter, Registerer, SessionState, UserAgent } from 'sip.js';

const state = { registerCode: 0, states: [], errors: [], referrals: 0 };
let ua;
let session;

// No STUN: sip.js defaults to a public Google STUN server.
const sdhFactoryOptions = { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 };
const audioOnly = { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } };

function track(newSession) {
  session = newSession;
  newSession.stateChange.addListener((s) => {
    state.states.push(s);
    if (s === SessionState.Established) playRemoteAudio(newSession);
  });
  // A transfer: accept the REFER and call the target (with its Replaces header, if any); sip.js reports
  // the new call's progress back in NOTIFYs. The new call becomes the page's session.
  newSession.delegate = {
    onRefer: (referral) => {
      state.referrals += 1;
      referral
        .accept()
        .then(() => {
          // A copy: makeInviter() writes Replaces and Referred-By into the options it is given.
          const inviter = referral.makeInviter({ ...audioOnly });
          track(inviter);
          // A transfer that fails leaves the phone on the call it had (the transferor takes it back).
          let connected = false;
          inviter.stateChange.addListener((s) => {
            if (s === SessionState.Established) connected = true;
            if (s === SessionState.Terminated && !connected && session === inviter) session = newSession;
          });
          return inviter.invite();
        })
        .catch((e) => state.errors.push(`refer: ${e.message}`));
    },
  };
}

function playRemoteAudio(established) {
  const pc = established.sessionDescriptionHandler.peerConnection;
  const stream = new MediaStream();
  for (const receiver of pc.getReceivers()) if (receiver.track) stream.addTrack(receiver.track);
  const element = document.getElementById('remote');
  // Muted, Chromium still decodes (packets count) but measures no audio energy; a page someone clicked may play it aloud.
  element.muted = !navigator.userActivation.hasBeenActive;
  element.srcObject = stream;
  element.play().catch((e) => state.errors.push(`play: ${e.message}`));
}

function onInvite(invitation, autoAnswer) {
  track(invitation);
  invitation.progress({ statusCode: 180 }).catch((e) => state.errors.push(`progress: ${e.message}`));
  if (autoAnswer) invitation.accept(audioOnly).catch((e) => state.errors.push(`accept: ${e.message}`));
}

async function rtpCounters() {
  const pc = session?.sessionDescriptionHandler?.peerConnection;
  if (!pc) return { ice: 'none', packetsReceived: 0, packetsSent: 0, energyReceived: 0, candidates: [] };
  const counters = { ice: pc.iceConnectionState, packetsReceived: 0, packetsSent: 0, energyReceived: 0, candidates: [] };
  (await pc.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      counters.packetsReceived += report.packetsReceived ?? 0;
      counters.energyReceived += report.totalAudioEnergy ?? 0;
    }
    if (report.type === 'outbound-rtp' && report.kind === 'audio') counters.packetsSent += report.packetsSent ?? 0;
    if (report.type === 'local-candidate' || report.type === 'remote-candidate') {
      counters.candidates.push(`${report.type}:${report.address ?? report.ip}:${report.port}`);
    }
  });
  return counters;
}

window.harnessUa = {
  async start({ wsUrl, user, password, autoAnswer }) {
    ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${user}@127.0.0.1`),
      transportOptions: { server: wsUrl },
      authorizationUsername: password ? user : undefined,
      authorizationPassword: password,
      logLevel: 'warn',
      sendInitialProvisionalResponse: false,
      sessionDescriptionHandlerFactoryOptions: sdhFactoryOptions,
      delegate: { onInvite: (invitation) => onInvite(invitation, autoAnswer) },
    });
    await ua.start();
    const registerer = new Registerer(ua);
    state.registerCode = await new Promise((resolve) => {
      registerer
        .register({
          requestDelegate: {
            onAccept: () => resolve(200),
            onReject: ({ message }) => resolve(message.statusCode),
          },
        })
        .catch(() => resolve(0));
    });
    return state.registerCode;
  },
  async dial(target) {
    const inviter = new Inviter(ua, UserAgent.makeURI(target), audioOnly);
    track(inviter);
    await inviter.invite({ requestDelegate: { onReject: ({ message }) => state.errors.push(`dial: ${message.statusCode} ${message.reasonPhrase}`) } });
  },
  /** Sends REFER on the current call; resolves with the far end's status code. */
  async refer(target) {
    return new Promise((resolve) => {
      session
        .refer(UserAgent.makeURI(target), {
          requestDelegate: { onAccept: ({ message }) => resolve(message.statusCode), onReject: ({ message }) => resolve(message.statusCode) },
        })
        .catch((e) => resolve(`error: ${e.message}`));
    });
  },
  /** A new INVITE that claims to replace the current call (RFC 3891), as a hijacker would; resolves with the final status. */
  async replaceOwnCall(target) {
    const dialog = session.dialog;
    const replaces = `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
    const inviter = new Inviter(ua, UserAgent.makeURI(target), { ...audioOnly, extraHeaders: [`Replaces: ${replaces}`] });
    return new Promise((resolve) => {
      inviter
        .invite({ requestDelegate: { onAccept: ({ message }) => resolve(message.statusCode), onReject: ({ message }) => resolve(message.statusCode) } })
        .catch((e) => resolve(`error: ${e.message}`));
    });
  },
  async hangup() {
    if (session?.state === SessionState.Established) await session.bye();
  },
  rtpCounters,
  state: () => ({ ...state, sessionState: session?.state ?? 'none', remoteUser: session?.remoteIdentity?.uri?.user ?? '' }),
};
