import { describe, expect, it, vi } from 'vitest';
import { openExternalUrl } from '../../../../src-main/app/external-links.js';

const mustNotOpen = async (url: string) => {
  throw new Error(`the OS handler must not be invoked for ${url}`);
};

describe('openExternalUrl', () => {
  it.each([
    'file:///etc/passwd',
    'file://server/share/evil.exe',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://example.com/',
    'smb://attacker.example/share',
    'ms-msdt:/id PCWDiagnostic',
    'search-ms:query=x',
    'vbscript:msgbox',
    'app://focusline/index.html',
    'https://user:pass@example.com/',
    'https://bank.example@evil.example/',
    'not a url',
    '',
  ])('refuses %j', async (url) => {
    await expect(openExternalUrl(url, mustNotOpen)).resolves.toBe(false);
  });

  it.each([undefined, null, 42, { href: 'https://example.com' }])('refuses the non-string %j', async (value) => {
    await expect(openExternalUrl(value, mustNotOpen)).resolves.toBe(false);
  });

  it.each([
    ['https://docs.example.com/help?q=1', 'https://docs.example.com/help?q=1'],
    ['mailto:support@example.com', 'mailto:support@example.com'],
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['tel:+15550100', 'tel:+15550100'],
    ['HTTPS://Example.COM', 'https://example.com/'],
  ])('opens %s (normalised)', async (url, opened) => {
    const open = vi.fn(async (_url: string) => {});
    await expect(openExternalUrl(url, open)).resolves.toBe(true);
    expect(open).toHaveBeenCalledExactlyOnceWith(opened);
  });
});
