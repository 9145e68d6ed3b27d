#!/usr/bin/env bash
# Retakes the README's picture (docs/images/trace.png): runs scripts/see-trace.sh, opens the POST /users trace in
# the dashboard with headless Chromium, selects its SQL span so its attributes show, and saves a small PNG.
#
#   bash scripts/screenshot-trace.sh [output.png]
#
# Needs Debian's chromium (installed here when run as root) and Node.js with npm (playwright-core drives the browser:
# the dashboard renders after load, so a plain chromium --screenshot catches an empty page). pngquant, when present,
# makes the file smaller.
set -euo pipefail
cd "$(dirname "$0")/.."

output="${1:-docs/images/trace.png}"
playwright_version="1.65.2"

install_debian_package() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$1 is missing: apt-get install -y $1" >&2
        return 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}
command -v chromium >/dev/null || install_debian_package chromium
command -v pngquant >/dev/null || install_debian_package pngquant || true

# playwright-core only (no browser download: it drives the chromium above), kept out of the repository.
tools="${XDG_CACHE_HOME:-$HOME/.cache}/aopsqltracing-screenshot"
mkdir -p "$tools"
if [ ! -f "$tools/node_modules/playwright-core/package.json" ] \
    || ! grep -q "\"version\": \"$playwright_version\"" "$tools/node_modules/playwright-core/package.json"; then
    npm install --prefix "$tools" --no-save --no-audit --no-fund --silent "playwright-core@$playwright_version"
fi
# Node resolves an ES module's imports beside the module, so it runs from there.
cp scripts/screenshot-trace.mjs "$tools/"

log="$(mktemp)"
# Ports of its own, so that a see-trace.sh left open for the browser does not stand in the way.
DASHBOARD_PORT=18988 OTLP_PORT=18989 DEMO_PORT=5089 bash scripts/see-trace.sh >"$log" 2>&1 &
see_trace=$!
trap 'kill "$see_trace" 2>/dev/null || true; wait "$see_trace" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 600); do
    url="$(grep -o 'http://[^ ]*/traces/detail/[0-9a-f]*' "$log" || true)"
    [ -n "$url" ] && break
    if ! kill -0 "$see_trace" 2>/dev/null; then
        break
    fi
    sleep 0.5
done
if [ -z "$url" ]; then
    echo "scripts/see-trace.sh gave no trace to open; its output:" >&2
    cat "$log" >&2
    exit 1
fi

mkdir -p "$(dirname "$output")"
raw="$(mktemp --suffix=.png)"
node "$tools/screenshot-trace.mjs" "$url" "$raw"
if command -v pngquant >/dev/null; then
    pngquant --force --quality 65-90 --output "$output" "$raw"
else
    cp "$raw" "$output"
fi
rm -f "$raw"
echo "$output: $(( $(stat -c %s "$output") / 1024 )) KB, from $url"
