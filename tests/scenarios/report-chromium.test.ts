/**
 * The report as a person sees it: the forum routine's reports opened from file:// in Debian's
 * headless Chromium (driven by playwright-core), checked on the rendered page, and screenshotted to
 * $VB_ARTIFACTS/report (else the temp folder's virtual-boron-report). .ci/run installs Chromium, so
 * CI never skips this; without /usr/bin/chromium a local run skips it and says why.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { writeReport, type ReportData, type VirtualBoron } from '../../src/index';
import { runForumScenario } from '../../examples/forum-ota/scenario';
import { sampleSweep } from './report-sweep-sample';

const CHROMIUM = '/usr/bin/chromium';
const installed = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
const SHOTS = join(process.env.VB_ARTIFACTS ?? tmpdir(), process.env.VB_ARTIFACTS ? 'report' : 'virtual-boron-report');

if (!installed && !inCi) {
  console.warn(`Skipping the report's browser tests: ${CHROMIUM} is not installed (apt-get install chromium). CI installs it and runs them.`);
}
const browserDescribe = installed || inCi ? describe : describe.skip;

browserDescribe('the report in headless Chromium', () => {
  let profileDir: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    if (!installed) throw new Error(`Chromium is not installed at ${CHROMIUM}: .ci/run installs Debian's chromium before the tests, so CI must not get here without it.`);
    mkdirSync(SHOTS, { recursive: true });
    profileDir = mkdtempSync(join(tmpdir(), 'vb-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  /** Write the device's report into the screenshot folder, open it, and take the page and each section. */
  async function open(device: VirtualBoron, name: string, options: Parameters<typeof writeReport>[2] = {}): Promise<ReportData> {
    const path = join(SHOTS, `${name}.html`);
    const data = writeReport(device, path, options);
    requests.length = 0;
    await page.goto(pathToFileURL(path).href);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    for (const id of ['flash', 'timeline', 'validation', ...(options.sweep ? ['sweep'] : [])]) await page.locator(`#${id}`).screenshot({ path: join(SHOTS, `${name}-${id}.png`) });
    // It loaded itself and nothing else.
    expect(requests).toEqual([pathToFileURL(path).href]);
    // Nothing spills out sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    return data;
  }

  const texts = (selector: string) => page.locator(selector).allTextContents();

  describe('as posted', () => {
    let device: VirtualBoron;
    let data: ReportData;
    beforeAll(async () => {
      device = await runForumScenario({ fixed: false, trace: 'all' });
      data = await open(device, 'forum-posted');
    }, 120_000);

    it('names the regions of both chips on the map', async () => {
      const labels = await texts('#flash svg text.region-label');
      for (const label of ['file system 2 MB', 'factory app', 'OTA region 1500 KB', 'radio stack (SoftDevice)', 'system part 1 656 KB', 'user part 128 KB', 'bootloader', 'MBR']) expect(labels).toContain(label);
      expect(await texts('#flash figcaption')).toEqual(['external flash: MX25L3233F over QSPI, 4 MB', 'internal flash: nRF52840, 1 MB']);
    });

    it('highlights the Saves that landed outside the image’s place, and says where they were meant to go', async () => {
      const outside = page.locator('#flash .activity.program.outside.over-data rect:first-of-type');
      await expect(outside.count()).resolves.toBe(2);
      const magnified = (await outside.nth(1).boundingBox())!;
      expect(magnified.width).toBeGreaterThan(20);
      expect(await outside.nth(1).getAttribute('fill')).toBe('#dc2626');
      expect(await texts('#flash .meant text')).toEqual(['meant: 0x289000–0x28A394']);
      expect(await texts('#flash .arrow-label')).toEqual(['+0x176A8 from the image’s place']);
      expect(await texts('#flash .activity-list li')).toEqual([
        "programmed 0x2A06A8–0x2A1A3C (5,012 bytes in 42 operations) at 19.636 s–20.049 s; all of them outside 0x289000–0x28A394, the image's place (the OTA region's start + file_length 5,012); 4,989 bytes over data that was not erased (4,503 read back different)",
      ]);
      expect(await texts('header .summary li.bad')).toEqual([
        "The update (Prepare at 19.636 s) saved 5,012 bytes in 42 Saves to 0x2A06A8–0x2A1A3C; the image's place is 0x289000–0x28A394 (the OTA region's start, file_length 5,012).",
        'Prepare erased nothing (file_address 0x202A06A8).',
        "5,012 bytes landed outside the image's place.",
        '4,989 bytes were programmed over data that was not erased; 4,503 read back different from what was written.',
        'Finish at 21.129 s returned 1: validation failed (INTEGRITY).',
      ]);
    });

    it('puts Prepare, the Saves, Finish, the reset and the boot on the timeline', async () => {
      expect(await texts('#timeline .milestone-label')).toEqual(['Prepare 19.636 s ⚠', 'Finish 21.129 s ✘', 'reset 21.132 s', 'boot: ota-test 21.362 s']);
      expect(await texts('#timeline .event-label')).toEqual([
        'connect mydomain.com:80',
        'GET /firmware/simple.bin · HTTP 200, 5,012-byte body',
        'closed by the server',
        'closed by the device',
        'reset: USER (140)',
        'boot: ota-test',
        '42 Saves, all outside the image’s place or failed',
      ]);
      await expect(page.locator('#timeline .save.bad').count()).resolves.toBe(42);
      expect(await texts('#timeline .series-label')).toEqual(['file_length 5,012', 'received 5,317', 'saved 5,012']);
    });

    it('decodes the validation flags', async () => {
      expect(await page.locator('#validation .finish p').innerText()).toBe('Finish at 21.129 s with SUCCESS returned 1; checked 0x5E, passed 0x5C — validation failed: INTEGRITY');
      const rows = await page.locator('#validation tr.flag').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' | ')));
      expect(rows).toEqual([
        'INTEGRITY | 0x2 | ✘ failed | the CRC-32 after the module matches its bytes',
        'DEPENDENCIES | 0x4 | ✔ passed | the modules it depends on are installed, new enough',
        'RANGE | 0x8 | ✔ passed | its addresses fit the region its header names',
        'PLATFORM | 0x10 | ✔ passed | built for the Boron (platform 13)',
        'PRODUCT | 0x20 | — not checked | built for this product',
        'DEPENDENCIES_FULL | 0x40 | ✔ passed | installed modules that depend on it still have what they need',
      ]);
    });

    it('lists the diagnostics and the log', async () => {
      expect(await texts('#diagnostics li p')).toEqual(device.diagnostics.map((d) => d.message));
      expect(await texts('#diagnostics li code')).toEqual(['uninitialised-read', 'erase-skipped', 'unerased-program', 'validation', 'reset-after-failure']);
      // The page reads CR LF in a message as a line feed, as HTML does.
      expect(await texts('#log tbody pre')).toEqual(device.logs.map((l) => l.line.replace(/\r\n?/g, '\n')));
      expect(await texts('footer code')).toEqual(data.traceEvents);
    });
  });

  describe('as fixed, with a sweep', () => {
    beforeAll(async () => {
      const device = await runForumScenario({ fixed: true, trace: 'all' });
      await open(device, 'forum-fixed-sweep', { sweep: sampleSweep(device.trace) });
    }, 120_000);

    it('shows the erase, the programs in place and the bootloader’s copy, nothing outside', async () => {
      expect(await texts('#flash .activity-list li')).toEqual([
        'erased 0x289000–0x28B000 (8,192 bytes) at 19.636 s',
        'programmed 0x289000–0x28A394 (5,012 bytes in 41 operations) at 19.716 s–20.049 s',
        'the bootloader copied DCT slot 1: 0xD4000–0xD5394 (5,012 bytes) at 21.086 s',
      ]);
      await expect(page.locator('#flash .activity.outside').count()).resolves.toBe(0);
      expect(await texts('#timeline .milestone-label')).toEqual(['Prepare 19.636 s', 'erase 19.636 s', 'Finish 21.054 s', 'reset 21.056 s', 'bootloader 21.086 s', 'boot: simple 21.508 s']);
      expect(await page.locator('#validation .finish p').innerText()).toBe('Finish at 21.054 s with SUCCESS returned 0; checked 0x5E, passed 0x5E — validation passed');
    });

    it('draws the sweep as a grid of outcomes, and a click shows how to replay a cut', async () => {
      await expect(page.locator('#sweep .cell').count()).resolves.toBe(64 * 2);
      expect(await texts('#sweep .legend span')).toEqual([
        'new-app 1 — the new app runs',
        'old-app 84 — the old app runs (the update can be tried again)',
        'safe-mode 43 — safe mode: no app runs until the cloud repairs it',
      ]);
      expect(await texts('#sweep .bad-cuts tbody td')).toEqual([
        '42–63',
        '22 operations, 0xD4000 to 0xD5394 (bootloader copy)',
        'before, after',
        'safe-mode',
        '1.x freed the slot before copying, so the half-copied user part fails its CRC at every boote.g. runForumScenario({ fixed: true }), the power cut before operation 42: erase 4096 bytes at 0xD4000 (internal)',
      ]);
      await page.locator('#sweep [data-cell="50/after"]').click();
      expect(await page.locator('#cell-detail').innerText()).toBe(
        'operation 50, cut after: safe-mode — 1.x freed the slot before copying, so the half-copied user part fails its CRC at every boot\nrunForumScenario({ fixed: true }), the power cut after operation 50: program 256 bytes at 0xD4600 (internal)',
      );
      await page.locator('#sweep').screenshot({ path: join(SHOTS, 'forum-fixed-sweep-clicked.png') });
    });
  });
});
