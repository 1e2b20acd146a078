import { describe, expect, it } from 'vitest';
import { ConfigError, TemplateError } from '../../../src/core/errors.js';
import {
  checkTemplate,
  effectiveOutputs,
  parseProjectConfig,
  parseTemplate,
  resolveEnvironment,
  templateBaseName,
} from '../../../src/core/templates/load-template.js';
import { descriptors, templateInput } from './support.js';

const FILE = 'roles/svc.json';
const text = (v: unknown) => JSON.stringify(v, null, 2);

/** Every problem of a template as one-line strings (errors and warnings). */
function problemsOf(input: unknown, file = FILE): { errors: string[]; warnings: string[] } {
  const checked = checkTemplate(typeof input === 'string' ? input : text(input), file);
  return {
    errors: checked.errors.map((p) => `${p.path || '/'}: ${p.message}`),
    warnings: checked.warnings.map((p) => `${p.path || '/'}: ${p.message}`),
  };
}

describe('parseTemplate', () => {
  it('returns the template with defaults applied', () => {
    const { template, warnings } = parseTemplate(text(templateInput()), FILE);
    expect(warnings).toEqual([]);
    expect(template.expiration).toBe('auto');
    expect(template.rotation).toEqual({ every: '90d', grace: '24h', review: '30d' });
    expect(template.outputs).toEqual({
      env_files: [],
      key_var: 'ELASTICSEARCH_API_KEY',
      follow_symlinks: false,
    });
    expect(template.description).toBe('');
  });

  it('throws TemplateError whose message is the first problem and whose problems are all, one line each', () => {
    const input = templateInput({
      role_descriptors: descriptors(['read', 'delete_indx'], ['logs-*'], ['monitr']),
    });
    try {
      parseTemplate(text(input), 'roles/x.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      const err = e as TemplateError;
      expect(err.exitCode).toBe(2);
      expect(err.problems).toEqual([
        'roles/x.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"; did you mean "monitor"?',
        'roles/x.json: /role_descriptors/app/indices/0/privileges/1: unknown index privilege "delete_indx"; did you mean "delete_index"?',
      ]);
      expect(err.message).toBe(err.problems[0]);
      expect(err.problems.every((p) => !p.includes('\n'))).toBe(true);
    }
  });

  it('names file, line and column for malformed JSON', () => {
    expect(() => parseTemplate('{\n  "name": "svc",\n}\n', 'roles/x.json')).toThrow(
      'roles/x.json:3:1: invalid JSON: trailing comma before "}"',
    );
  });

  it('returns warnings as one-line messages', () => {
    const { warnings } = parseTemplate(text(templateInput({ name: 'other' })), FILE);
    expect(warnings).toEqual([
      'roles/svc.json: /name: template name "other" differs from its file name "svc.json"; commands find templates by file name',
    ]);
  });
});

describe('validation problems (schema, then named rules, all at once)', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'unknown top-level field with a suggestion',
      { descripton: 'x' },
      ['/descripton: unknown field "descripton"; did you mean "description"?'],
    ],
    [
      'unknown nested field',
      { rotation: { evry: '90d' } },
      ['/rotation/evry: unknown field "evry"; did you mean "every"?'],
    ],
    [
      'unknown field in an index entry',
      { role_descriptors: { app: { indices: [{ names: ['a-*'], privileges: ['read'], privilges: [] }] } } },
      ['/role_descriptors/app/indices/0/privilges: unknown field "privilges"; did you mean "privileges"?'],
    ],
    ['unknown field without a near name', { colour: 'red' }, ['/colour: unknown field "colour"']],
    ['missing required field', { name: undefined }, ['/: missing required field "name"']],
    ['wrong type', { description: 5 }, ['/description: expected a string, got 5']],
    [
      'bad name',
      { name: 'My Service' },
      ['/name: expected lowercase letters, digits, ".", "_" or "-" (max 63)'],
    ],
    [
      'empty role descriptors',
      { role_descriptors: {} },
      [
        '/role_descriptors: no role descriptors: an API key without role descriptors inherits every privilege of the identity that creates it; declare at least one',
      ],
    ],
    [
      'unknown index privilege with suggestion',
      { role_descriptors: descriptors(['read', 'delete_indx']) },
      [
        '/role_descriptors/app/indices/0/privileges/1: unknown index privilege "delete_indx"; did you mean "delete_index"?',
      ],
    ],
    [
      'unknown index privilege without suggestion',
      { role_descriptors: descriptors(['frobnicate']) },
      ['/role_descriptors/app/indices/0/privileges/0: unknown index privilege "frobnicate"'],
    ],
    [
      'cluster privilege in an index entry',
      { role_descriptors: descriptors(['read', 'manage_index_templates']) },
      [
        '/role_descriptors/app/indices/0/privileges/1: "manage_index_templates" is a cluster privilege, not an index privilege; move it to "cluster"',
      ],
    ],
    [
      'index privilege in cluster',
      { role_descriptors: descriptors(['read'], ['a-*'], ['create_doc']) },
      [
        '/role_descriptors/app/cluster/0: "create_doc" is an index privilege, not a cluster privilege; move it to an "indices" entry',
      ],
    ],
    [
      'raw cluster action in an index entry',
      { role_descriptors: descriptors(['cluster:monitor/health']) },
      [
        '/role_descriptors/app/indices/0/privileges/0: "cluster:monitor/health" is a cluster action, not an index action; move it to "cluster"',
      ],
    ],
    [
      'raw index action in cluster',
      { role_descriptors: descriptors(['read'], ['a-*'], ['indices:data/read/search']) },
      [
        '/role_descriptors/app/cluster/0: "indices:data/read/search" is an index action, not a cluster action; move it to an "indices" entry',
      ],
    ],
    [
      'index template action as an index privilege',
      { role_descriptors: descriptors(['read', 'indices:admin/index_template/put']) },
      [
        '/role_descriptors/app/indices/0/privileges/1: "indices:admin/index_template/put" is authorized as a cluster action, so it grants nothing as an index privilege; move it to "cluster"',
      ],
    ],
    [
      'regex pattern without closing slash',
      { role_descriptors: descriptors(['read'], ['/logs-.*']) },
      [
        "/role_descriptors/app/indices/0/names/0: invalid pattern [/logs-.*]. patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'. other patterns (those that do not start with '/') will be treated as simple wildcard patterns",
      ],
    ],
    [
      'pattern with a comma',
      { role_descriptors: descriptors(['read'], ['a-*,b-*']) },
      [
        '/role_descriptors/app/indices/0/names/0: index pattern "a-*,b-*" contains ","; list each pattern separately',
      ],
    ],
    [
      'empty names',
      { role_descriptors: descriptors(['read'], []) },
      ['/role_descriptors/app/indices/0/names: expected at least one index name pattern'],
    ],
    [
      'unknown probe operation with suggestion',
      { probes: { allow: ['doc.gett'], deny: [] } },
      ['/probes/allow/0: unknown probe operation "doc.gett"; did you mean "doc.get"?'],
    ],
    [
      'unknown probe operation in object form',
      { probes: { allow: [], deny: [{ op: 'index.delet' }] } },
      ['/probes/deny/0/op: unknown probe operation "index.delet"; did you mean "index.delete"?'],
    ],
    [
      'probe with neither string nor object',
      { probes: { allow: [5], deny: [] } },
      ['/probes/allow/0: expected a string or an object with "op", "index", got 5'],
    ],
    [
      'same operation allowed and denied',
      { probes: { allow: ['doc.delete'], deny: ['doc.delete'] } },
      [
        '/probes/deny/0: probe "doc.delete" is both an allow and a deny probe (also /probes/allow/0); keep one',
      ],
    ],
    [
      'index on a cluster probe',
      { probes: { allow: [{ op: 'cluster.health', index: 'x' }], deny: [] } },
      ['/probes/allow/0/index: "cluster.health" is a cluster operation and takes no index; remove "index"'],
    ],
    [
      'probe index that is a pattern',
      { probes: { allow: [{ op: 'search', index: 'logs-*' }], deny: [] } },
      [
        '/probes/allow/0/index: index name "logs-*" must not contain "*" (probes need a concrete index, not a pattern)',
      ],
    ],
    [
      'invalid probes.index',
      { probes: { index: 'Logs', allow: [], deny: [] } },
      ['/probes/index: index name "Logs" must be lowercase'],
    ],
    [
      'index probe with no derivable target',
      {
        role_descriptors: descriptors(['read'], ['/logs-[0-9]+/']),
        probes: { allow: [], deny: ['doc.delete'] },
      },
      [
        `/probes/deny/0: probe "doc.delete" needs an index, and none can be derived from the template's index patterns; set "index" on the probe`,
      ],
    ],
    [
      'bad duration',
      { rotation: { every: '90 days' } },
      ['/rotation/every: expected a duration such as 90d, 24h or 30m (units: ms, s, m, h, d, w)'],
    ],
    [
      'bad expiration',
      { expiration: 'forever' },
      ['/expiration: expected "auto", "none" or a duration such as 120d'],
    ],
    [
      'role descriptors as an array',
      { role_descriptors: [] },
      ['/role_descriptors: expected an object of role descriptors'],
    ],
    [
      'empty role descriptor name',
      { role_descriptors: { '': { cluster: ['monitor'] } }, probes: { allow: [], deny: [] } },
      ['/role_descriptors/: invalid name "": role descriptor names must not be empty'],
    ],
    [
      'string where a list belongs',
      { role_descriptors: { app: { cluster: 'monitor' } }, probes: { allow: [], deny: [] } },
      ['/role_descriptors/app/cluster: expected an array, got "monitor"'],
    ],
    [
      'zero restart timeout',
      { outputs: { restart: { command: 'docker compose restart api', timeout: '0s' } } },
      ['/outputs/restart/timeout: must be at least 1s'],
    ],
    ['too short rotation', { rotation: { every: '5m' } }, ['/rotation/every: must be at least 1h']],
    ['too long expiration', { expiration: '4000d' }, ['/expiration: must be at most 3650d (10 years)']],
    [
      'id_var equal to key_var',
      { outputs: { key_var: 'K', id_var: 'K' } },
      ['/outputs/id_var: id_var must differ from key_var ("K"), or the id would overwrite the key'],
    ],
    [
      'bad env var name',
      { outputs: { key_var: '1KEY' } },
      [
        '/outputs/key_var: expected an environment variable name (letters, digits and "_", not starting with a digit)',
      ],
    ],
    [
      'unknown lint rule',
      { lint: { ignore: ['grant-al'] } },
      ['/lint/ignore/0: unknown lint rule "grant-al"; did you mean "grant-all"?'],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(problemsOf(templateInput(overrides)).errors).toEqual(expected);
  });

  it('reports every problem of a template in one run, in document order', () => {
    const input = templateInput({
      descripton: 'x',
      role_descriptors: descriptors(['raed'], ['/x'], ['monitr']),
      probes: { allow: ['doc.gett'], deny: [] },
      rotation: { every: '1m' },
    });
    expect(problemsOf(input).errors).toEqual([
      '/role_descriptors/app/cluster/0: unknown cluster privilege "monitr"; did you mean "monitor"?',
      '/role_descriptors/app/indices/0/names/0: ' +
        "invalid pattern [/x]. patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'. other patterns (those that do not start with '/') will be treated as simple wildcard patterns",
      '/role_descriptors/app/indices/0/privileges/0: unknown index privilege "raed"; did you mean "read"?',
      '/probes/allow/0: unknown probe operation "doc.gett"; did you mean "doc.get"?',
      '/descripton: unknown field "descripton"; did you mean "description"?',
      '/rotation/every: must be at least 1h',
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'upper-case privilege',
      { role_descriptors: descriptors(['READ']) },
      [
        '/role_descriptors/app/indices/0/privileges/0: privilege names are lower-case: write "read" instead of "READ"',
      ],
    ],
    [
      'duplicate privilege',
      { role_descriptors: descriptors(['read', 'read']) },
      ['/role_descriptors/app/indices/0/privileges/1: index privilege "read" is listed twice'],
    ],
    [
      'upper-case pattern',
      { role_descriptors: descriptors(['read'], ['Logs-*']) },
      [
        '/role_descriptors/app/indices/0/names/0: index pattern "Logs-*" has upper-case letters, but index names are lowercase; it matches nothing',
      ],
    ],
    [
      'duplicate probe',
      { probes: { allow: ['search', 'search'], deny: [] } },
      ['/probes/allow/1: probe "search" is listed twice (also /probes/allow/0)'],
    ],
    [
      'duplicate env file',
      { outputs: { env_files: ['.env', '.env'] } },
      ['/outputs/env_files/1: env file ".env" is listed twice'],
    ],
  ])('warns about %s without failing', (_name, overrides, expected) => {
    const { errors, warnings } = problemsOf(templateInput(overrides));
    expect(errors).toEqual([]);
    expect(warnings).toEqual(expected);
  });

  it('rejects duplicate JSON keys, which JSON.parse would silently resolve', () => {
    const dup = '{"name": "svc", "name": "svc2", "role_descriptors": {"a": {"cluster": ["monitor"]}}}';
    expect(problemsOf(dup).errors).toEqual([
      '/name: field "name" appears twice; JSON keeps only the last one',
    ]);
  });

  it('accepts raw action patterns, regex patterns with explicit probe indices, and FLS/DLS', () => {
    const input = templateInput({
      role_descriptors: {
        app: {
          cluster: ['cluster:monitor/health', 'indices:admin/index_template/put'],
          indices: [
            {
              names: ['/logs-[0-9]+/'],
              privileges: ['indices:data/read/*'],
              query: '{"term": {"owner": "svc"}}',
              field_security: { grant: ['*'], except: ['secret'] },
            },
          ],
        },
      },
      probes: { allow: [{ op: 'search', index: 'logs-1' }], deny: [{ op: 'doc.delete', index: 'logs-1' }] },
    });
    expect(problemsOf(input)).toEqual({ errors: [], warnings: [] });
  });

  it('rejects a DLS query string that is not JSON', () => {
    const input = templateInput({ role_descriptors: descriptors(['read'], ['a-*'], [], { query: '{term' }) });
    expect(problemsOf(input).errors).toEqual([
      '/role_descriptors/app/indices/0/query: the document-level security query string is not valid JSON',
    ]);
  });

  it('attaches the line and column of each problem', () => {
    const checked = checkTemplate(text(templateInput({ role_descriptors: descriptors(['raed']) })), FILE);
    expect(checked.errors[0]?.location).toEqual({ line: 14, column: 13 });
  });
});

