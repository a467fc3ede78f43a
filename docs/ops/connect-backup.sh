#!/usr/bin/env bash
# connect-backup.sh: saves every connector's config and target state of a
# Kafka Connect cluster into a directory. See README.md.
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

Saves every connector of the Connect cluster behind URL into DIR (created,
mode 700, if missing), one file per connector, mode 600:

  DIR/<name>.json   {"name": ..., "config": {...}, "initial_state": "RUNNING"|"PAUSED"|"STOPPED"}

which is the body of POST /connectors, so one file can also be restored by
hand: curl -X POST -H 'Content-Type: application/json' --data @DIR/x.json URL/connectors

<name> is the connector name with every character other than A-Z a-z 0-9
- _ . ~ percent-encoded (a/b -> a%2Fb.json), so any name is a safe file
name; the "name" inside the file is what counts. Configs are saved raw, as
GET /connectors/{name}/config shows them: \${provider:...} references stay
unresolved, and passwords written literally into a config are in the file,
hence the modes. initial_state comes from the connector's status (the REST
API does not show target states): PAUSED or STOPPED when the connector is
(or all its tasks are) PAUSED, or it is STOPPED; RUNNING otherwise.

Files of DIR that no longer match a connector are left alone, with a
warning: connect-restore.sh would recreate them.

Exit codes: 0 all saved; 1 a connector could not be saved; 2 usage error
(DIR not writable); 3 Connect unreachable or an unexpected answer.

$CONNECT_COMMON_USAGE

Example:
  $CONNECT_PROG http://connect-1:8083 backups/\$(date +%F)
EOF
}

CONNECT_FLAGS=()
connect_parse_args "$@"
case ${#CONNECT_ARGS[@]} in
1) dir=${CONNECT_ARGS[0]} ;;
0) connect_usage_error "the backup directory DIR is missing" ;;
*) connect_usage_error "too many arguments: $(connect_display "${CONNECT_ARGS[1]}")" ;;
esac
[[ -n $dir ]] || connect_usage_error "DIR is empty"

umask 077
if [[ ! -d $dir ]]; then
	mkdir -p -- "$dir" 2>/dev/null || connect_die "$CONNECT_EXIT_USAGE" "cannot create the directory $(connect_display "$dir")"
fi
[[ -w $dir ]] || connect_die "$CONNECT_EXIT_USAGE" "cannot write into $(connect_display "$dir")"

connect_get_json '/connectors?expand=info&expand=status'
all=$CONNECT_TMP/all.json
cp "$CONNECT_BODY" "$all"

# shellcheck disable=SC2016 # jq code, not shell
defs="$CONNECT_JQ_DEFS"'
def file_name: enc | sub("^\\."; "%2E") + ".json";
def target_state:
  .status as $s
  | if ($s | type) != "object" then "RUNNING"
    elif $s.connector.state == "PAUSED" or $s.connector.state == "STOPPED" then $s.connector.state
    elif (($s.tasks // []) | length) > 0 and all($s.tasks[]; .state == "PAUSED") then "PAUSED"
    else "RUNNING" end;
def entries: expanded | to_entries | sort_by(.key);
'
# One line per connector: index, file name, display name, whether info and
# status came, the target state.
# shellcheck disable=SC2016 # jq code, not shell
list=$(jq -r "$defs"'entries | to_entries[]
  | [(.key | tostring), (.value.key | file_name), (.value.key | clean),
     (.value.value.info.config | type == "object" | tostring),
     (.value.value.status | type == "object" | tostring),
     (.value.value | target_state)] | join("\t")' "$all")

status=$CONNECT_EXIT_OK
saved=0
written=''
while IFS=$'\t' read -r i file display has_info has_status state; do
	[[ -n $i ]] || continue
	if [[ $has_info != true ]]; then
		connect_err "no config for $display (deleted meanwhile?): not saved"
		status=$CONNECT_EXIT_FAILED
		continue
	fi
	if [[ $has_status != true ]]; then
		connect_err "warning: no status for $display: saved as RUNNING"
	fi
	path=$dir/$file
	tmp=$dir/.$file.tmp
	# shellcheck disable=SC2016 # jq code, not shell
	if jq --argjson i "$i" "$defs"'entries[$i]
		| {name: .key, config: (.value.info.config | to_entries | sort_by(.key) | from_entries), initial_state: (.value | target_state)}' \
		"$all" >"$tmp" 2>"$CONNECT_TMP/write-err" && mv -f -- "$tmp" "$path" 2>"$CONNECT_TMP/write-err"; then
		printf 'saved %s (%s) to %s\n' "$display" "$state" "$(connect_display "$path")"
		saved=$((saved + 1))
		written+="$file"$'\n'
	else
		rm -f -- "$tmp"
		connect_err "cannot save $display to $(connect_display "$path"): $(tr '\n' ' ' <"$CONNECT_TMP/write-err")"
		status=$CONNECT_EXIT_FAILED
	fi
done <<<"$list"

for f in "$dir"/*.json; do
	[[ -e $f ]] || continue
	if ! grep -Fxq -- "${f##*/}" <<<"$written"; then
		connect_err "warning: $(connect_display "$f") is not a connector of $(connect_redact "$CONNECT_URL") (left from an earlier backup?): connect-restore.sh would recreate it"
	fi
done
printf 'backed up %d connector(s) to %s\n' "$saved" "$(connect_display "$dir")"
exit "$status"
