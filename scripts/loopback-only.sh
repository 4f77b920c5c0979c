#!/bin/sh
# Run a command in a private network namespace that has only a loopback interface, when
# this machine allows it (root on Linux, unshare and ip present); otherwise run it as is.
# The tests talk only to 127.0.0.0/8 by design; this makes sure no test, present or
# future, can reach any other network: an own-subnet sweep finds no subnet to sweep.
# Usage: sh scripts/loopback-only.sh COMMAND [ARG...]
if [ "$(id -u)" = 0 ] && [ -z "$AMR_LOOPBACK_ONLY" ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
  && unshare --net true 2>/dev/null; then
  export AMR_LOOPBACK_ONLY=1
  exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
exec "$@"
