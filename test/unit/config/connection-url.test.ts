import { describe, expect, it } from 'vitest';
import { resolveConnection, withoutUserinfo } from '../../../src/core/config/connection.js';
import { ConfigError } from '../../../src/core/errors.js';

const reason = (url: string) => {
  try {
    resolveConnection({ url, username: 'u', password: 'p' }, {}, []);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${url}`);
};

describe('cluster URL errors never echo embedded credentials', () => {
  it.each([
    ['https://admin:S3cretPW@es:99999', 'cluster URL [https://***@es:99999] (flag) is not a valid URL'],
    [
      'ftp://admin:S3cretPW@es:9200',
      'cluster URL [ftp://***@es:9200] (flag) must start with http:// or https://',
    ],
    [
      'https://admin:S3cretPW@es:9200',
      'cluster URL must not embed credentials; use ESKEYS_USERNAME/ESKEYS_PASSWORD',
    ],
  ])('%s', (url, message) => {
    const m = reason(url);
    expect(m).toBe(message);
    expect(m).not.toContain('S3cretPW');
  });

  it.each([
    ['https://es.example:9200/', 'https://es.example:9200/'],
    ['admin:pw@es:9200', '***@es:9200'],
    ['https://a:b@c@host/x@y', 'https://***@host/x@y'],
  ])('withoutUserinfo(%s)', (url, shown) => {
    expect(withoutUserinfo(url)).toBe(shown);
  });
});
