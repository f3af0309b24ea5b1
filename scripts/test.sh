#!/usr/bin/env bash
# The test command (README, .ci/run): Debian's chromium for the chat page's browser tests
# (installed with apt-get when missing), the venv with the test extra, then pytest with any
# arguments given here passed on, e.g. `scripts/test.sh tests/simulator -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; return; fi
  if ! command -v sudo >/dev/null 2>&1; then
    echo "Installing $* needs root: run this as root, or install it first" >&2
    exit 1
  fi
  sudo "$@"
}

# Chinese glyphs for the browser tests' screenshots (Debian's Noto CJK): without a CJK font
# Chromium draws every Chinese character as a box.
install_cjk_font() {
  echo "No CJK font (fc-list :lang=zh is empty): installing Debian's fonts-noto-cjk"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk \
    || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk; }
  if [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    echo "fonts-noto-cjk is installed but fontconfig finds no Chinese font" >&2
    exit 1
  fi
}

install_chromium() {
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "Installing chromium needs root: run this as root, or install it first:" \
        "apt-get install -y chromium" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install Chromium so that $CHROMIUM exists, then run this again" >&2
    exit 1
  fi
  echo "Chromium is missing ($CHROMIUM): installing Debian's chromium package"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  if [ ! -x "$CHROMIUM" ]; then
    echo "apt-get install chromium did not provide $CHROMIUM" >&2
    exit 1
  fi
}

# Debian packages the review report needs: pango for WeasyPrint's PDF, and pdftoppm (poppler) for
# the tests that render the PDF to PNG and read its title back.
install_debs() {
  echo "Installing Debian's $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
    || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; }
}

[ -x "$CHROMIUM" ] || install_chromium
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || install_cjk_font
command -v pdftoppm >/dev/null 2>&1 || install_debs poppler-utils
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || install_debs libpango-1.0-0 libpangoft2-1.0-0

python3 -m venv .venv
# uv installs the same packages as pip does, in seconds instead of a minute and a half; pip
# remains the fallback (said aloud) where uv cannot be had.
if .venv/bin/pip install -q 'uv>=0.5'; then
  .venv/bin/uv pip install -q --python .venv/bin/python -e '.[test]'
else
  echo "uv could not be installed: installing the test environment with pip" >&2
  .venv/bin/pip install -q -e '.[test]'
fi
exec .venv/bin/pytest "$@"
