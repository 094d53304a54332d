// Summary passes kept on disk: a second dataset (another notebook, another process) summarizing
// the same files reads the kept partials instead of decoding the files again, and a changed
// file is summarized again.
import { appendFileSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder } from '../../src/dataset/openDataset.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-summaries-');
const saved = { cache: process.env.PERMAFROST_CACHE, on: process.env.PERMAFROST_SUMMARY_CACHE };
beforeAll(() => {
  process.env.PERMAFROST_CACHE = join(tmp.dir, 'cache');
  process.env.PERMAFROST_SUMMARY_CACHE = '1';
  cpSync(sampleFolder(), join(tmp.dir, 'data'), { recursive: true });
});
afterAll(() => {
  for (const [name, value] of [['PERMAFROST_CACHE', saved.cache], ['PERMAFROST_SUMMARY_CACHE', saved.on]] as const) {
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
  }
  tmp.cleanup();
});

describe('summary passes kept on disk', () => {
  it('a second dataset takes a summary by region, a histogram and a summary by period from the kept pass, with the same numbers', async () => {
    const data = join(tmp.dir, 'data');
    const first = await openDataset(data);
    let passes = 0;
    const byRegion = (await first.summarize({ by: ['period', 'region'], variables: ['magt'], on_progress: () => { passes++; } })).objects();
    const histogram = (await first.histogram('magt')).objects();
    const byPeriod = (await first.summarize({ by: ['period'], variables: ['magt'] })).objects();
    await first.close();
    expect(passes).toBeGreaterThan(0);
    expect(readdirSync(join(tmp.dir, 'cache', 'summaries')).some((n) => n.startsWith('magt-'))).toBe(true);

    const second = await openDataset(data);
    let again = 0;
    const count = () => { again++; };
    expect((await second.summarize({ by: ['period', 'region'], variables: ['magt'], on_progress: count })).objects()).toEqual(byRegion);
    expect((await second.histogram('magt', { on_progress: count })).objects()).toEqual(histogram);
    expect((await second.summarize({ by: ['period'], variables: ['magt'], on_progress: count })).objects()).toEqual(byPeriod);
    expect(again).toBe(0); // no file was read for them
    await second.close();
  });

  it('a changed file is summarized again', async () => {
    const data = join(tmp.dir, 'data');
    const before = await openDataset(data);
    await before.summarize({ by: ['period'], variables: ['alt'] });
    await before.close();
    appendFileSync(join(data, 'alt.tif'), Buffer.from([0])); // a byte after the TIFF's data: same values, another file
    const after = await openDataset(data);
    let passes = 0;
    // by the option's deprecated name, which keeps working for a release
    await after.summarize({ by: ['period'], variables: ['alt'], onProgress: () => { passes++; } });
    expect(passes).toBeGreaterThan(0);
    await after.close();
  });
});
