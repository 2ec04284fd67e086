#!/usr/bin/env bash
# Installs what the tests need: real BGP speakers (BIRD 2, ExaBGP, FRR),
# bgpq4 and bgpq3 as real IRR clients, protoc for the generated-code check,
# nft and iptables-restore to check the BCP 38 filters rsctl acl prints,
# bgpdump to read the MRT files rsguard writes, systemd-analyze and setpriv
# for the systemd unit. Idempotent: does
# nothing when everything is present. Needs root for apt-get.
set -euo pipefail
need=()
command -v bird    >/dev/null 2>&1 || need+=(bird2)
command -v exabgp  >/dev/null 2>&1 || need+=(exabgp)
command -v bgpq4   >/dev/null 2>&1 || need+=(bgpq4)
command -v bgpq3   >/dev/null 2>&1 || need+=(bgpq3)
[ -x /usr/lib/frr/bgpd ]          || need+=(frr)
command -v protoc  >/dev/null 2>&1 || need+=(protobuf-compiler)
[ -f /usr/include/google/protobuf/timestamp.proto ] || need+=(libprotobuf-dev)
command -v ip      >/dev/null 2>&1 || need+=(iproute2)
PATH="$PATH:/usr/sbin:/sbin"
command -v nft              >/dev/null 2>&1 || need+=(nftables)
command -v iptables-restore >/dev/null 2>&1 || need+=(iptables)
command -v bgpdump          >/dev/null 2>&1 || need+=(bgpdump)
command -v systemd-analyze  >/dev/null 2>&1 || need+=(systemd)
command -v setpriv          >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: missing ${need[*]}; run as root or install them (tests needing them will skip)" >&2
  exit 0
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
