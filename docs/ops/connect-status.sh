#!/usr/bin/env bash
# connect-status.sh: one line per connector and per task of a Kafka Connect
# cluster; exits 1 when any of them is FAILED. See README.md.
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
Usage: $CONNECT_PROG [OPTIONS] [URL]

Prints the state of every connector and task of the Connect cluster behind
URL, one line each:

  CONNECTOR  TASK  TYPE  STATE  WORKER  TRACE

TASK is '-' on a connector's own line; TRACE is the first line of the error
of a FAILED connector or task. Names are printed with control characters
replaced by '?'.

Exit codes: 0 nothing FAILED; 1 a connector or task is FAILED (counted on
stderr); 2 usage error; 3 Connect unreachable or an unexpected answer.

$CONNECT_COMMON_USAGE

Example:
  $CONNECT_PROG http://connect-1:8083 || echo "something failed"
EOF
}

CONNECT_FLAGS=()
connect_parse_args "$@"
((${#CONNECT_ARGS[@]} == 0)) ||
	connect_usage_error "unexpected argument: $(connect_display "${CONNECT_ARGS[0]}")"

connect_get_json '/connectors?expand=status'

# shellcheck disable=SC2016 # jq code, not shell
jq -r "$CONNECT_JQ_DEFS"'
def first_line: (. // "") | tostring | split("\n") | (.[0] // "") | clean;
def pad($w): if ($w - length) > 0 then . + (" " * ($w - length)) else . end;
[expanded | to_entries | sort_by(.key)[] | .key as $name | .value.status | select(type == "object")
  | (.type // "unknown") as $type
  | [($name | clean), "-", $type, (.connector.state // "UNKNOWN"), (.connector.worker_id // "-"), (.connector.trace | first_line)],
    ((.tasks // []) | sort_by(.id)[]
      | [($name | clean), (.id | tostring), $type, (.state // "UNKNOWN"), (.worker_id // "-"), (.trace | first_line)])
] as $rows
| if ($rows | length) == 0 then "no connectors"
  else
    ([["CONNECTOR", "TASK", "TYPE", "STATE", "WORKER", "TRACE"]] + $rows) as $all
    | [range(0; 5) as $i | [$all[][$i] | length] | max] as $w
    | $all[] | [range(0; 5) as $i | .[$i] | pad($w[$i])] + [.[5]] | join("  ") | sub(" +$"; "")
  end
' "$CONNECT_BODY"

failed=$(jq "$CONNECT_JQ_DEFS"'[expanded[] | .status | select(type == "object") | .connector.state, (.tasks // [])[].state | select(. == "FAILED")] | length' "$CONNECT_BODY")
if ((failed > 0)); then
	connect_err "$failed connector(s)/task(s) FAILED"
	exit "$CONNECT_EXIT_FAILED"
fi
exit "$CONNECT_EXIT_OK"
