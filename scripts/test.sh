#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's tests (unit, property, integration,
# and an end-to-end run of `delar demo`). Installs what it needs; safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo saknas: installera Rust (rustup) först" >&2
  exit 1
fi
# rustfmt and clippy ship with rustup's default profile; add them if this toolchain lacks them.
if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi

# The PDF renderer's tests read the PDF back with poppler's pdftotext and pdfinfo (Debian
# package poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq poppler-utils
  else
    echo "pdftotext saknas: installera poppler-utils" >&2
    exit 1
  fi
fi

# The layout checks (crates/cli/tests/layout.rs) render the demo report in the programs people
# open it in: LibreOffice converts the Word and Excel files to PDF (Debian packages
# libreoffice-writer-nogui and libreoffice-calc-nogui) and headless Chromium measures the HTML
# at 1 280 px. DELAR_LAYOUT=1 makes those tests fail instead of skipping when a program is
# missing.
if ! command -v soffice >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui libreoffice-calc-nogui chromium
  else
    echo "LibreOffice eller Chromium saknas: installera libreoffice-writer-nogui, libreoffice-calc-nogui och chromium" >&2
    exit 1
  fi
fi
export DELAR_LAYOUT=1

# The web application's end-to-end test drives headless Chromium through chromedriver (Debian's
# chromium and chromium-driver; nothing downloads a browser) and checks every page with
# axe-core from the npm registry (crates/web/package-lock.json, npm ci). DELAR_E2E=1 makes a
# missing browser a failure instead of a skipped test.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
   || ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium chromium-driver
    command -v npm >/dev/null 2>&1 || $SUDO apt-get install -y -qq npm
  else
    echo "chromium, chromedriver eller npm saknas: installera dem (webbläsartestet)" >&2
    exit 1
  fi
fi
(cd crates/web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
export DELAR_E2E=1

# PostgreSQL: the store's tests and `delar demo` also run against a server. A throwaway
# cluster (Debian's postgresql package, installed when missing) is started here and stopped at
# exit; DELAR_TEST_PG tells the tests where it is. With DELAR_TEST_PG already set, that server
# is used instead.
. scripts/pg-cluster.sh
trap pg_cluster_stop EXIT
pg_cluster_start

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