describe('templateBaseName', () => {
  it.each([
    ['roles/email-search.json', 'email-search'],
    ['/abs/path/x.JSON', 'x'],
    ['plain', 'plain'],
  ])('%s → %s', (file, base) => {
    expect(templateBaseName(file)).toBe(base);
  });
});

describe('project config', () => {
  const config = {
    environments: {
      prod: {
        connection: { url: 'https://es.prod:9200', credentials_file: '.eskeys.prod.env' },
        outputs: { svc: { env_files: ['/srv/app/.env'], id_var: 'ES_KEY_ID' } },
      },
      staging: {},
    },
  };

  it('parses with defaults', () => {
    const { config: parsed, warnings } = parseProjectConfig(text(config), 'eskeys.config.json');
    expect(warnings).toEqual([]);
    expect(parsed.templates_dir).toBe('roles');
    expect(parsed.state_dir).toBe('.eskeys');
    expect(parsed.environments.staging).toEqual({ connection: {}, outputs: {} });
    // Overrides keep only what they name: no defaults filled in.
    expect(parsed.environments.prod?.outputs.svc).toEqual({
      env_files: ['/srv/app/.env'],
      id_var: 'ES_KEY_ID',
    });
  });

  it.each<[string, unknown, string[]]>([
    [
      'unknown field',
      { enviroments: {} },
      ['eskeys.config.json: /enviroments: unknown field "enviroments"; did you mean "environments"?'],
    ],
    [
      'credentials are not config',
      { environments: { prod: { connection: { password: 'x' } } } },
      ['eskeys.config.json: /environments/prod/connection/password: unknown field "password"'],
    ],
    [
      'bad environment name',
      { environments: { Prod: {} } },
      [
        'eskeys.config.json: /environments/Prod: invalid name "Prod": environment names are lowercase letters, digits, "_" and "-"',
      ],
    ],
    [
      'bad output override',
      { environments: { prod: { outputs: { svc: { key_var: 'A', id_var: 'A' } } } } },
      [
        'eskeys.config.json: /environments/prod/outputs/svc/id_var: id_var must differ from key_var ("A"), or the id would overwrite the key',
      ],
    ],
    [
      'bad url',
      { environments: { prod: { connection: { url: 'not a url' } } } },
      ['eskeys.config.json: /environments/prod/connection/url: expected an http(s) URL'],
    ],
  ])('rejects %s', (_name, input, expected) => {
    try {
      parseProjectConfig(text(input), 'eskeys.config.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).problems).toEqual(expected);
    }
  });

  it('resolves effective outputs: template defaults, overridden per environment field by field', () => {
    const { config: parsed } = parseProjectConfig(text(config), 'eskeys.config.json');
    const { template } = parseTemplate(
      text(templateInput({ outputs: { env_files: ['.env'], key_var: 'MY_KEY', follow_symlinks: true } })),
      FILE,
    );
    expect(effectiveOutputs(template, parsed, 'prod')).toEqual({
      env_files: ['/srv/app/.env'],
      key_var: 'MY_KEY',
      id_var: 'ES_KEY_ID',
      follow_symlinks: true,
    });
    expect(effectiveOutputs(template, parsed, 'staging')).toEqual(template.outputs);
    expect(effectiveOutputs(template, parsed)).toEqual(template.outputs);
    expect(effectiveOutputs(template, undefined)).toEqual(template.outputs);
  });

  it('rejects unknown environments with a suggestion', () => {
    const { config: parsed } = parseProjectConfig(text(config), 'eskeys.config.json');
    expect(() => resolveEnvironment(parsed, 'prd')).toThrow(ConfigError);
    expect(() => resolveEnvironment(parsed, 'prd')).toThrow(
      'unknown environment "prd"; did you mean "prod"? (known: prod, staging)',
    );
    expect(() => resolveEnvironment(undefined, 'prod')).toThrow(
      'unknown environment "prod": eskeys.config.json defines no environments',
    );
    expect(resolveEnvironment(undefined)).toEqual({ connection: {}, outputs: {} });
  });
});
