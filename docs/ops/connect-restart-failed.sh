#!/usr/bin/env bash
# connect-restart-failed.sh: restarts every FAILED connector and task of a
# Kafka Connect cluster. See README.md.
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
Usage: $CONNECT_PROG [OPTIONS] [URL] [NAME...]

Restarts the FAILED connectors and tasks of the Connect cluster behind URL
(all connectors, or only those NAMEd), with one request per connector:

  POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true

which restarts the connector instance if it is FAILED and its FAILED tasks,
and nothing that runs. Prints one line per connector restarted, naming what
restarts ("restarted orders: task 0, task 2"). Restarts are asynchronous:
follow them with connect-status.sh or connect-wait-running.sh.

Options:
  --dry-run           print what would be restarted, restart nothing

Exit codes: 0 done (also when nothing was FAILED); 1 a restart request
failed or a NAMEd connector does not exist; 2 usage error; 3 Connect
unreachable or an unexpected answer.

$CONNECT_COMMON_USAGE

Examples:
  $CONNECT_PROG --dry-run http://connect-1:8083
  $CONNECT_PROG http://connect-1:8083 orders-mirror
EOF
}

CONNECT_FLAGS=(--dry-run)
FLAG_dry_run=0
connect_parse_args "$@"

names_json=$(jq -n '$ARGS.positional' --args ${CONNECT_ARGS[@]+"${CONNECT_ARGS[@]}"})
status=$CONNECT_EXIT_OK
if ((${#CONNECT_ARGS[@]} > 0)); then
	connect_get_json /connectors
	missing=$(jq -r --argjson names "$names_json" "$CONNECT_JQ_DEFS"'. as $have | $names[] | select(. as $n | $have | index($n) | not) | clean' "$CONNECT_BODY")
	if [[ -n $missing ]]; then
		while IFS= read -r name; do
			connect_err "no connector named $name"
		done <<<"$missing"
		status=$CONNECT_EXIT_FAILED
	fi
fi

connect_get_json '/connectors?expand=status'
cp "$CONNECT_BODY" "$CONNECT_TMP/statuses"

# One line per connector to restart: its name encoded for the URL, its name
# for display, and what is FAILED ("connector, task 1").
# shellcheck disable=SC2016 # jq code, not shell
jq_failed="$CONNECT_JQ_DEFS"'
expanded | to_entries | sort_by(.key)[]
| select(($names | length) == 0 or (.key as $k | $names | index($k)))
| .key as $name | .value.status | select(type == "object")
| ([if .connector.state == "FAILED" then "connector" else empty end]
   + [(.tasks // []) | sort_by(.id)[] | select(.state == "FAILED") | "task \(.id)"]) as $what
| select($what | length > 0)
| [($name | enc), ($name | clean), ($what | join(", "))] | join("\t")
'

restarted=0
while IFS=$'\t' read -r enc display what; do
	[[ -n $enc ]] || continue
	if ((FLAG_dry_run)); then
		printf 'would restart %s: %s\n' "$display" "$what"
		restarted=$((restarted + 1))
		continue
	fi
	if ! connect_request POST "/connectors/$enc/restart?includeTasks=true&onlyFailed=true"; then
		connect_die "$CONNECT_EXIT_REST" "cannot reach Connect: $CONNECT_ERROR"
	fi
	case $CONNECT_STATUS in
	202)
		# Connect answers with the instances it restarts (RESTARTING).
		# shellcheck disable=SC2016 # jq code, not shell
		answered=$(jq -r '[if .connector.state == "RESTARTING" then "connector" else empty end]
			+ [(.tasks // []) | sort_by(.id)[] | select(.state == "RESTARTING") | "task \(.id)"] | join(", ")' \
			"$CONNECT_BODY" 2>/dev/null) || answered=''
		printf 'restarted %s: %s\n' "$display" "${answered:-$what}"
		restarted=$((restarted + 1))
		;;
	204)
		printf 'restarted %s: %s\n' "$display" "$what"
		restarted=$((restarted + 1))
		;;
	*)
		connect_err "restart $display: $(connect_answer)"
		status=$CONNECT_EXIT_FAILED
		;;
	esac
done < <(jq -r --argjson names "$names_json" "$jq_failed" "$CONNECT_TMP/statuses")

if ((restarted == 0 && status == CONNECT_EXIT_OK)); then
	echo "nothing to restart: no FAILED connector or task"
fi
exit "$status"
