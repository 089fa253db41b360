import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { createCases } from '../../src/services/cases.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { seedUser } from '../support/seed.js';
import { eventually, repoRoot, startTestSystem } from '../support/system.js';

// A coordinator who never saw YAML: changes a question's Indonesian text and adds a choice through the form, publishes,
// the system restarts, and a new chat gets the new text and the new choice. The flow file on disk does not change.
const FLOW = `# A short check-in used by the form-editor test. This comment must survive the form.
spec: 1
id: form-check
name: { id: Cek singkat, en: Short check }
languages: [id, en]
default_language: id

steps:
  # ---- the one question --------------------------------------------------------------------------
  - id: feeling
    type: ask
    text:
      id: Bagaimana kabar Anda hari ini?
      en: How are you feeling today?
    answer:
      type: choice
      choices:
        - { value: well, label: { id: Baik, en: Well } }
        - { value: unwell, label: { id: Kurang sehat, en: Unwell } }

  - id: thanks
    type: end
    text:
      id: Terima kasih. That's all.
      en: Thank you. That's all.
`;

type Sys = Awaited<ReturnType<typeof startTestSystem>>;
let browser: Browser;
let sys: Sys | undefined;
let flowsDir: string;
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
const env = () => ({ OUTREACH_CHANNEL: 'fake', FLOWS_DIR: flowsDir, DEFAULT_FLOW: 'form-check' });

