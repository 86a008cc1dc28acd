#!/usr/bin/env bash
# Make sure the local PostgreSQL can `create extension vector` (pgvector). Debian bookworm has no
# pgvector package for PostgreSQL 15, but Debian trixie has the `pgvector` source package, which
# builds against PostgreSQL 15 in seconds. The build uses a private apt configuration (its own
# sources list with a deb-src line for trixie on this machine's Debian mirror), so the system's
# apt sources are left untouched. Idempotent: does nothing when the extension is already available.
set -euo pipefail

pg_version="${PG_MAJOR:-15}"
pg_config="/usr/lib/postgresql/$pg_version/bin/pg_config"
[ -x "$pg_config" ] || pg_config="$(command -v pg_config || true)"

available() {
  psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_available_extensions where name = 'vector'" 2>/dev/null | grep -q 1
}
files_installed() {
  [ -n "$pg_config" ] && [ -f "$("$pg_config" --sharedir)/extension/vector.control" ]
}

if available || files_installed; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "pgvector is missing from the local PostgreSQL $pg_version; install it as root with:" >&2
  echo "  sudo bash $(cd "$(dirname "$0")" && pwd)/pgvector.sh" >&2
  exit 1
fi

# The Debian mirror this machine already uses (deb822 or one-line sources).
mirror="$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
  grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
  | grep -E '/debian/?$' | head -1 | sed 's:/*$::' || true)"
[ -n "$mirror" ] || { echo "no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/src"
cat > "$work/sources.list" <<SOURCES
deb $mirror bookworm main
deb-src $mirror trixie main
SOURCES
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")

echo "pgvector: building from Debian trixie sources ($mirror) against PostgreSQL $pg_version"
apt-get "${apt_private[@]}" update -qq
DEBIAN_FRONTEND=noninteractive apt-get "${apt_private[@]}" install -y -qq --no-install-recommends \
  "postgresql-server-dev-$pg_version" build-essential dpkg-dev >/dev/null
(cd "$work/src" && apt-get "${apt_private[@]}" source --download-only -qq pgvector/trixie && dpkg-source -x --no-check ./*.dsc pgvector)
make -s -C "$work/src/pgvector" PG_CONFIG="/usr/lib/postgresql/$pg_version/bin/pg_config" OPTFLAGS="" >/dev/null
make -s -C "$work/src/pgvector" PG_CONFIG="/usr/lib/postgresql/$pg_version/bin/pg_config" install >/dev/null
files_installed && echo "pgvector: installed"
