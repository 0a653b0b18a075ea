import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveRendererFile, RENDERER_CSP } from '../../../../src-main/app/app-protocol.js';

let root: string;
let rendererDir: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'focusline-app-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Focusline</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'TOP SECRET');
  await writeFile(join(root, 'renderer-evil.txt'), 'SIBLING');
  serve = createAppProtocolHandler(rendererDir);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the app:// protocol handler', () => {
  it('serves index.html for the root with the CSP and a content type', async () => {
    const response = await serve(new Request('app://focusline/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Focusline</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves bundled assets', async () => {
    const response = await serve(new Request('app://focusline/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  // The URL parser already folds plain and %2e dot segments; the encoded
  // slashes (%2f, %5c) survive it and reach the folder check.
  it.each([
    'app://focusline/%2e%2e/secret.txt',
    'app://focusline/..%2fsecret.txt',
    'app://focusline/..%5csecret.txt',
    'app://focusline/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://focusline/assets/%2e%2e/%2e%2e/secret.txt',
    'app://focusline/..%2frenderer-evil.txt',
    'app://focusline/index.html%00.png',
    'app://focusline/%E0%A4%A',
  ])('refuses the traversal %s', async (url) => {
    const response = await serve(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/SECRET|SIBLING|root:/);
  });

  it('refuses other hosts on the scheme', async () => {
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect(resolveRendererFile(rendererDir, 'https://focusline/index.html')).toBeUndefined();
  });

  it('answers 404 for a missing file and 405 for anything but GET/HEAD', async () => {
    expect((await serve(new Request('app://focusline/nope.js'))).status).toBe(404);
    expect((await serve(new Request('app://focusline/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('answers HEAD without a body', async () => {
    const response = await serve(new Request('app://focusline/index.html', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