beforeAll(async () => {
  flowsDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-form-flows-'));
  writeFileSync(path.join(flowsDir, 'form-check.yaml'), FLOW);
  // Every chat first proves who it is (issue 17): the repository's identity check runs before the flow under test.
  copyFileSync(path.join(repoRoot, 'flows', 'verify-identity.yaml'), path.join(flowsDir, 'verify-identity.yaml'));
  [browser, sys] = await Promise.all([launchBrowser(), startTestSystem(inject('redisUrl'), env())]);
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

/** A case with a start code whose patient opens the link: the chat starts on the then-latest version, in Indonesian. */
async function newChat(s: Sys, user: string): Promise<{ text: string; choices: string[] }> {
  const [c] = createCases(createRepositories(s.db), [{ externalId: `FORM-${user}`, name: `Pasien ${user}`, phone: null, dateOfBirth: null, testDate: null, confirmedAt: Date.now(), language: 'id', area: null }], {
    now: Date.now(),
    startCodeTtlMs: 86_400_000,
  });
  s.fakePlatform!.patientSends(user, { kind: 'start', code: c!.startCode! });
  // The identity check asks for the number on the letter; the person types it.
  await eventually(() => (s.fakePlatform!.inbox(user).length > 0 ? true : undefined), `the identity question to ${user}`, 30_000);
  s.fakePlatform!.patientSends(user, { kind: 'text', text: `FORM-${user}` });
  const m = await eventually(() => s.fakePlatform!.inbox(user).find((x) => x.choices.length > 0), `the question to ${user}`, 30_000);
  return { text: m.text, choices: m.choices.map((x) => x.label) };
}

const waitFor = (page: Page, expr: string) => eventually(async () => ((await page.evaluate(expr)) ? true : undefined), expr, 30_000);
const formLoads = (page: Page) => page.evaluate('Number(document.documentElement.dataset.formLoads || 0)') as Promise<number>;

describe('the flow form editor', () => {
  it('changes a question and adds a choice without YAML; after publish and a restart a new chat gets them', async () => {
    expect(await newChat(sys!, 'before')).toEqual({ text: 'Bagaimana kabar Anda hari ini?', choices: ['Baik', 'Kurang sehat'] });

    const citra = await seedUser(sys!.db, { email: 'citra-form@example.org', role: 'coordinator', name: 'Citra' });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    await logIn(page, sys!.address!, citra.email, citra.password);
    await page.goto(`${sys!.address}/coord/flows/form-check`);
    await page.waitForSelector('.CodeMirror');
    await waitFor(page, "document.documentElement.dataset.valid === 'true'");

    // The highlighter reads "That's all." as plain text, not as the start of a quoted string.
    const strings = (await page.evaluate("[...document.querySelectorAll('.CodeMirror .cm-string')].map((e) => e.textContent)")) as string[];
    expect(strings.some((s) => s.includes('s all'))).toBe(false);

    // Click the question in the diagram: the form opens on it.
    await page.click('.side-tab[data-tab="tab-diagram"]');
    let loads = await formLoads(page);
    await page.click('.flow-diagram [data-step="feeling"]');
    await waitFor(page, `Number(document.documentElement.dataset.formLoads) > ${loads} && document.documentElement.dataset.formStep === 'feeling'`);
    expect(await page.inputValue('#ff-form textarea[name="text.en"]')).toBe('How are you feeling today?');

    // Change the Indonesian text, add a choice, apply.
    await page.fill('#ff-form textarea[name="text.id"]', 'Apa kabar Anda pagi ini?');
    await page.click('#ff-add-choice');
    const row = page.locator('#ff-choice-rows tr').last();
    await row.locator('[name="choice.value"]').fill('tested');
    await row.locator('[name="choice.id"]').fill('Sudah dites');
    await row.locator('[name="choice.en"]').fill('Already tested');
    loads = await formLoads(page);
    const checks = await page.evaluate('Number(document.documentElement.dataset.checked || 0)');
    await page.click('#ff-apply');
    await waitFor(page, `Number(document.documentElement.dataset.formLoads) > ${loads}`);
    expect(await page.textContent('#ff-message')).toMatch(/Diterapkan|Applied/);
    if (shots) await page.screenshot({ path: path.join(shots, 'coord-flow-form.png'), fullPage: false });
    const yaml = (await page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")) as string;
    expect(yaml).toContain('# A short check-in used by the form-editor test. This comment must survive the form.');
    expect(yaml).toContain('  # ---- the one question');
    expect(yaml).toContain('      id: Apa kabar Anda pagi ini?\n');
    expect(yaml).toContain('        - { value: tested, label: { id: Sudah dites, en: Already tested } }\n');
    // The live check has run on the new text.
    await waitFor(page, `Number(document.documentElement.dataset.checked) > ${checks} && document.documentElement.dataset.valid === 'true'`);

    await Promise.all([page.waitForURL(/ok=published_ok/), page.click('#publish')]);
    await ctx.close();
    expect(readFileSync(path.join(flowsDir, 'form-check.yaml'), 'utf8')).toBe(FLOW);

    // Restart on the same database and the same (unchanged) flow file.
    const dataDir = sys!.dataDir;
    await sys!.stop();
    sys = undefined;
    sys = await startTestSystem(inject('redisUrl'), { ...env(), DATA_DIR: dataDir });
    expect(await newChat(sys, 'after')).toEqual({ text: 'Apa kabar Anda pagi ini?', choices: ['Baik', 'Kurang sehat', 'Sudah dites'] });
  }, 180_000);

  it('adds a step below the one shown, moves it up, and deletes it, with the YAML following each time', async () => {
    const dina = await seedUser(sys!.db, { email: 'dina-form@example.org', role: 'coordinator', name: 'Dina' });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    page.on('dialog', (d) => void d.accept());
    await logIn(page, sys!.address!, dina.email, dina.password);
    await page.goto(`${sys!.address}/coord/flows/form-check#tab-form`);
    await page.waitForSelector('.CodeMirror');
    await waitFor(page, "document.documentElement.dataset.formStep === 'feeling'");
    const yaml = () => page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()") as Promise<string>;
    const ids = async () => [...(await yaml()).matchAll(/^ {2}- id: (\w+)$/gm)].map((m) => m[1]);
    const step = async (action: () => Promise<void>, expectStep: string) => {
      const loads = await formLoads(page);
      await action();
      await waitFor(page, `Number(document.documentElement.dataset.formLoads) > ${loads} && document.documentElement.dataset.formStep === '${expectStep}'`);
    };

    await step(async () => {
      await page.fill('#ff-add input[name=new_step]', 'extra_note');
      await page.selectOption('#ff-add select[name=new_type]', 'say');
      await page.click('#ff-add button[type=submit]');
    }, 'extra_note');
    expect(await ids()).toEqual(['feeling', 'extra_note', 'thanks']);
    await step(() => page.click('#ff-form [data-ff-move="-1"]'), 'extra_note');
    expect(await ids()).toEqual(['extra_note', 'feeling', 'thanks']);
    // The comment above the first step stays at the top of the steps.
    expect((await yaml()).indexOf('# ---- the one question')).toBeLessThan((await yaml()).indexOf('- id: feeling'));
    await step(() => page.click('#ff-delete'), 'feeling');
    expect(await ids()).toEqual(['feeling', 'thanks']);
    await ctx.close();
  }, 120_000);
});
