# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables here are used by the scripts
# connect-lib.sh: shared code of the connect-*.sh operator scripts. It is
# sourced by them, not run: keep it next to the scripts.
#
# Works against any Kafka Connect REST API (Java Connect or Ferry) with only
# curl and jq. Environment:
#   CONNECT_URL        worker URL when none is given (default http://localhost:8083)
#   CONNECT_USER       basic-auth user name (with CONNECT_PASSWORD)
#   CONNECT_PASSWORD   basic-auth password; handed to curl through a file
#                      descriptor, never on a command line, never printed
#   CONNECT_CACERT     CA bundle for https (as --cacert)
#   CONNECT_RETRIES    attempts for a request answered 409 during a rebalance (default 5)

# Exit codes shared by every script.
readonly CONNECT_EXIT_OK=0
readonly CONNECT_EXIT_FAILED=1     # what the script checks or does failed
readonly CONNECT_EXIT_USAGE=2      # bad arguments, missing tools or files
readonly CONNECT_EXIT_REST=3       # Connect unreachable, or an unexpected answer

CONNECT_PROG=${0##*/}

# The common options, for the scripts' usage texts.
# shellcheck disable=SC2016 # literal $NAMES in the text
CONNECT_COMMON_USAGE='Connection (any Connect worker, Java Connect or Ferry):
  URL                 worker REST URL, as the first argument if it starts with
                      http:// or https:// (else $CONNECT_URL, else
                      http://localhost:8083)
  --url URL           the same, as an option
  -k, --insecure      https: do not verify the server certificate
  --cacert FILE       https: verify the server with this CA bundle
                      (or $CONNECT_CACERT)
  -h, --help          this help
  --                  ends the options (before a NAME that starts with -)
Basic authentication: set CONNECT_USER and CONNECT_PASSWORD (never printed,
never on a command line).'

connect_err() { printf '%s: %s\n' "$CONNECT_PROG" "$*" >&2; }

# connect_die CODE MESSAGE...
connect_die() {
	local code=$1
	shift
	connect_err "$@"
	exit "$code"
}

connect_usage_error() {
	connect_err "$@"
	printf "Run '%s --help' for usage.\n" "$CONNECT_PROG" >&2
	exit "$CONNECT_EXIT_USAGE"
}

# connect_redact URL: the URL without any user:password@ part.
connect_redact() { printf '%s' "$1" | sed -E 's#^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@#\1***@#'; }

# connect_display TEXT: TEXT with control characters (newlines, tabs, ...)
# replaced by '?', safe to print on one line.
connect_display() { printf '%s' "${1//[[:cntrl:]]/?}"; }

# connect_parse_args ARGS...: parses the common options and the optional
# leading URL. Boolean flags a script accepts (e.g. --dry-run) are listed in
# CONNECT_FLAGS before the call; those given are set to 1 in the variable of
# the same name with dashes as underscores and a FLAG prefix
# (--dry-run: FLAG_dry_run). The remaining arguments are left in
# CONNECT_ARGS. Calls the script's usage function for -h/--help.
connect_parse_args() {
	local url='' flag known
	CONNECT_ARGS=()
	CONNECT_INSECURE=0
	CONNECT_CACERT=${CONNECT_CACERT:-}
	for flag in ${CONNECT_FLAGS[@]+"${CONNECT_FLAGS[@]}"}; do
		flag=${flag#--}
		printf -v "FLAG_${flag//-/_}" '%s' 0
	done
	while (($# > 0)); do
		case $1 in
		-h | --help)
			usage
			exit "$CONNECT_EXIT_OK"
			;;
		--url)
			(($# >= 2)) || connect_usage_error "--url needs a value"
			url=$2
			shift 2
			;;
		--url=*)
			url=${1#--url=}
			shift
			;;
		-k | --insecure)
			CONNECT_INSECURE=1
			shift
			;;
		--cacert)
			(($# >= 2)) || connect_usage_error "--cacert needs a file"
			CONNECT_CACERT=$2
			shift 2
			;;
		--cacert=*)
			CONNECT_CACERT=${1#--cacert=}
			shift
			;;
		--)
			shift
			CONNECT_ARGS+=("$@")
			break
			;;
		-?*)
			known=0
			for flag in ${CONNECT_FLAGS[@]+"${CONNECT_FLAGS[@]}"}; do
				if [[ $1 == "$flag" ]]; then
					flag=${flag#--}
					printf -v "FLAG_${flag//-/_}" '%s' 1
					known=1
				fi
			done
			((known)) || connect_usage_error "unknown option: $(connect_display "$1")"
			shift
			;;
		*)
			CONNECT_ARGS+=("$1")
			shift
			;;
		esac
	done
	# A first positional argument that looks like a URL is the worker URL.
	if [[ -z $url && ${#CONNECT_ARGS[@]} -gt 0 && ${CONNECT_ARGS[0]} =~ ^https?:// ]]; then
		url=${CONNECT_ARGS[0]}
		CONNECT_ARGS=("${CONNECT_ARGS[@]:1}")
	fi
	url=${url:-${CONNECT_URL:-http://localhost:8083}}
	[[ $url =~ ^https?://[^/] ]] ||
		connect_usage_error "the worker URL must start with http:// or https://: $(connect_display "$(connect_redact "$url")")"
	CONNECT_URL=${url%/}
	if [[ -n $CONNECT_CACERT && ! -r $CONNECT_CACERT ]]; then
		connect_usage_error "cannot read the CA bundle $(connect_display "$CONNECT_CACERT")"
	fi
	if [[ -n ${CONNECT_PASSWORD:-} && -z ${CONNECT_USER:-} ]]; then
		connect_usage_error "CONNECT_PASSWORD is set but CONNECT_USER is not"
	fi
	connect_require_tools
	connect_init_tmp
}

connect_require_tools() {
	local tool
	for tool in curl jq; do
		command -v "$tool" >/dev/null 2>&1 ||
			connect_die "$CONNECT_EXIT_USAGE" "$tool is needed but not installed (e.g. apt-get install $tool)"
	done
}

connect_init_tmp() {
	CONNECT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/connect-ops.XXXXXX") ||
		connect_die "$CONNECT_EXIT_USAGE" "cannot create a temporary directory"
	trap connect_cleanup EXIT
	CONNECT_BODY=$CONNECT_TMP/body
	CONNECT_CURL_ERR=$CONNECT_TMP/curl-err
}

connect_cleanup() { rm -rf "${CONNECT_TMP:?}"; }

# connect_curl_auth: curl config lines for basic authentication, read by
# curl from a file descriptor so the password is never in a process list.
connect_curl_auth() {
	local cred="${CONNECT_USER}:${CONNECT_PASSWORD:-}"
	cred=${cred//\\/\\\\}
	cred=${cred//\"/\\\"}
	cred=${cred//$'\n'/\\n}
	cred=${cred//$'\r'/\\r}
	cred=${cred//$'\t'/\\t}
	printf 'user = "%s"\n' "$cred"
}

# connect_request METHOD PATH [BODY_FILE]: sends one request (retrying 409
# answers, which Connect gives during rebalances). Sets CONNECT_STATUS to the
# HTTP status and leaves the body in $CONNECT_BODY. Returns 1, with the
# reason in CONNECT_ERROR, when no HTTP answer came (connection refused,
# TLS, timeout).
connect_request() {
	local method=$1 path=$2 body=${3:-} attempt=1 rc
	local retries=${CONNECT_RETRIES:-5}
	[[ $retries =~ ^[1-9][0-9]*$ ]] || retries=5
	local -a args=(--silent --show-error --globoff --connect-timeout 10 --max-time 100
		--request "$method" --header 'Accept: application/json'
		--output "$CONNECT_BODY" --write-out '%{http_code}')
	if ((CONNECT_INSECURE)); then
		args+=(--insecure)
	fi
	if [[ -n $CONNECT_CACERT ]]; then
		args+=(--cacert "$CONNECT_CACERT")
	fi
	if [[ -n $body ]]; then
		args+=(--header 'Content-Type: application/json' --data-binary "@$body")
	fi
	while :; do
		rc=0
		if [[ -n ${CONNECT_USER:-} ]]; then
			CONNECT_STATUS=$(curl "${args[@]}" --config <(connect_curl_auth) "$CONNECT_URL$path" 2>"$CONNECT_CURL_ERR") || rc=$?
		else
			CONNECT_STATUS=$(curl "${args[@]}" "$CONNECT_URL$path" 2>"$CONNECT_CURL_ERR") || rc=$?
		fi
		if ((rc != 0)); then
			CONNECT_STATUS=000
			CONNECT_ERROR="$method $(connect_redact "$CONNECT_URL")$path: $(tr '\n' ' ' <"$CONNECT_CURL_ERR")"
			CONNECT_ERROR="${CONNECT_ERROR% }"
			: >"$CONNECT_BODY"
			return 1
		fi
		if [[ $CONNECT_STATUS != 409 ]] || ((attempt >= retries)); then
			return 0
		fi
		sleep "$attempt"
		attempt=$((attempt + 1))
	done
}

# connect_call METHOD PATH [BODY_FILE]: connect_request, exiting with
# CONNECT_EXIT_REST when Connect cannot be reached.
connect_call() {
	connect_request "$@" || connect_die "$CONNECT_EXIT_REST" "cannot reach Connect: $CONNECT_ERROR"
}

# connect_answer: the current answer as "HTTP <status>: <message>", the
# message being Connect's error text (never a config).
connect_answer() {
	local msg=''
	if [[ -s $CONNECT_BODY ]]; then
		if ! msg=$(jq -r 'if type == "object" and has("message") then .message else empty end' "$CONNECT_BODY" 2>/dev/null); then
			# Not JSON (a proxy's or Jetty's HTML page): its title, else its start.
			msg=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$CONNECT_BODY" | head -n 1)
			[[ -n $msg ]] || msg=$(head -c 200 "$CONNECT_BODY" | tr '\n' ' ')
		fi
	fi
	msg=$(connect_display "$msg")
	printf 'HTTP %s%s' "$CONNECT_STATUS" "${msg:+: $msg}"
}

# connect_get_json PATH: GET that must answer 200 with JSON; exits with
# CONNECT_EXIT_REST otherwise. The JSON is in $CONNECT_BODY.
connect_get_json() {
	connect_call GET "$1"
	[[ $CONNECT_STATUS == 200 ]] ||
		connect_die "$CONNECT_EXIT_REST" "GET $(connect_redact "$CONNECT_URL")$1 answered $(connect_answer)"
	jq -e . "$CONNECT_BODY" >/dev/null 2>&1 ||
		connect_die "$CONNECT_EXIT_REST" "GET $(connect_redact "$CONNECT_URL")$1 did not answer JSON (is $(connect_redact "$CONNECT_URL") a Connect worker?)"
}

# jq definitions shared by the scripts. enc: a connector name as one URL
# path segment (every byte but A-Z a-z 0-9 - _ . ~ percent-encoded, the same
# in every jq version). clean: no control characters.
# shellcheck disable=SC2016 # jq code, not shell
CONNECT_JQ_DEFS='
def enc: @uri | gsub("!"; "%21") | gsub("\\*"; "%2A") | gsub("'"'"'"; "%27") | gsub("\\("; "%28") | gsub("\\)"; "%29");
def clean: gsub("[[:cntrl:]]"; "?");
def expanded: if type == "object" then . else {} end;
'

# connect_enc NAME: NAME percent-encoded for a URL path.
connect_enc() { jq -rn --arg s "$1" "$CONNECT_JQ_DEFS"'$s | enc'; }
