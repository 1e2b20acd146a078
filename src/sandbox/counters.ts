/** Counts handled requests by normalised endpoint (`GET /{index}/_doc/{id}`). */
export class RequestCounter {
  #total = 0;
  readonly #byEndpoint = new Map<string, number>();

  /** Records one request. */
  record(endpoint: string): void {
    this.#total++;
    this.#byEndpoint.set(endpoint, (this.#byEndpoint.get(endpoint) ?? 0) + 1);
  }
  /** All counted requests. */
  total(): number {
    return this.#total;
  }
  /** Counts keyed by endpoint. */
  byEndpoint(): Record<string, number> {
    return Object.fromEntries(this.#byEndpoint);
  }
  /** Zeroes everything. */
  reset(): void {
    this.#total = 0;
    this.#byEndpoint.clear();
  }
}
