import { z } from 'zod';
import { AccountSchema, AudioDevicesSchema, IceServerSchema } from '../ipc/contract.js';

/**
 * The settings file (FOCUSLINE_CONFIG, or settings.json in the data folder).
 * `account.password` is accepted on input only: it is moved to the secret
 * store on load and never written back.
 */
export const SettingsFileSchema = z
  .object({
    $schema: z.string().optional(),
    account: AccountSchema.extend({ password: z.string().max(256).optional() }).optional(),
    devices: AudioDevicesSchema.default({ microphoneId: 'default', speakerId: 'default', ringDeviceId: 'default' }),
    /** Empty by default: sip.js would otherwise send STUN to a public Google server. */
    iceServers: z.array(IceServerSchema).default([]),
  })
  .strict();

export type SettingsFile = z.output<typeof SettingsFileSchema>;

export const defaultSettings = (): SettingsFile => SettingsFileSchema.parse({});
