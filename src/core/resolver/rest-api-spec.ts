/** One URL pattern of an API and the HTTP methods it accepts. */
export interface RestUrl {
  readonly path: string;
  readonly methods: readonly string[];
}

/** One API of the Elasticsearch REST specification, as the generator extracts it. */
export interface RestApiSpec {
  /** The rest-api-spec name, e.g. `indices.delete`. */
  readonly name: string;
  readonly urls: readonly RestUrl[];
  /** Cluster privileges the specification documents as required (may be empty). */
  readonly clusterPrivileges: readonly string[];
  /** Index privileges the specification documents as required (may be empty). */
  readonly indexPrivileges: readonly string[];
}
