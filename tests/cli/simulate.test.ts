import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lineToInput, parseSimulateArgs } from '../../src/cli/simulate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the simulator with `args`, feeding `lines` on stdin; resolves with stdout, stderr and the exit code. */
function simulate(args: string[], lines: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/simulate.ts', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    // The simulator may exit before reading everything (the conversation ended): ignore a closed pipe.
    child.stdin.on('error', () => undefined);
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

interface JsonLine {
  type: string;
  [key: string]: unknown;
}

describe('npm run simulate', () => {
  it('plays the default flow in English from consent to completion, as JSON lines', async () => {
    const { stdout, code } = await simulate(
      ['flows/case-interview.yaml', '--lang', 'en', '--today', '2026-11-25', '--case', 'name=Budi Santoso', '--case', 'first_name=Budi', '--json'],
      [
        'yes', 'yes', '2 days ago', 'fever, cough', 'home', '2',
        'Siti Aminah', '0812-3456-7890', 'household', 'yesterday', 'no', 'yes',
        '/contact Joko Susilo +62 813 2222 3333', 'workplace', '22/11', 'yes', 'no',
        'Pasar Minggu', 'yesterday', 'no',
        'yes',
        'this line is never read',
      ],
    );
    expect(code).toBe(0);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
    expect(out[0]).toMatchObject({ type: 'message', step: 'greeting', text: expect.stringContaining('Hello Budi, thank you for confirming who you are'), expects: null, choices: [] });
    expect(out[1]).toMatchObject({ type: 'message', step: 'consent', expects: 'yes_no', choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] });
    expect(out.filter((o) => o.type === 'escalated')).toEqual([]);
    expect(out.at(-2)).toMatchObject({ type: 'message', step: 'thanks' });
    expect(out.at(-1)).toEqual({
      type: 'completed',
      answers: {
        consent: true,
        has_symptoms: true,
        reference_date: '2026-11-23',
        symptoms: ['fever', 'cough'],
        isolation: 'home',
        household_size: 2,
        summary_confirmed: true,
      },
      contacts: [
        { name: 'Siti Aminah', phone: '+6281234567890', setting: 'household', last_contact: '2026-11-24', symptoms: false },
        { name: 'Joko Susilo', phone: '+6281322223333', setting: 'workplace', last_contact: '2026-11-22', symptoms: true },
      ],
    });
  });

  it('prints an escalation line when the patient asks for a person', async () => {
    const { stdout } = await simulate(['flows/case-interview.yaml', '--today', '2026-11-25', '--case', 'name=Ani', '--json'], ['petugas']);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
    expect(out).toContainEqual({ type: 'escalated', reason: 'patient_asked', priority: 'normal', step: 'consent' });
    expect(out.at(-1)).toMatchObject({ type: 'handed_off', answers: {}, contacts: [] });
  });

  it('prints readable text without --json', async () => {
    const { stdout } = await simulate(['flows/case-interview.yaml', '--today', '2026-11-25', '--case', 'name=Ani'], ['/sticker']);
    expect(stdout).toContain('bot: Terima kasih, Ani, identitas Anda sudah kami pastikan');
    expect(stdout).toContain('[yes] Ya  [no] Tidak');
    expect(stdout).toContain('you: /sticker');
    expect(stdout).toContain('bot: Maaf, saya hanya bisa membaca pesan teks.');
  });

  it('prints the problems of a broken flow and exits 1', async () => {
    const { stderr, code } = await simulate(['flows/no-such-flow.yaml'], []);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no-such-flow\.yaml:1:1: file not found/);
  });
});

describe('simulator input lines and options', () => {
  it.each([
    ['ya', { kind: 'text', text: 'ya' }],
    ['/stop', { kind: 'text', text: '/stop' }],
    ['/sticker', { kind: 'media', media: 'sticker' }],
    ['/media voice', { kind: 'media', media: 'voice' }],
    ['/button yes', { kind: 'choice', value: 'yes' }],
    ['/reminder', { kind: 'reminder' }],
    ['/resume places', { kind: 'resume', stepId: 'places' }],
    ['/location -6.2, 106.8', { kind: 'location', latitude: -6.2, longitude: 106.8 }],
    ['/contact Siti Aminah 0812-3456-7890; Joko +62 813 2222 3333', { kind: 'contacts', contacts: [{ name: 'Siti Aminah', phone: '0812-3456-7890' }, { name: 'Joko', phone: '+62 813 2222 3333' }] }],
  ])('%s', (line, input) => {
    expect(lineToInput(line)).toEqual(input);
  });

  it('plays the daily check-in of a contact with the monitoring values given on the command line', async () => {
    const { stdout, code } = await simulate(
      ['flows/daily-checkin.yaml', '--lang', 'en', '--today', '2026-11-24', '--monitoring', 'day=1', '--monitoring', 'days=5', '--monitoring', 'is_test_day=true', '--monitoring', 'quarantine_end=2026-11-28', '--json'],
      ['no'],
    );
    expect(code).toBe(0);
    const texts = stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine).filter((o) => o.type === 'message').map((o) => o.text);
    expect(texts[0]).toBe('Good morning. This is your quarantine check-in, day 1 of 5.');
    expect(texts[1]).toContain('Today is one of your test days');
    expect(texts.at(-1)).toContain('Please stay at home until 28 Nov 2026');
  });

  it('parses options and rejects bad ones', () => {
    expect(parseSimulateArgs(['f.yaml', '--lang', 'en', '--today', '2026-11-25', '--case', 'name=A=B', '--json'])).toEqual({
      file: 'f.yaml', lang: 'en', today: '2026-11-25', case: { name: 'A=B', first_name: 'A=B' }, contact: {}, monitoring: {}, country: 'ID', json: true,
    });
    expect(
      parseSimulateArgs(['f.yaml', '--contact', 'name=Siti Aminah', '--monitoring', 'day=2', '--monitoring', 'is_test_day=true', '--monitoring', 'test_dates=2026-11-24,2026-11-28']),
    ).toMatchObject({ contact: { name: 'Siti Aminah' }, monitoring: { day: 2, is_test_day: true, test_dates: ['2026-11-24', '2026-11-28'] } });
    expect(parseSimulateArgs(['f.yaml', '--monitoring', 'day'])).toEqual({ problem: expect.stringContaining('--monitoring takes key=value') });
    expect(parseSimulateArgs(['f.yaml', '--lang', 'fr'])).toEqual({ problem: expect.stringContaining('--lang') });
    expect(parseSimulateArgs(['f.yaml', '--today', '25/11'])).toEqual({ problem: expect.stringContaining('--today') });
    expect(parseSimulateArgs([])).toEqual({ problem: expect.stringContaining('flow file') });
  });
});
