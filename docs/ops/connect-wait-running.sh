#!/usr/bin/env bash
# connect-wait-running.sh: waits until a connector and all its tasks are
# RUNNING. See README.md.
set -euo pipefail

self=${BASH_SOURCE[0]}
while [[ -L $self ]]; do
	link=$(readlink "$self")
	if [[ $link == /* ]]; then self=$link; else self=$(dirname "$self")/$link; fi
done
lib=$(dirname "$self")/connect-lib.sh
[[ -r $lib ]] || {
	echo "${0##*/}: $lib is missing: keep the connect-*.sh scripts together" >&2
	exit 2
}
# shellcheck source=connect-lib.sh
. "$lib"

usage() {
	cat <<EOF
Usage: $CONNECT_PROG [OPTIONS] [URL] NAME [TIMEOUT_SECONDS]

Waits until connector NAME and all of its tasks (at least one) are RUNNING,
polling GET /connectors/NAME/status every second for at most TIMEOUT_SECONDS
(default 60). Prints each state it sees once, then the final state.

A connector or task that is FAILED ends the wait at once with its trace
(stack trace) on stderr. A FAILED status left from before a restart counts:
after connect-restart-failed.sh, wait until the status is no longer FAILED
(or give Connect a moment) before calling this.

Exit codes: 0 RUNNING; 1 FAILED, or not RUNNING within the timeout; 2 usage
error; 3 an unexpected answer from Connect. Connection errors and 404s (no
status yet) are retried until the timeout.

$CONNECT_COMMON_USAGE

Examples:
  $CONNECT_PROG http://connect-1:8083 orders-mirror 120
  CONNECT_URL=https://connect:8443 $CONNECT_PROG --cacert ca.pem orders-mirror
EOF
}

CONNECT_FLAGS=()
connect_parse_args "$@"
case ${#CONNECT_ARGS[@]} in
1) name=${CONNECT_ARGS[0]} timeout=60 ;;
2) name=${CONNECT_ARGS[0]} timeout=${CONNECT_ARGS[1]} ;;
0) connect_usage_error "the connector NAME is missing" ;;
*) connect_usage_error "too many arguments: $(connect_display "${CONNECT_ARGS[2]}")" ;;
esac
[[ -n $name ]] || connect_usage_error "the connector NAME is empty"
if [[ ! $timeout =~ ^[0-9]{1,9}$ ]] || ((10#$timeout == 0)); then
	connect_usage_error "TIMEOUT_SECONDS must be a positive whole number of seconds, not $(connect_display "$timeout")"
fi
timeout=$((10#$timeout))
display=$(connect_display "$name")
enc=$(connect_enc "$name")

# The summary of a status, e.g. "connector RUNNING on w:8083; task 0 RUNNING, task 1 UNASSIGNED".
# shellcheck disable=SC2016 # jq code, not shell
jq_summary="$CONNECT_JQ_DEFS"'
"connector \(.connector.state // "UNKNOWN") on \(.connector.worker_id // "-" | clean); "
+ (if ((.tasks // []) | length) == 0 then "no tasks"
   else [(.tasks // []) | sort_by(.id)[] | "task \(.id) \(.state // "UNKNOWN")"] | join(", ") end)
'
# 0 running, 1 failed, 2 neither yet.
# shellcheck disable=SC2016 # jq code, not shell
jq_verdict='
if .connector.state == "FAILED" or any((.tasks // [])[]; .state == "FAILED") then 1
elif .connector.state == "RUNNING" and ((.tasks // []) | length) > 0 and all((.tasks // [])[]; .state == "RUNNING") then 0
else 2 end
'
# The traces of what FAILED.
# shellcheck disable=SC2016 # jq code, not shell
jq_traces='
(if .connector.state == "FAILED" then "connector FAILED on \(.connector.worker_id // "-"):\n\(.connector.trace // "(no trace)")" else empty end),
((.tasks // []) | sort_by(.id)[] | select(.state == "FAILED") | "task \(.id) FAILED on \(.worker_id // "-"):\n\(.trace // "(no trace)")")
'

start=$SECONDS
last=''
while :; do
	if connect_request GET "/connectors/$enc/status"; then
		case $CONNECT_STATUS in
		200)
			jq -e 'type == "object"' "$CONNECT_BODY" >/dev/null 2>&1 ||
				connect_die "$CONNECT_EXIT_REST" "GET /connectors/$enc/status did not answer a status object"
			now=$(jq -r "$jq_summary" "$CONNECT_BODY")
			verdict=$(jq -r "$jq_verdict" "$CONNECT_BODY")
			;;
		404)
			now="no status yet ($(connect_answer))"
			verdict=2
			;;
		*)
			now=$(connect_answer)
			verdict=2
			;;
		esac
	else
		now=$CONNECT_ERROR
		verdict=2
	fi
	if [[ $now != "$last" ]]; then
		printf '%s: %s\n' "$display" "$now"
		last=$now
	fi
	case $verdict in
	0)
		printf '%s is RUNNING\n' "$display"
		exit "$CONNECT_EXIT_OK"
		;;
	1)
		connect_err "$display FAILED:"
		jq -r "$jq_traces" "$CONNECT_BODY" >&2
		exit "$CONNECT_EXIT_FAILED"
		;;
	esac
	if ((SECONDS - start >= timeout)); then
		connect_err "$display is not RUNNING after ${timeout}s: $now"
		exit "$CONNECT_EXIT_FAILED"
	fi
	sleep 1
done
