import { describe, expect, it } from 'vitest';
import { CodedError, ERROR_CODES, isErrorCode } from '../../src/domain/errors.js';
import { errorFields, logEvent, logId, type LogSink } from '../../src/domain/log-event.js';

function sink(): LogSink & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the error-code catalogue', () => {
  it('names every code area:reason and says what it means', () => {
    for (const [code, what] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+:[a-z_]+$/);
      expect(what.trim()).not.toBe('');
    }
  });

  it('tells catalogue codes from other strings', () => {
    expect(isErrorCode('telegram:blocked')).toBe(true);
    expect(isErrorCode('blocked')).toBe(false);
  });

  it('wraps a failure with its code and what was attempted', () => {
    const e = new CodedError('whatsapp:not_open', 'checkNumber', { cause: new Error('socket closed') });
    expect(e).toMatchObject({ code: 'whatsapp:not_open', attempted: 'checkNumber', message: 'checkNumber: whatsapp:not_open' });
    expect(e.cause).toBeInstanceOf(Error);
  });
});

describe('logEvent, the log line that cannot carry a message', () => {
  it('writes names, ids, numbers and codes', () => {
    const s = sink();
    logEvent(s, 'warn', 'telegram send failed', { method: 'sendMessage', chatId: logId(42), part: 0, error: 'telegram:blocked' });
    expect(s.lines).toEqual([{ level: 'warn', msg: 'telegram send failed', obj: { method: 'sendMessage', chatId: '42', part: 0, error: 'telegram:blocked' } }]);
  });

  it('does not compile with free text', () => {
    const s = sink();
    const patientText: string = 'nama saya Budi, 0812 3456 7890';
    // @ts-expect-error a string variable is not a log field
    logEvent(s, 'info', 'message received', { text: patientText });
    // @ts-expect-error the event name is a literal, not a computed string
    logEvent(s, 'info', `received ${patientText}`);
    expect(s.lines).toHaveLength(2);
  });

  it('refuses to mark text as an id', () => {
    expect(logId('nama saya Budi')).toBe('[not-an-id]');
    expect(logId('6281234567890@s.whatsapp.net')).toBe('6281234567890@s.whatsapp.net');
  });

  it('logs an error by code, attempt, class and stack frames, never by its message', () => {
    const fields = errorFields(new CodedError('telegram:rejected', 'sendMessage', { detail: 'Bad Request: message text is "halo Budi"' }));
    expect(fields).toMatchObject({ error: 'telegram:rejected', attempted: 'sendMessage', errName: 'CodedError' });
    expect(JSON.stringify(fields)).not.toContain('Budi');
    expect(JSON.stringify(errorFields(new TypeError('cannot read "Budi"')))).not.toContain('Budi');
  });
});
