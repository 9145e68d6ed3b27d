#!/usr/bin/env bash
# One command to see a trace: starts the Aspire dashboard (an OTLP backend with a browser UI) and the web demo
# exporting to it over OTLP, makes a few requests, prints the dashboard's address, and stops both on Ctrl+C.
#
#   bash scripts/see-trace.sh
#
# Ports, if the defaults are taken: DASHBOARD_PORT (18888), OTLP_PORT (18889, OTLP/gRPC), DEMO_PORT (5080).
# Linux x64: the dashboard comes from NuGet (Aspire.Dashboard.Sdk.linux-x64), restored by the dashboard test project.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dashboard_port="${DASHBOARD_PORT:-18888}"
otlp_port="${OTLP_PORT:-18889}"
demo_port="${DEMO_PORT:-5080}"
dashboard_url="http://127.0.0.1:$dashboard_port"
demo_url="http://127.0.0.1:$demo_port"

for port in "$dashboard_port" "$otlp_port" "$demo_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is taken (another see-trace?): stop it, or set DASHBOARD_PORT, OTLP_PORT, DEMO_PORT." >&2
        exit 1
    fi
done

echo "Restoring the dashboard and building the web demo..."
dotnet restore tests/AopSqlTracing.Dashboard.Tests >/dev/null
dotnet build demo/AopSqlTracing.WebDemo -c Debug >/dev/null
dashboard="$(dotnet msbuild tests/AopSqlTracing.Dashboard.Tests -getProperty:AspireDashboardExecutable)"
demo="$PWD/demo/AopSqlTracing.WebDemo/bin/Debug/net10.0/AopSqlTracing.WebDemo.dll"

work="$(mktemp -d)"
pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until a URL answers, or fails naming the process's log.
wait_for() {
    local url="$1" log="$2"
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null "$url" && return 0
        sleep 0.2
    done
    echo "$url did not answer; its log:" >&2
    tail -n 30 "$log" >&2
    exit 1
}

# Anonymous access: it listens on the loopback only.
(cd "$(dirname "$dashboard")" && exec env \
    ASPNETCORE_URLS="$dashboard_url" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$otlp_port" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
    "$dashboard") >"$work/dashboard.log" 2>&1 &
pids+=("$!")
wait_for "$dashboard_url/api/telemetry/resources" "$work/dashboard.log"

# The demo exports over OTLP when the standard variables are set (README: "Export"); spans leave within a second.
(cd demo/AopSqlTracing.WebDemo && exec env \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" \
    OTEL_EXPORTER_OTLP_PROTOCOL=grpc \
    OTEL_BSP_SCHEDULE_DELAY=1000 \
    OTEL_METRIC_EXPORT_INTERVAL=5000 \
    dotnet "$demo" --urls="$demo_url" --Database:Path="$work/webdemo.db") >"$work/demo.log" 2>&1 &
pids+=("$!")
wait_for "$demo_url/metrics" "$work/demo.log"

echo "Requests to the web demo at $demo_url:"
curl -sf "$demo_url/users" && echo "   <- GET /users"
curl -sf -H 'Content-Type: application/json' -d '{"name":"Grace"}' "$demo_url/users" && echo "   <- POST /users"
curl -sf "$demo_url/health" && echo "   <- GET /health"

# The POST's trace, for a link straight to it: the exporter sends it within OTEL_BSP_SCHEDULE_DELAY.
trace=""
for _ in $(seq 1 50); do
    trace="$(curl -sf "$dashboard_url/api/telemetry/traces" \
        | grep -o '"traceId":"[0-9a-f]*","spanId":"[0-9a-f]*","name":"POST /users"' \
        | head -n 1 | sed 's/"traceId":"\([0-9a-f]*\)".*/\1/' || true)"
    [ -n "$trace" ] && break
    sleep 0.2
done

echo
echo "Open the dashboard: $dashboard_url/traces"
[ -n "$trace" ] && echo "The POST /users trace: $dashboard_url/traces/detail/$trace"
echo "More requests: curl $demo_url/users   (Ctrl+C stops the dashboard and the demo)"
# Stays up until Ctrl+C (or until one of the two exits).
wait -n "${pids[@]}"
