#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the collector's tests and bench.
#   pg-setup.sh start DIR PORT   -> initdb in DIR, start on 127.0.0.1:PORT, print the URL
#   pg-setup.sh stop DIR         -> stop it (DIR can then be deleted)
# Needs Debian's "postgresql" package (or initdb/pg_ctl on PATH). Runs the server as
# the "postgres" user when started as root (initdb refuses root).
set -euo pipefail

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do bindir=$d; break; done
if [[ -z "$bindir" ]]; then
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then bindir=$(dirname "$(command -v initdb)")
  else echo "PostgreSQL server binaries not found: install them with 'apt-get install -y postgresql'" >&2; exit 1; fi
fi

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:-}
    [[ "$port" =~ ^[0-9]+$ ]] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || { echo "user 'postgres' missing: install the 'postgresql' package" >&2; exit 1; }
      chown postgres: "$dir"
      runuser -u postgres -- test -w "$dir" || { echo "$dir is not reachable by the postgres user: put it where every parent folder is searchable (e.g. mktemp -d under /tmp)" >&2; exit 1; }
    fi
    pw="amr-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$pw" > "$dir/pw"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pw"
    as_pg "$bindir/initdb" -D "$dir/data" -U amr --pwfile="$dir/pw" --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pw"
    # Loopback only, socket in DIR, small and fast: this cluster's data is thrown away.
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://amr:$pw@127.0.0.1:$port/postgres"
    ;;
  stop)
    [[ -d "$dir/data" ]] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
