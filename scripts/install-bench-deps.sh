#!/usr/bin/env bash
# Installs what `make bench-rs` compares rsguard against: BIRD 2 and
# OpenBGPD from Debian, gobgpd (the GoBGP version rsguard embeds) with
# `go install` into .bin/bench. Idempotent. apt-get needs root; without it
# the missing daemons are reported and rsbench skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
GOBGP_VERSION=v3.37.0
need=()
command -v bird >/dev/null 2>&1 || [ -x /usr/sbin/bird ] || need+=(bird2)
[ -x /usr/sbin/bgpd ] || need+=(openbgpd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-bench-deps: missing ${need[*]}; run as root to install them" >&2
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    for pkg in "${need[@]}"; do
      if apt-cache policy "$pkg" | grep -q 'Candidate: [0-9]'; then
        apt-get install -y -q --no-install-recommends "$pkg"
      else
        echo "install-bench-deps: $pkg is not in this Debian release; rsbench will skip it" >&2
      fi
    done
  fi
fi
if [ ! -x .bin/bench/gobgpd ] || ! .bin/bench/gobgpd --version 2>/dev/null | grep -q "${GOBGP_VERSION#v}"; then
  echo "install-bench-deps: go install gobgpd@${GOBGP_VERSION} into .bin/bench"
  GOBIN="$PWD/.bin/bench" go install "github.com/osrg/gobgp/v3/cmd/gobgpd@${GOBGP_VERSION}"
fi
