import { describe, expect, it } from 'vitest';
import { listValues, parseCount } from '../../src/config/values.ts';
import { UsageError } from '../../src/model/errors.ts';
import { formatBytes, parseDuration, parseSize } from '../../src/model/units.ts';

describe('option values', () => {
  it('parses counts and rejects bad ones with a UsageError naming the flag', () => {
    expect(parseCount('3', '--runs', 1)).toBe(3);
    for (const bad of ['0', '-1', 'three', '1.5', '']) {
      expect(() => parseCount(bad, '--runs', 1)).toThrow(UsageError);
      expect(() => parseCount(bad, '--runs', 1)).toThrow(/--runs/);
    }
  });
  it('parses durations into seconds', () => {
    expect(parseDuration('2ms', '--x')).toBeCloseTo(0.002, 12);
    expect(parseDuration('0.5ms', '--x')).toBeCloseTo(0.0005, 12);
    expect(parseDuration('30s', '--x')).toBe(30);
    expect(parseDuration('10m', '--x')).toBe(600);
    expect(parseDuration('5', '--x')).toBe(5);
    expect(() => parseDuration('fast', '--x')).toThrow(/--x must be a duration/);
  });
  it('parses sizes with binary units', () => {
    expect(parseSize('256M', '--s')).toBe(256 * 1024 ** 2);
    expect(parseSize('4G', '--s')).toBe(4 * 1024 ** 3);
    expect(parseSize('1.5GiB', '--s')).toBe(1.5 * 1024 ** 3);
    expect(() => parseSize('big', '--s')).toThrow(/--s must be a size/);
    expect(() => parseSize('1K', '--s', 1024 ** 2)).toThrow(/at least 1.0 MiB/);
  });
  it('splits repeated and comma-separated lists', () => {
    expect(listValues(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(listValues(undefined)).toEqual([]);
  });
  it('formats bytes', () => {
    expect(formatBytes(4 * 1024 ** 3)).toBe('4.0 GiB');
    expect(formatBytes(12)).toBe('12 B');
  });
});
