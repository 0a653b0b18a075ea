/**
 * The only way a URL reaches `shell.openExternal`. Anything the page asks to
 * open is untrusted: file:, javascript:, smb:, ms-msdt: and friends can run
 * code or leak credentials through the OS handler, so only these go out.
 */
export const EXTERNAL_PROTOCOLS: readonly string[] = ['https:', 'mailto:', 'sip:', 'tel:'];

export type OpenExternal = (url: string) => Promise<void>;

export async function openExternalUrl(value: unknown, open: OpenExternal): Promise<boolean> {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (!EXTERNAL_PROTOCOLS.includes(url.protocol)) return false;
  // Credentials in a link are a phishing tell (https://bank.example@evil.example/).
  if (url.username !== '' || url.password !== '') return false;
  await open(url.href);
  return true;
}
