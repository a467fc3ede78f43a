#!/usr/bin/env bash
# connect-restore.sh: creates or updates the connectors saved by
# connect-backup.sh, with their target states. See README.md.
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
Usage: $CONNECT_PROG [OPTIONS] [URL] DIR

Restores every DIR/*.json written by connect-backup.sh into the Connect
cluster behind URL, and prints what it did for each connector:

- missing: created with POST /connectors and its saved initial_state, so a
  PAUSED or STOPPED connector never runs ("created orders (PAUSED)");
- present with another config: PUT /connectors/{name}/config
  ("restored orders (RUNNING): config updated");
- in another state: PUT .../pause, .../stop or .../resume (a connector to
  be paused or stopped is paused or stopped before its config changes);
- otherwise left alone ("unchanged orders (RUNNING)").

Running it again changes nothing: it is idempotent. Connectors that are not
in DIR are left alone.

Exit codes: 0 all restored; 1 a file is invalid or a connector could not be
restored (the others still are); 2 usage error (DIR missing); 3 Connect
unreachable or an unexpected answer.

$CONNECT_COMMON_USAGE

Example:
  $CONNECT_PROG http://connect-1:8083 backups/2026-11-25
EOF
}

CONNECT_FLAGS=()
connect_parse_args "$@"
case ${#CONNECT_ARGS[@]} in
1) dir=${CONNECT_ARGS[0]} ;;
0) connect_usage_error "the backup directory DIR is missing" ;;
*) connect_usage_error "too many arguments: $(connect_display "${CONNECT_ARGS[1]}")" ;;
esac
[[ -d $dir ]] || connect_usage_error "no such directory: $(connect_display "$dir")"

# Checks a backup file; prints the target state (upper case) or fails with
# the reason.
# shellcheck disable=SC2016 # jq code, not shell
jq_check='
if type != "object" then error("not a JSON object")
elif (.name | type) != "string" or (.name | length) == 0 then error("no \"name\"")
elif (.config | type) != "object" then error("no \"config\" object")
elif ((.initial_state // "RUNNING") | type) != "string" then error("\"initial_state\" is not a string")
else ((.initial_state // "RUNNING") | ascii_upcase)
  | if . == "RUNNING" or . == "PAUSED" or . == "STOPPED" then .
    else error("\"initial_state\" is \(.), want RUNNING, PAUSED or STOPPED") end
end
'

status=$CONNECT_EXIT_OK
count=0
file_body=$CONNECT_TMP/request.json

# change_state ENC DISPLAY ACTION: pause, stop or resume a connector.
change_state() {
	local enc=$1 display=$2 action=$3
	connect_call PUT "/connectors/$enc/$action"
	if [[ $CONNECT_STATUS != 2?? ]]; then
		connect_err "$action $display: $(connect_answer)"
		return 1
	fi
	case $action in
	pause) did+=("paused") ;;
	stop) did+=("stopped") ;;
	resume) did+=("resumed") ;;
	esac
}

# restore_one FILE: creates or updates one connector; 1 when it failed.
restore_one() {
	local file=$1 state name display enc current action=''
	did=()
	if ! state=$(jq -r "$jq_check" "$file" 2>"$CONNECT_TMP/jq-err"); then
		connect_err "skipping $(connect_display "$file"): $(sed -E 's/^jq: error \(at [^)]*\): //' "$CONNECT_TMP/jq-err" | head -n 1)"
		return 1
	fi
	name=$(jq -r .name "$file")
	display=$(connect_display "$name")
	enc=$(connect_enc "$name")

	connect_call GET "/connectors/$enc/config"
	case $CONNECT_STATUS in
	404)
		jq --arg state "$state" '{name, config, initial_state: $state}' "$file" >"$file_body"
		connect_call POST /connectors "$file_body"
		if [[ $CONNECT_STATUS != 201 ]]; then
			connect_err "create $display: $(connect_answer)"
			return 1
		fi
		printf 'created %s (%s)\n' "$display" "$state"
		return 0
		;;
	200) cp "$CONNECT_BODY" "$CONNECT_TMP/current-config" ;;
	*)
		connect_err "read the config of $display: $(connect_answer)"
		return 1
		;;
	esac

	# The state it is in now, from its status (none yet: UNKNOWN).
	connect_call GET "/connectors/$enc/status"
	current=UNKNOWN
	if [[ $CONNECT_STATUS == 200 ]]; then
		current=$(jq -r '.connector.state // "UNKNOWN"' "$CONNECT_BODY" 2>/dev/null) || current=UNKNOWN
	fi
	case $state in
	PAUSED) [[ $current == PAUSED ]] || action=pause ;;
	STOPPED) [[ $current == STOPPED ]] || action=stop ;;
	RUNNING) [[ $current != PAUSED && $current != STOPPED ]] || action=resume ;;
	esac
	# Pause or stop before a config change, so the new config never runs.
	if [[ $action == pause || $action == stop ]]; then
		change_state "$enc" "$display" "$action" || return 1
	fi
	if ! jq -e --slurpfile cur "$CONNECT_TMP/current-config" '.config == $cur[0]' "$file" >/dev/null; then
		jq '.config' "$file" >"$file_body"
		connect_call PUT "/connectors/$enc/config" "$file_body"
		if [[ $CONNECT_STATUS != 200 && $CONNECT_STATUS != 201 ]]; then
			connect_err "update the config of $display: $(connect_answer)"
			return 1
		fi
		did+=("config updated")
	fi
	if [[ $action == resume ]]; then
		change_state "$enc" "$display" "$action" || return 1
	fi
	if ((${#did[@]} == 0)); then
		printf 'unchanged %s (%s)\n' "$display" "$state"
	else
		local what=${did[0]} d
		for d in "${did[@]:1}"; do what+=", $d"; done
		printf 'restored %s (%s): %s\n' "$display" "$state" "$what"
	fi
}

for file in "$dir"/*.json; do
	[[ -e $file ]] || continue
	count=$((count + 1))
	restore_one "$file" || status=$CONNECT_EXIT_FAILED
done
if ((count == 0)); then
	echo "nothing to restore: no *.json files in $(connect_display "$dir")"
fi
exit "$status"
