#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser), which drive it through
# playwright-core. Debian's build rather than Playwright's own: playwright-core downloads no
# browser, and a browser build fetched from outside the package registries cannot be had here.
#   1. $PARLEY_CHROMIUM (default /usr/bin/chromium) is there: nothing to do.
#   2. Otherwise install the chromium package (as root, or through sudo when there is one);
#      a PARLEY_CHROMIUM other than /usr/bin/chromium is not something apt-get can provide.
# Unlike ensure-python-twilio.sh this is not best effort: it exits non-zero when it cannot
# install, and the browser tests then fail with test/helpers/browser.ts's error, never skip.
set -euo pipefail

chromium="${PARLEY_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi

# Debian's package is what installs, always at /usr/bin/chromium: a PARLEY_CHROMIUM elsewhere is
# the caller's to provide, and apt-get cannot help with it.
if [ -x /usr/bin/chromium ]; then
  echo "ensure-chromium: PARLEY_CHROMIUM=$chromium is missing (Debian's chromium is at /usr/bin/chromium)" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-chromium: $chromium is missing, and installing chromium needs root or sudo;" \
      "install Debian's chromium package (or set PARLEY_CHROMIUM to a chromium binary)" >&2
    exit 1
  fi
  sudo="sudo"
fi

echo "ensure-chromium: installing chromium from Debian's packages (a minute or two)" >&2
# --no-install-recommends: headless tests need none of the desktop integration it recommends.
if ! { $sudo apt-get update -qq \
  && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
  echo "ensure-chromium: could not install Debian's chromium package; the browser tests will fail" >&2
  exit 1
fi
if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: installed chromium, but $chromium is still missing (PARLEY_CHROMIUM points elsewhere?)" >&2
  exit 1
fi
echo "ensure-chromium: $("$chromium" --version 2>/dev/null || echo chromium) is ready" >&2
