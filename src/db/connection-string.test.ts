import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config.ts';
import { parseConnectionString, redactConnectionString } from './connection-string.ts';

describe('parseConnectionString', () => {
  const cases: { url: string; servers: string[]; attrs: 'any' | 'read-write' }[] = [
    {
      url: 'postgres://app:secret@db.internal:6432/todochat?sslmode=require',
      servers: ['postgres://app:secret@db.internal:6432/todochat?sslmode=require'],
      attrs: 'any',
    },
    {
      url: 'postgres://app@db1:5432,db2:5433/todochat?target_session_attrs=read-write',
      servers: ['postgres://app@db1:5432/todochat', 'postgres://app@db2:5433/todochat'],
      attrs: 'read-write',
    },
    {
      url: 'postgresql://db1,db2/todochat?application_name=x&target_session_attrs=primary',
      servers: [
        'postgresql://db1/todochat?application_name=x',
        'postgresql://db2/todochat?application_name=x',
      ],
      attrs: 'read-write',
    },
    {
      url: 'postgres://u:p%40ss@[::1]:5432,127.0.0.1:5433/db?target_session_attrs=any',
      servers: ['postgres://u:p%40ss@[::1]:5432/db', 'postgres://u:p%40ss@127.0.0.1:5433/db'],
      attrs: 'any',
    },
  ];
  for (const { url, servers, attrs } of cases) {
    it(`splits ${url}`, () => {
      assert.deepEqual(parseConnectionString(url), { servers, targetSessionAttrs: attrs });
    });
  }

  const refused: [string, RegExp][] = [
    ['mysql://db/app', /postgres:\/\/ or postgresql:\/\//],
    ['postgres://db1,,db2/app', /host or host:port/],
    ['postgres:///app', /host or host:port/],
    ['postgres://db1:port/app', /host or host:port/],
    [
      'postgres://db1,db2/app?target_session_attrs=standby',
      /target_session_attrs must be any, read-write, primary/,
    ],
  ];
  for (const [url, message] of refused) {
    it(`refuses ${url}`, () => {
      assert.throws(() => parseConnectionString(url), message);
    });
  }

  it('is what the configuration accepts, each problem named', () => {
    assert.equal(
      loadConfig({ DATABASE_URL: 'postgres://db1,db2/app?target_session_attrs=read-write' })
        .databaseUrl,
      'postgres://db1,db2/app?target_session_attrs=read-write',
    );
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://db1,db2/app?target_session_attrs=standby' }),
      /DATABASE_URL: target_session_attrs must be/,
    );
  });
});

describe('redactConnectionString', () => {
  it('hides the password of every form', () => {
    assert.equal(
      redactConnectionString('postgres://app:secret@db1:5432,db2:5432/todochat'),
      'postgres://app:***@db1:5432,db2:5432/todochat',
    );
    assert.equal(
      redactConnectionString('postgres://app@db/todochat'),
      'postgres://app@db/todochat',
    );
    assert.equal(redactConnectionString('not a url'), '(unparseable DATABASE_URL)');
  });
});
