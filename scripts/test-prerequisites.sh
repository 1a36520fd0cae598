#!/usr/bin/env bash
# What `npm test` needs besides node_modules: PostgreSQL on 127.0.0.1:5432,
# Chromium at /usr/bin/chromium, and NumPy, scikit-learn and PyTorch for
# /usr/bin/python3 (the Python examples' trials). Starts or installs them where
# it can (as root on Debian), and otherwise says what is missing.
set -u

# The Python SDK's type check (tests/python/python-sdk-types.test.ts) runs Debian's mypy.
if ! /usr/bin/python3 -m mypy --version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing mypy for the Python SDK's type check (apt-get install mypy)…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mypy >/dev/null) ||
      echo "note: could not install mypy; the Python SDK's type check will fail" >&2
  else
    echo "note: mypy is missing (apt-get install mypy); the Python SDK's type check will fail" >&2
  fi
fi

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || echo "note: PostgreSQL is not answering on 127.0.0.1:5432; the *.postgres tests will fail" >&2

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Chromium for the browser tests (apt-get install chromium)…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      echo "note: could not install Chromium; the *.browser tests will fail" >&2
  else
    echo "note: /usr/bin/chromium is missing (apt-get install chromium); the *.browser tests will fail" >&2
  fi
fi
PYTHON_PACKAGES="python3-numpy python3-sklearn python3-torch"
if ! /usr/bin/python3 -c 'import numpy, sklearn, torch' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing NumPy, scikit-learn and PyTorch for the Python examples (apt-get install $PYTHON_PACKAGES)…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PYTHON_PACKAGES >/dev/null) ||
      echo "note: could not install $PYTHON_PACKAGES; the Python examples' tests will fail" >&2
  else
    echo "note: /usr/bin/python3 cannot import numpy, sklearn and torch (apt-get install $PYTHON_PACKAGES); the Python examples' tests will fail" >&2
  fi
fi
exit 0
