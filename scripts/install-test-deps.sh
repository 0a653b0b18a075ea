#!/usr/bin/env bash
# Installs what `npm test` needs from Debian 12's packages: Kamailio,
# rtpengine, SIPp, baresip, Chromium, sox and Request Tracker 5. Run once on a
# fresh machine, as root or with sudo: sudo scripts/install-test-deps.sh
# .ci/run runs it too, so CI and a developer's machine get the same set.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Packages must not start their own services (Kamailio on 0.0.0.0, rtpengine,
# exim4 for RT): the tests start what they need on 127.0.0.1 and stop it by PID.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi

$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  kamailio kamailio-websocket-modules kamailio-extra-modules kamailio-presence-modules \
  sip-tester baresip rtpengine-daemon chromium sox iproute2 util-linux \
  fonts-noto-core
# fonts-noto-core: the font the UI's committed screenshots (test/e2e/ui-glance.test.ts-snapshots) are drawn in.

# Request Tracker 5 for the live RT adapter tests (test/harness/rt.ts runs it
# on 127.0.0.1 with its own config, SQLite file and cache in a temp folder;
# RT's folders under /etc and /var are never used). Preseeded so the install
# asks nothing and sets up no database of its own.
$SUDO debconf-set-selections <<'PRESEED'
request-tracker5 request-tracker5/dbconfig-install boolean false
request-tracker5 request-tracker5/rtname string rt.localtest
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:8080
PRESEED
$SUDO apt-get install -y -q --no-install-recommends request-tracker5 rt5-db-sqlite
