/**
 * `GET /_license` and `GET /_xpack`. The sandbox behaves as a cluster started with
 * `xpack.license.self_generated.type: trial`: it emulates features (API keys with cross-cluster
 * access, application privileges) beyond the basic license, so it reports the self-generated
 * 30-day trial license that would allow them, generated when it is first asked for.
 */
import { randomUUID } from 'node:crypto';
import { type Handler, ok } from '../http/context.js';
import { notEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { SandboxState } from '../state.js';
import { CLUSTER_NAME } from './cluster.js';

/** A self-generated trial lasts 30 days from its issue date. */
const TRIAL_MILLIS = 30 * 24 * 60 * 60 * 1000;

interface License {
  uid: string;
  issueDate: number;
}

const licenses = new WeakMap<SandboxState, License>();

function licenseOf(state: SandboxState): License {
  let license = licenses.get(state);
  if (!license) {
    license = { uid: randomUUID(), issueDate: state.now() };
    licenses.set(state, license);
  }
  return license;
}

function status(state: SandboxState, license: License): 'active' | 'expired' {
  return state.now() < license.issueDate + TRIAL_MILLIS ? 'active' : 'expired';
}

const getLicense: Handler = (ctx) => {
  const license = licenseOf(ctx.state);
  const expiry = license.issueDate + TRIAL_MILLIS;
  return ok({
    license: {
      status: status(ctx.state, license),
      uid: license.uid,
      type: 'trial',
      issue_date: new Date(license.issueDate).toISOString(),
      issue_date_in_millis: license.issueDate,
      expiry_date: new Date(expiry).toISOString(),
      expiry_date_in_millis: expiry,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: CLUSTER_NAME,
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  });
};

/** `_xpack` categories the sandbox answers; `features` would claim ML, watcher… it does not emulate. */
const CATEGORIES = ['build', 'license', 'features'];

const xpackInfo: Handler = (ctx) => {
  const requested = (ctx.query.get('categories') ?? CATEGORIES.join(',')).split(',').filter((c) => c !== '');
  const unknown = requested.find((c) => c !== 'build' && c !== 'license');
  if (unknown !== undefined) throw notEmulated(`xpack.info] category [${unknown}`);
  const license = licenseOf(ctx.state);
  const body: Record<string, unknown> = {};
  if (requested.includes('build')) {
    body.build = { hash: ctx.state.version.buildHash, date: ctx.state.version.buildDate };
  }
  if (requested.includes('license')) {
    body.license = {
      uid: license.uid,
      type: 'trial',
      mode: 'trial',
      status: status(ctx.state, license),
      expiry_date_in_millis: license.issueDate + TRIAL_MILLIS,
    };
  }
  body.tagline = 'You know, for X';
  return ok(body);
};

/** Registers the license and X-Pack info routes. */
export function registerLicenseRoutes(r: Router<Handler>): void {
  r.add('GET', '/_license', withParams(['local', 'accept_enterprise'], getLicense)).add(
    'GET',
    '/_xpack',
    withParams(['categories', 'accept_enterprise'], xpackInfo),
  );
}
