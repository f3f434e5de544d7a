import { describe, expect, it } from 'vitest';
import { cronError } from '../../src/config/cron.ts';

describe('cronError', () => {
  it.each(['* * * * *', '*/5 * * * *', '0 8-18/2 * * mon-fri', '30 0 1,15 jan,jul *', '0 */10 * * * *', '0 0 * * 7'])('accepts %s', (expr) => {
    expect(cronError(expr)).toBeNull();
  });

  it.each([
    ['* * * *', 'a cron expression has 5 or 6 fields, this one has 4'],
    ['', 'a cron expression has 5 or 6 fields, this one has 0'],
    ['60 * * * *', "minute '60' is out of range 0-59"],
    ['* 24 * * *', "hour '24' is out of range 0-23"],
    ['* * 0 * *', "day of month '0' is out of range 1-31"],
    ['*/0 * * * *', "bad step in minute '*/0'"],
    ['5-1 * * * *', "minute range '5-1' runs backwards"],
    ['* * * foo *', "month 'foo' is out of range 1-12"],
    ['* * * * 1,,2', "bad day of week '1,,2'"],
  ])('rejects %s', (expr, message) => {
    expect(cronError(expr)).toBe(message);
  });
});
