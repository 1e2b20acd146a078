/**
 * Issue 12, batch 5: the IP location database get/put APIs, written literally from the classes
 * named in each comment (never computed from the table under test). docs/es-facts.md
 * ("Transport actions, batch 5") records the evidence and what stays unverified.
 */
import { describe, expect, it } from 'vitest';
import { hasStatefulHandler } from '../../../src/core/resolver/index.js';
import { itLeavesUnverified, itResolvesEach, type ResolutionCase } from './resolution-cases.js';

const CASES: readonly ResolutionCase[] = [
  // modules/ingest-geoip, ingest.geoip.direct: GetDatabaseConfigurationAction.NAME is
  // "cluster:admin/ingest/geoip/database/get" (elastic/elasticsearch 0ed58fbf…); the
  // `ip_location` paths answer with its Response ({"databases":[{id, version, database}]},
  // FullClusterRestartIT at dac671f7…).
  {
    method: 'GET',
    path: '/_ingest/ip_location/database',
    api: 'ingest.get_ip_location_database',
    action: 'cluster:admin/ingest/geoip/database/get',
    scope: 'cluster',
  },
  {
    method: 'GET',
    path: '/_ingest/ip_location/database/db-1,db-2',
    api: 'ingest.get_ip_location_database',
    action: 'cluster:admin/ingest/geoip/database/get',
    scope: 'cluster',
  },
  // PutDatabaseConfigurationAction.NAME is "cluster:admin/ingest/geoip/database/put"
  // (elastic/elasticsearch 076e2acb…)
  {
    method: 'PUT',
    path: '/_ingest/ip_location/database/db-1',
    api: 'ingest.put_ip_location_database',
    action: 'cluster:admin/ingest/geoip/database/put',
    scope: 'cluster',
  },
];

describe('batch 5 of issue 12: the IP location database APIs resolve to the GeoIP database actions', () => {
  itResolvesEach(CASES);
});

describe('batch 5 of issue 12: what stays unverified for 9.x', () => {
  itLeavesUnverified([
    // Every stored UpdateConnectorLastSeenAction names the 8.x index action; no 9.x copy was found.
    ['PUT', '/_connector/c-1/_check_in', 'connector.check_in'],
    // indices:admin/esql/view/* are granted by view index privileges core does not model.
    ['PUT', '/_query/view/v1', 'esql.put_view'],
    ['GET', '/_query/view', 'esql.get_view'],
    ['DELETE', '/_query/view/v1', 'esql.delete_view'],
  ]);
});

describe('batch 5 of issue 12: the ES|QL view APIs exist on stateful releases from 9.4 on', () => {
  // elastic/elasticsearch#146559: views released in tech preview in 9.4.0; #137818 registered the
  // handlers for snapshot builds only, the specification says since 9.3.0 behind a feature flag.
  it.each([
    ['esql.put_view', 9, 1, false],
    ['esql.get_view', 9, 1, false],
    ['esql.delete_view', 9, 1, false],
    ['esql.get_view', 9, 3, false],
    ['esql.get_view', 8, 19, false],
    ['esql.get_view', 9, 4, true],
    ['esql.delete_view', 10, 0, true],
    // serverless-only: no stateful release has it
    ['project.tags', 9, 4, false],
    // an API every release since 8.15 has
    ['ingest.get_ip_location_database', 9, 1, true],
  ] as const)('%s on %i.%i: %s', (api, major, minor, expected) => {
    expect(hasStatefulHandler(api, { major, minor })).toBe(expected);
  });
});
