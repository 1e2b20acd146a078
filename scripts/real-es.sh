#!/usr/bin/env bash
# Starts a real single-node Elasticsearch in Docker for running eskeys (and its integration
# suite) against the real thing. Needs a Docker engine; not used by `npm test`.
#
#   scripts/real-es.sh start [8.19.3|9.1.0]   # prints the ESKEYS_* variables to export
#   scripts/real-es.sh stop
#   ESKEYS_REAL_ES=1 ESKEYS_URL=... ESKEYS_USERNAME=elastic ESKEYS_PASSWORD=... npm test
set -euo pipefail
NAME=eskeys-real-es
cmd=${1:-start}
version=${2:-8.19.3}
password=${ESKEYS_REAL_ES_PASSWORD:-eskeys-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')}
port=${ESKEYS_REAL_ES_PORT:-9200}

case "$cmd" in
  start)
    docker rm -f "$NAME" >/dev/null 2>&1 || true
    docker run -d --name "$NAME" -p "127.0.0.1:${port}:9200" \
      -e discovery.type=single-node \
      -e xpack.security.enabled=true \
      -e xpack.security.http.ssl.enabled=false \
      -e xpack.license.self_generated.type=basic \
      -e ELASTIC_PASSWORD="$password" \
      -e ES_JAVA_OPTS="-Xms1g -Xmx1g" \
      "docker.elastic.co/elasticsearch/elasticsearch:${version}" >/dev/null
    printf 'waiting for Elasticsearch %s on 127.0.0.1:%s ' "$version" "$port"
    for _ in $(seq 1 120); do
      if curl -fsS -u "elastic:${password}" "http://127.0.0.1:${port}/_cluster/health" >/dev/null 2>&1; then
        echo ' up'
        echo "export ESKEYS_URL=http://127.0.0.1:${port}"
        echo "export ESKEYS_USERNAME=elastic"
        echo "export ESKEYS_PASSWORD=${password}"
        echo "export ESKEYS_REAL_ES=1"
        exit 0
      fi
      printf '.'
      sleep 2
    done
    echo ' timed out'; docker logs --tail 50 "$NAME"; exit 1
    ;;
  stop)
    docker rm -f "$NAME" >/dev/null
    ;;
  *)
    echo "usage: $0 start [version] | stop" >&2; exit 2
    ;;
esac
