#!/usr/bin/env bash
# connect-pause-resume.sh: pauses, resumes or stops all connectors of a Kafka
# Connect cluster, or those named. See README.md.
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
Usage: $CONNECT_PROG [OPTIONS] [URL] pause|resume|stop [NAME...]

Pauses, resumes or stops every connector of the Connect cluster behind URL,
or only the NAMEd ones, and prints one line per connector ("paused orders"):

  pause    PUT /connectors/{name}/pause    tasks stay assigned, idle (202)
  resume   PUT /connectors/{name}/resume   back to RUNNING, also from STOPPED (202)
  stop     PUT /connectors/{name}/stop     tasks shut down (Connect 3.5+, 204)

Connect applies the change asynchronously: the status shows it a moment
later (connect-status.sh, or connect-wait-running.sh after a resume). Doing
it twice is harmless.

Exit codes: 0 done; 1 a connector could not be changed (e.g. no such
connector; the others are still changed); 2 usage error; 3 Connect
unreachable or an unexpected answer.

$CONNECT_COMMON_USAGE

Examples:
  $CONNECT_PROG http://connect-1:8083 pause
  $CONNECT_PROG http://connect-1:8083 resume orders-mirror payments-mirror
EOF
}

CONNECT_FLAGS=()
connect_parse_args "$@"
((${#CONNECT_ARGS[@]} > 0)) || connect_usage_error "the action (pause, resume or stop) is missing"
action=${CONNECT_ARGS[0]}
names=("${CONNECT_ARGS[@]:1}")
case $action in
pause) done_word=paused ;;
resume) done_word=resumed ;;
stop) done_word=stopped ;;
*) connect_usage_error "unknown action $(connect_display "$action"): want pause, resume or stop" ;;
esac

# One line per connector: its name encoded for the URL, then for display.
if ((${#names[@]} == 0)); then
	connect_get_json /connectors
	list=$(jq -r "$CONNECT_JQ_DEFS"'if type == "array" then sort[] else error("not a list") end | "\(enc)\t\(clean)"' "$CONNECT_BODY") ||
		connect_die "$CONNECT_EXIT_REST" "GET /connectors did not answer a list of names"
	if [[ -z $list ]]; then
		echo "no connectors"
		exit "$CONNECT_EXIT_OK"
	fi
else
	list=$(jq -rn "$CONNECT_JQ_DEFS"'$ARGS.positional[] | "\(enc)\t\(clean)"' --args "${names[@]}")
fi

status=$CONNECT_EXIT_OK
while IFS=$'\t' read -r enc display; do
	connect_call PUT "/connectors/$enc/$action"
	if [[ $CONNECT_STATUS == 2?? ]]; then
		printf '%s %s\n' "$done_word" "$display"
	else
		connect_err "$action $display: $(connect_answer)"
		status=$CONNECT_EXIT_FAILED
	fi
done <<<"$list"
exit "$status"
