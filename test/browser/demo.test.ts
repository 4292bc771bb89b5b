// The demo (npm start): the chat room from two Chromium pages and the TCP chat client, the Worker page's counters and echo.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launch_chromium } from '../support/chromium.js';
import {
  open_page,
  spawn_chat_client,
  start_demo,
  type ChatClient,
  type Demo,
} from '../support/demo.js';

/** Every wait on a page is bounded by this (ms). */
const WAIT = 10_000;

let demo: Demo | undefined;
let browser: Browser | undefined;
const clients: ChatClient[] = [];
const demos: Demo[] = [];

beforeAll(async () => {
  [demo, browser] = await Promise.all([start_demo(), launch_chromium()]);
  demos.push(demo);
});

afterAll(async () => {
  for (const client of clients) client.child.kill('SIGKILL');
  await browser?.close();
  await Promise.all(demos.map((d) => d.close()));
});

/** Join the room from a chat page under `name`, waiting for the welcome. */
async function join(page: Page, name: string): Promise<void> {
  await page.fill('#name', name);
  await page.click('#join-button');
  await page.locator('#messages li', { hasText: `Welcome, ${name}!` }).waitFor({ timeout: WAIT });
}

function message(page: Page, text: string) {
  return page.locator('#messages li', { hasText: text });
}

/** The number shown in a counter of the worker page. */
async function counter(page: Page, id: string): Promise<number> {
  return Number(((await page.textContent(`#${id}`)) ?? '').replace(/,/g, ''));
}

describe('the demo (npm start)', () => {
  it('serves the home page with links to both pages', async () => {
    const problems: string[] = [];
    const page = await open_page(browser!, demo!.url, problems);
    await expect(page.title()).resolves.toBe('trollius demo');
    const links = await page
      .locator('.choices a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/chat.html', '/worker.html']);
    await page.locator('#cli', { hasText: `--port ${demo!.tcp_port}` }).waitFor({ timeout: WAIT });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('chat: two pages (WebSocket, IIFE bundle) and the TCP chat client see each other', async () => {
    const problems: string[] = [];
    const alice = await open_page(browser!, `${demo!.url}chat.html`, problems);
    const bob = await open_page(browser!, `${demo!.url}chat.html`, problems);
    await join(alice, 'alice');
    await join(bob, 'bob');
    await expect(alice.textContent('#status')).resolves.toMatch(
      /^Connected to ws:\/\/127\.0\.0\.1:\d+\/chat$/,
    );

    const carol = spawn_chat_client([
      ...['--port', String(demo!.tcp_port), '--name', 'carol'],
      ...['--say', 'hello from the terminal', '--exit-after', '30'],
    ]);
    clients.push(carol);
    await carol.wait_for_output('* Welcome, carol! Online: alice, bob.');
    await message(alice, 'carol: hello from the terminal').waitFor({ timeout: WAIT });
    await message(bob, 'carol: hello from the terminal').waitFor({ timeout: WAIT });

    await alice.fill('#text', 'hi from alice');
    await alice.press('#text', 'Enter');
    await message(bob, 'alice: hi from alice').waitFor({ timeout: WAIT });
    await carol.wait_for_output('alice: hi from alice');

    await bob.fill('#text', 'bob here');
    await bob.click('#send-button');
    await message(alice, 'bob: bob here').waitFor({ timeout: WAIT });
    await carol.wait_for_output('bob: bob here');
    // Your own lines come back from the server, marked as yours.
    await expect(message(alice, 'alice: hi from alice').getAttribute('class')).resolves.toBe(
      'mine',
    );

    // The terminal user leaves (Ctrl+C): the pages get the notice.
    carol.child.kill('SIGINT');
    await carol.exited();
    await message(alice, 'carol left (2 online)').waitFor({ timeout: WAIT });

    // Leaving from a page: the other page is told, the status says so.
    await bob.click('#leave-button');
    await message(alice, 'bob left (1 online)').waitFor({ timeout: WAIT });
    await bob.locator('#status', { hasText: 'You left the room' }).waitFor({ timeout: WAIT });
    expect(await bob.isVisible('#error')).toBe(false);

    await alice.close();
    await bob.close();
    expect(problems).toEqual([]);
  });

  it('worker: live loop counters from a trollius server in a Worker, and an echo over the MessagePort', async () => {
    const problems: string[] = [];
    const page = await open_page(browser!, `${demo!.url}worker.html`, problems);
    await page
      .locator('#status', { hasText: 'Connected · 4 busy tasks in the worker' })
      .waitFor({ timeout: WAIT });
    await page.waitForFunction(
      () => Number(document.getElementById('iterations')!.textContent!.replace(/,/g, '')) > 0,
      null,
      { timeout: WAIT },
    );
    const first = await counter(page, 'iterations');
    // The counter keeps moving (the worker reports every 0.25 s).
    await page.waitForFunction(
      (seen) =>
        Number(document.getElementById('iterations')!.textContent!.replace(/,/g, '')) > seen,
      first,
      { timeout: WAIT },
    );
    expect(await counter(page, 'switches')).toBeGreaterThan(0);
    await expect(page.textContent('#iterations-rate')).resolves.toMatch(/^[\d,]+ \/ s$/);

    await page.fill('#echo-text', 'hello worker');
    await page.press('#echo-text', 'Enter');
    await page
      .locator('#echo-log li', { hasText: 'hello worker → HELLO WORKER' })
      .waitFor({ timeout: WAIT });
    await page.locator('#echoes', { hasText: '1' }).waitFor({ timeout: WAIT });

    // Pausing stops the ticker and the busy tasks: the worker loop goes idle, the echo still works.
    await page.click('#pause');
    await page.locator('#status', { hasText: 'worker loop idle (paused)' }).waitFor({
      timeout: WAIT,
    });
    await page.fill('#echo-text', 'still there?');
    await page.press('#echo-text', 'Enter');
    await page
      .locator('#echo-log li', { hasText: 'still there? → STILL THERE?' })
      .waitFor({ timeout: WAIT });

    expect(await page.isVisible('#error')).toBe(false);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('chat: the page shows when the server goes away, and a failed reconnect as an error', async () => {
    const own = await start_demo();
    demos.push(own);
    const problems: string[] = [];
    // Chromium logs the refused WebSocket itself.
    const page = await open_page(browser!, `${own.url}chat.html`, problems, [
      /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/chat' failed/,
    ]);
    await join(page, 'dave');
    await own.close();
    await message(page, 'The server is shutting down. Bye!').waitFor({ timeout: WAIT });
    await page
      .locator('#status', { hasText: 'The server closed the connection' })
      .waitFor({ timeout: WAIT });

    await page.click('#join-button');
    await page.locator('#error', { hasText: 'ConnectionRefusedError' }).waitFor({ timeout: WAIT });
    await expect(page.getAttribute('#status', 'data-state')).resolves.toBe('error');
    await page.close();
    expect(problems).toEqual([]);
  });
});
