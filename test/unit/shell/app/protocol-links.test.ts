import { describe, expect, it } from 'vitest';
import { findLinkInArgv, parseLink } from '../../../../src-main/app/protocol-links.js';

describe('parseLink', () => {
  it.each([
    ['tel:+15550100', '+15550100'],
    ['tel:+1-555-010-0123', '+15550100123'],
    ['TEL:+1 (555) 010.0123', '+15550100123'],
    ['tel:%2B44%2020%207946%200958', '+442079460958'],
    ['tel:+15550100;ext=12;phone-context=example.com', '+15550100'],
    ['tel://5550100', '5550100'],
    ['tel:*98#', '*98#'],
    ['callto:+4930123456', '+4930123456'],
    ['callto://+49-30-123456', '+4930123456'],
    ['callto:alice@pbx.example.com', 'sip:alice@pbx.example.com'],
    ['sip:alice@pbx.example.com', 'sip:alice@pbx.example.com'],
    ['SIP:1001@10.0.0.5:5060;transport=tcp', 'sip:1001@10.0.0.5:5060'],
    ['sip:alice@pbx.example.com?Subject=hello&Priority=urgent', 'sip:alice@pbx.example.com'],
    ['sips:bob@[2001:db8::1]', 'sips:bob@[2001:db8::1]'],
    ['sip:1001', '1001'],
    ['  tel:+15550100  ', '+15550100'],
  ])('dials %s as %s', (link, target) => {
    expect(parseLink(link)).toEqual({ kind: 'dial', target });
  });

  it.each([
    'https://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'mailto:someone@example.com',
    'tel:',
    'tel:call-me-maybe',
    'tel:+1555<script>',
    'tel:%E0%A4%A',
    'callto:skype.user',
    'sip:alice@',
    'sip:@pbx.example.com',
    'sip:al ice@pbx.example.com',
    'sip:alice@pbx..example.com',
    'sip:alice@-bad-.example.com',
    'sip:a"b@example.com',
    `tel:+${'1'.repeat(600)}`,
    'not a link',
    '',
  ])('refuses %j', (link) => {
    expect(parseLink(link)).toBeNull();
  });

  it('parses focusline:// links for a later feature without dialling them', () => {
    const link = parseLink('focusline://ticket/123');
    expect(link?.kind).toBe('app-link');
    expect(link?.kind === 'app-link' && link.url.href).toBe('focusline://ticket/123');
  });
});

describe('findLinkInArgv', () => {
  it('finds the link after the executable and Chromium switches', () => {
    const argv = ['C:\\Program Files\\Focusline\\Focusline.exe', '--allow-file-access-from-files', '--original-process-start-time=1', 'tel:+15550100'];
    expect(findLinkInArgv(argv)).toEqual({ kind: 'dial', target: '+15550100' });
  });

  it('skips a flag that merely contains a link', () => {
    expect(findLinkInArgv(['/opt/Focusline/focusline', '--referrer=tel:+15550100'])).toBeNull();
  });

  it('is null when no argument is a link', () => {
    expect(findLinkInArgv(['/usr/bin/electron', '.', '--hidden'])).toBeNull();
  });
});
