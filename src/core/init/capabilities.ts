/**
 * What an application can say it does when `eskeys init` asks, and for each answer the
 * narrowest named Elasticsearch privilege that covers it plus the probes that prove it. The
 * privilege choices follow Elasticsearch's privilege tables (docs/es-facts.md, "eskeys init:
 * the privilege behind each answer"): `create_doc` adds documents but cannot overwrite them,
 * `index` also overwrites and updates, writes into data streams also need `auto_configure` (the
 * stream's mapping update and auto-creation), `delete` removes documents, `create_index` +
 * `view_index_metadata` create indices and read their mappings without `manage` (which would
 * also grant index delete, settings and aliases).
 */

/** One thing the application does. */
export interface Capability {
  /** Id used by `--can` (`read`, `create`, ...). */
  readonly id: CapabilityId;
  /** Other words `--can` accepts for it. */
  readonly aliases: readonly string[];
  /** The question asked in a terminal (answered yes or no). */
  readonly question: string;
  /** Index privileges it needs on the application's index patterns. */
  readonly indexPrivileges: readonly string[];
  /** Cluster privileges it needs. */
  readonly clusterPrivileges: readonly string[];
  /** Probe operations that must succeed when the application does this. */
  readonly allow: readonly string[];
  /** Probe operations that must get 403 when the application does not do this. */
  readonly denyWhenAbsent: readonly string[];
}

/** Capability ids, in the order they are asked. */
export const CAPABILITY_IDS = [
  'read',
  'create',
  'streams',
  'index',
  'delete',
  'indices',
  'pipelines',
  'ilm',
  'templates',
] as const;
/** A capability id. */
export type CapabilityId = (typeof CAPABILITY_IDS)[number];

/** Every capability, in the order they are asked. */
export const CAPABILITIES: readonly Capability[] = [
  {
    id: 'read',
    aliases: ['search'],
    question: 'Does it search or read documents?',
    indexPrivileges: ['read'],
    clusterPrivileges: [],
    allow: ['search', 'count', 'doc.get'],
    denyWhenAbsent: ['search', 'doc.get'],
  },
  {
    id: 'create',
    aliases: ['add', 'create_doc'],
    question: 'Does it add new documents (never overwriting one)?',
    indexPrivileges: ['create_doc'],
    clusterPrivileges: [],
    allow: ['doc.create'],
    denyWhenAbsent: [],
  },
  {
    // Elasticsearch updates a data stream's mappings for a document with a new field through
    // indices:admin/mapping/auto_put and creates a stream on first write through
    // indices:admin/auto_create; create_doc grants neither, auto_configure grants both
    // (docs/es-facts.md, "Learn: writes to data streams"). Fleet's ingest keys carry the same pair.
    id: 'streams',
    aliases: ['data-streams', 'data_streams', 'datastreams'],
    question: 'Does it write into data streams (time-stamped documents, streams created on first write)?',
    indexPrivileges: ['create_doc', 'auto_configure'],
    clusterPrivileges: [],
    allow: ['doc.create'],
    denyWhenAbsent: [],
  },
  {
    id: 'index',
    aliases: ['update', 'write'],
    question: 'Does it overwrite or update documents?',
    indexPrivileges: ['index'],
    clusterPrivileges: [],
    allow: ['doc.index', 'doc.update'],
    denyWhenAbsent: ['doc.index', 'doc.update'],
  },
  {
    id: 'delete',
    aliases: ['delete-documents'],
    question: 'Does it delete documents?',
    indexPrivileges: ['delete'],
    clusterPrivileges: [],
    allow: ['doc.delete', 'bulk.delete'],
    denyWhenAbsent: ['doc.delete', 'bulk.delete', 'delete_by_query'],
  },
  {
    id: 'indices',
    aliases: ['manage-indices', 'create-index'],
    question: 'Does it create its own indices (and read their mappings and settings)?',
    indexPrivileges: ['create_index', 'view_index_metadata'],
    clusterPrivileges: [],
    allow: ['index.create', 'index.get_mapping', 'index.get_settings'],
    denyWhenAbsent: ['index.create'],
  },
  {
    id: 'pipelines',
    aliases: ['pipeline', 'ingest-pipelines'],
    question: 'Does it manage ingest pipelines?',
    indexPrivileges: [],
    clusterPrivileges: ['manage_pipeline'],
    allow: ['pipeline.put'],
    denyWhenAbsent: [],
  },
  {
    id: 'ilm',
    aliases: ['ilm-policies'],
    question: 'Does it manage ILM policies?',
    indexPrivileges: [],
    clusterPrivileges: ['manage_ilm'],
    allow: ['ilm.put'],
    denyWhenAbsent: [],
  },
  {
    id: 'templates',
    aliases: ['index-templates', 'template'],
    question: 'Does it manage index templates?',
    indexPrivileges: [],
    clusterPrivileges: ['manage_index_templates'],
    allow: ['template.put'],
    denyWhenAbsent: [],
  },
];

/**
 * What no application key made by init may do, whatever the answers: delete an index, change
 * index or cluster settings, move aliases, mint API keys. Each is a deny probe, so every
 * rotation proves the cluster refuses it.
 */
export const ALWAYS_DENIED: readonly string[] = [
  'index.delete',
  'index.put_settings',
  'aliases.update',
  'cluster.put_settings',
  'security.create_api_key',
];

/** What a key that writes into data streams must still be refused: deleting or rolling one over. */
export const DENIED_WITH_STREAMS: readonly string[] = ['data_stream.delete', 'rollover'];

const byWord = new Map<string, CapabilityId>(
  CAPABILITIES.flatMap((c) => [[c.id, c.id] as const, ...c.aliases.map((a) => [a, c.id] as const)]),
);

/** The capability a `--can` word names (id or alias, case-insensitive), or undefined. */
export function capabilityFor(word: string): CapabilityId | undefined {
  return byWord.get(word.trim().toLowerCase());
}
