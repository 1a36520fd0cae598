#!/usr/bin/env bash
# What `npm test` needs besides node_modules: PostgreSQL on 127.0.0.1:5432,
# Chromium at /usr/bin/chromium, NumPy, scikit-learn and PyTorch for
# /usr/bin/python3 (the Python examples' trials), mypy (the Python SDK's type
# check), and Slurm's daemons and client with munge (the *.slurm tests start a
# cluster of one). Starts or installs them where it can (as root on Debian),
# and otherwise says what is missing.
set -u

# Installs the Debian packages $1 (space-separated; as root, with apt-get) or
# says that $2 will fail without them.
apt_install_missing() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing $1 for $2 (apt-get install $1)…"
    # shellcheck disable=SC2086 # $1 is a list of packages
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $1 >/dev/null) ||
      echo "note: could not install $1; $2 will fail" >&2
  else
    echo "note: missing $1 (apt-get install $1); $2 will fail" >&2
  fi
}

# The Python SDK's type check (tests/python/python-sdk-types.test.ts) runs Debian's mypy.
/usr/bin/python3 -m mypy --version >/dev/null 2>&1 || apt_install_missing mypy "the Python SDK's type check"

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || echo "note: PostgreSQL is not answering on 127.0.0.1:5432; the *.postgres tests will fail" >&2

# The *.slurm tests start their own cluster of one (tests/support/slurm-cluster.ts), as root.
[ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/bin/sbatch ] && [ -x /usr/sbin/munged ] ||
  apt_install_missing "slurmctld slurmd slurm-client munge" "the *.slurm tests"
[ -x /usr/bin/chromium ] || apt_install_missing chromium "the *.browser tests"
/usr/bin/python3 -c 'import numpy, sklearn, torch' 2>/dev/null ||
  apt_install_missing "python3-numpy python3-sklearn python3-torch" "the Python examples' tests"
exit 0
