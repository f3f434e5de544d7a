import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { loadText, tempProject } from './helpers.ts';

describe('loadConfig: where the config comes from', () => {
  it('prefers opts.path, then LEADRELAY_CONFIG, then config/leadrelay.yaml, then built-in defaults', () => {
    const cwd = tempProject({ 'a.yaml': 'log: { level: debug }\n', 'b/b.yaml': 'log: { level: warn }\n', 'config/leadrelay.yaml': 'log: { level: error }\n' });
    const level = (r: ReturnType<typeof loadConfig>): string => (r.ok ? r.value.log.level : 'failed');
    expect(level(loadConfig({ path: 'a.yaml', env: { LEADRELAY_CONFIG: 'b/b.yaml' }, cwd }))).toBe('debug');
    expect(level(loadConfig({ env: { LEADRELAY_CONFIG: 'b/b.yaml' }, cwd }))).toBe('warn');
    expect(level(loadConfig({ env: {}, cwd }))).toBe('error');
    const none = loadConfig({ env: {}, cwd: tempProject() });
    expect(none.ok && none.value.sourceFile).toBeNull();
    expect(none.ok && none.value.log.level).toBe('info');
  });

  it('resolves relative paths against the file folder, or the project folder for config/<file>', () => {
    const cwd = tempProject({ 'config/leadrelay.yaml': '', 'etc/lr.yaml': '' });
    const conventional = loadConfig({ env: {}, cwd });
    expect(conventional.ok && conventional.value.baseDir).toBe(cwd);
    const other = loadConfig({ path: 'etc/lr.yaml', env: {}, cwd });
    expect(other.ok && other.value.baseDir).toBe(path.join(cwd, 'etc'));
    expect(other.ok && other.value.sourceFile).toBe(path.join(cwd, 'etc/lr.yaml'));
  });

  it('reports a missing explicit file', () => {
    expect(loadConfig({ path: 'nope.yaml', env: {}, cwd: tempProject() })).toEqual({
      ok: false, issues: [{ file: 'nope.yaml', line: null, path: '', message: 'config file not found', hint: 'check the path given with --config' }],
    });
  });

  it('treats an empty file as all defaults', () => {
    const r = loadText('# nothing here\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { sourceFile: _s, baseDir: _b, envRefs: _e, keyLines: _k, ...config } = r.value;
    expect(config).toEqual(configSchema.parse({}));
  });
});

describe('loadConfig: problems', () => {
  it('lists every problem at once with line, path, message and hint', () => {
    const r = loadText(`crm: salesforse
salesforce:
  apiVersion: 60.0
  queryBatchSize: 5000
  auth:
    flw: jwt
offers:
  waveHours: -1
schedule:
  sync: "*/5 * * *"
matching:
  offerCont: 3
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.line, i.path])).toEqual([
      [1, 'crm'], [3, 'salesforce.apiVersion'], [4, 'salesforce.queryBatchSize'], [6, 'salesforce.auth.flw'],
      [8, 'offers.waveHours'], [10, 'schedule.sync'], [12, 'matching.offerCont'],
    ]);
    const by = new Map(r.issues.map((i) => [i.path, i]));
    expect(by.get('crm')?.message).toBe("'salesforse' is not allowed — did you mean 'salesforce'?");
    expect(by.get('salesforce.apiVersion')?.hint).toContain('quote');
    expect(by.get('salesforce.queryBatchSize')?.message).toBe('must be at most 2000');
    expect(by.get('salesforce.auth.flw')?.message).toBe("unknown key 'flw' — did you mean 'flow'?");
    expect(by.get('schedule.sync')?.message).toContain('5 or 6 fields');
    expect(by.get('matching.offerCont')?.message).toBe("unknown key 'offerCont' — did you mean 'offerCount'?");
    for (const i of r.issues) {
      expect(i.file).toBe('my.yaml');
      expect(i.hint).not.toBe('');
    }
  });

  it('reports problems inside the rules sections at their line', () => {
    const r = loadText('qualification:\n  required:\n    - company\n    - compnay\n');
    expect(r).toMatchObject({ ok: false, issues: [{ line: 4, path: 'qualification.required[1]' }] });
  });

  it('reports YAML syntax errors with their line', () => {
    const r = loadText('log:\n  level: info\n  level: debug\n');
    expect(r).toMatchObject({ ok: false, issues: [{ line: 3, message: expect.stringContaining('YAML syntax error') }] });
  });

  it('falls back to the parent key line for a missing required key', () => {
    const r = loadText('qualification:\n  criteria:\n    - name: x\n      outcome: rejected\n      message: m\n');
    expect(r).toMatchObject({ ok: false, issues: [{ line: 3, path: 'qualification.criteria[0].when', message: "missing required key 'when'" }] });
  });
});

describe('loadConfig: environment interpolation', () => {
  const text = `salesforce:
  instanceUrl: \${SF_INSTANCE:-https://acme.my.salesforce.com}
  auth:
    clientId: \${SF_CLIENT_ID}
    username: user-\${SF_USER}
    password: \${SF_PASSWORD}
log:
  level: \${LOG_LEVEL:-info}
mappingsDir: $\${literal}
`;

  it('takes values from env, uses defaults, and makes unset references null', () => {
    const r = loadText(text, { SF_CLIENT_ID: 'cid', SF_USER: 'ops', LOG_LEVEL: 'debug', SF_PASSWORD: '' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.salesforce.instanceUrl).toBe('https://acme.my.salesforce.com');
    expect(r.value.salesforce.auth).toMatchObject({ clientId: 'cid', username: 'user-ops', password: null });
    expect(r.value.log.level).toBe('debug');
    expect(r.value.mappingsDir).toBe('${literal}');
    expect(r.value.envRefs).toEqual({
      'salesforce.instanceUrl': ['SF_INSTANCE'], 'salesforce.auth.clientId': ['SF_CLIENT_ID'], 'salesforce.auth.username': ['SF_USER'],
      'salesforce.auth.password': ['SF_PASSWORD'], 'log.level': ['LOG_LEVEL'],
    });
    expect(r.value.keyLines['salesforce.auth.password']).toBe(6);
  });

  it('validates interpolated values and reports bad references at their line', () => {
    const r = loadText('log:\n  level: ${LOG_LEVEL}\nmappingsDir: ${bad-name}\n', { LOG_LEVEL: 'loud' });
    expect(r).toMatchObject({ ok: false, issues: [
      // The message shows the reference, never the environment value (it may be a secret).
      { line: 2, path: 'log.level', message: "'${LOG_LEVEL}' is not allowed" },
      { line: 3, path: 'mappingsDir', message: expect.stringContaining('bad environment reference') },
    ] });
  });
});
