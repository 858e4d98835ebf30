#!/usr/bin/env bash
# The fcsync walkthrough: the seed article's three cases against a local
# fc-emulator, every command printed with its real output.
#   usage: scripts/demo.sh BIN_DIR   (make demo builds BIN_DIR first)
#   DEMO_KEEP=1 leaves fc-emulator running at the end, for its web console.
set -euo pipefail
BIN=$(cd "${1:-bin}" && pwd)
export PATH="$BIN:$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/fcsync-demo.XXXXXX")
emu_pid=
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# Throwaway credentials for the emulator; fcsync reads them from the
# environment like the official credential chain does, and never prints them.
export ALIBABA_CLOUD_ACCOUNT_ID=1234567890
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIdemo
ALIBABA_CLOUD_ACCESS_KEY_SECRET=$(head -c 18 /dev/urandom | base64)
export ALIBABA_CLOUD_ACCESS_KEY_SECRET
# Headings are bold only on a terminal, and never with NO_COLOR set
# (no-color.org); fcsync itself runs without colour so its output reads
# the same everywhere.
bold=
[ -t 1 ] && [ -z "${NO_COLOR:-}" ] && bold=1
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" NO_COLOR=1
mkdir -p "$HOME"

fc-emulator --addr 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.err" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$work/emulator.out" ] && break; sleep 0.05; done
addr=$(head -n 1 "$work/emulator.out")
[ -n "$addr" ] || { echo "fc-emulator did not start:"; cat "$work/emulator.err"; exit 1; }
export FC_ENDPOINT="http://$addr"

say() {
  if [ -n "$bold" ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi
}
who() { export GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_NAME="$1" GIT_COMMITTER_EMAIL="$2"; }
# run prints a command and its output; expect says which exit code the
# story needs, so the demo fails loudly if fcsync misbehaves.
run() {
	local want=0
	if [ "$1" = "--exit" ]; then want=$2; shift 2; fi
	printf '\n$'
	local a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then printf ' %s' "$a"; else printf " '%s'" "$a"; fi
	done
	printf '\n'
	set +e
	"$@" 2>&1 | sed 's/^/  /'
	local got=${PIPESTATUS[0]}
	set -e
	if [ "$got" != 0 ]; then printf '  (exit code %s)\n' "$got"; fi
	if [ "$got" != "$want" ]; then echo "demo: expected exit code $want, got $got" >&2; exit 1; fi
}

say "fc-emulator speaks the FC API at $FC_ENDPOINT (fcsync talks to it through the official SDK); its web console is at $FC_ENDPOINT/console."

say "== Case 1: Alice creates a service, a function and an HTTP trigger locally; nothing is online yet."
who Alice alice@example.com
cd "$work"
run fcsync init --region cn-hangzhou demo
cd demo
mkdir -p services/fc-deploy-service/functions/http-fn/code services/fc-deploy-service/functions/http-fn/triggers
cat >services/fc-deploy-service/service.yaml <<'YAML'
description: the seed article's service
YAML
cat >services/fc-deploy-service/functions/http-fn/function.yaml <<'YAML'
# Serves the public API.
runtime: python3.10
handler: index.handler
memorySize: 256
timeout: 30
YAML
cat >services/fc-deploy-service/functions/http-fn/code/index.py <<'PY'
def price(order):
    return order["amount"] * 1.0


def handler(event, context):
    return "total: %s" % price({"amount": 10})
PY
cat >services/fc-deploy-service/functions/http-fn/triggers/http.yaml <<'YAML'
triggerType: http
triggerConfig:
  authType: anonymous
  methods: [GET, POST]
YAML
run git add -A
run git commit -q -m "http-fn: first version"
run fcsync push
say "Pushing again changes nothing online:"
run fcsync push

say "== Case 2: an incident. Bob hot-fixes the function in the web console (more memory, a code fix)."
mkdir -p "$work/hotfix"
cat >"$work/hotfix/index.py" <<'PY'
def price(order):
    return round(order["amount"] * 1.0, 2)  # hotfix: round to cents


def handler(event, context):
    return "total: %s" % price({"amount": 10})
PY
run fc-console update-function fc-deploy-service http-fn '{"memorySize":512}'
run fc-console update-code fc-deploy-service http-fn "$work/hotfix"

say "Alice, unaware, adds a feature and pushes. Every other tool would now silently undo Bob's fix."
cat >>services/fc-deploy-service/functions/http-fn/code/index.py <<'PY'


def health(event, context):
    return "ok"
PY
run git commit -q -am "http-fn: health endpoint"
run --exit 3 fcsync push
say "fcsync refused (exit 3) and recorded Bob's change on the live branch. What changed online?"
run fcsync status
run fcsync diff --online
run fcsync log
say "Alice pulls: Bob's change is merged into her work like a git pull (code merged line by line)."
run fcsync pull
run cat services/fc-deploy-service/functions/http-fn/function.yaml
run cat services/fc-deploy-service/functions/http-fn/code/index.py
run fcsync push
run fc-console get-code fc-deploy-service http-fn index.py

say "== Blue-green: Alice publishes a release and points alias prod at it, in one push."
run fcsync push --publish "release 1" --alias prod
run cat services/fc-deploy-service/aliases/prod.yaml
cat >>services/fc-deploy-service/functions/http-fn/code/index.py <<'PY'


def version(event, context):
    return "2"
PY
run git commit -q -am "http-fn: version endpoint"
run fcsync push --publish "release 2"
say "Bob, in the console, shifts 10% of prod's traffic to release 2. Alice renames the alias's description."
run fc-console set-alias-weight fc-deploy-service prod 2 0.1
sed -i 's/^description: .*/description: production traffic/' services/fc-deploy-service/aliases/prod.yaml
grep -q '^description:' services/fc-deploy-service/aliases/prod.yaml || echo 'description: production traffic' >>services/fc-deploy-service/aliases/prod.yaml
run git commit -q -am "prod: describe it"
run --exit 3 fcsync push
say "The traffic shift is drift like any other: pull merges it, and push keeps both."
run fcsync pull
run cat services/fc-deploy-service/aliases/prod.yaml
run fcsync push

say "== Case 3: Bob creates a function in the console that Alice also wrote locally, never synced."
mkdir -p "$work/bob-cron"
printf 'def handler(event, context):\n    return "cron by bob"\n' >"$work/bob-cron/index.py"
run fc-console create-function fc-deploy-service cron-fn '{"runtime":"python3.10","handler":"index.handler","timeout":60}' "$work/bob-cron"
mkdir -p services/fc-deploy-service/functions/cron-fn/code
cat >services/fc-deploy-service/functions/cron-fn/function.yaml <<'YAML'
runtime: python3.10
handler: index.handler
timeout: 120
YAML
printf 'def handler(event, context):\n    return "cron by alice"\n' >services/fc-deploy-service/functions/cron-fn/code/index.py
run git add -A
run git commit -q -m "cron-fn"
run --exit 3 fcsync push
say "pull imports it and shows conflicts only where the two versions differ:"
run --exit 4 fcsync pull
run git status --short
run cat services/fc-deploy-service/functions/cron-fn/function.yaml
say "Alice decides her version wins: abort, then pull resolving conflicts to the local side, and push."
run git merge --abort
run fcsync pull --use-local
run fcsync push
run fcsync status --exit-code

say "The whole story is git history: the live branch records every online change, console edits included."
run git log --graph --format='%h %an: %s' --all
say "== FC 3.0 (API 2023-03-30): the same three cases on a project with api: fc3, functions at the top."
say "FC 3.0 sees the FC 2.0 functions above too (as fc-deploy-service\$http-fn), so Alice's project names the two functions it owns."
cd "$work"
run fcsync init --api fc3 --region cn-hangzhou --function api-fn --function job-fn demo3
cd demo3
mkdir -p functions/api-fn/code functions/api-fn/triggers
cat >functions/api-fn/function.yaml <<'YAML'
runtime: python3.10
handler: index.handler
memorySize: 512
timeout: 30
YAML
cat >functions/api-fn/code/index.py <<'PY'
def price(order):
    return order["amount"] * 1.0


def handler(event, context):
    return "total: %s" % price({"amount": 10})
PY
cp ../demo/services/fc-deploy-service/functions/http-fn/triggers/http.yaml functions/api-fn/triggers/http.yaml
run git add -A
run git commit -q -m "api-fn: first version"
say "Case 1 (FC 3.0): the new function and its trigger are created without a question."
run fcsync push
say "Case 2 (FC 3.0): Bob raises the memory and hot-fixes the code in the console; Alice, unaware, raises the timeout."
run fc-console --api fc3 update-function api-fn '{"memorySize":1024}'
run fc-console --api fc3 update-code api-fn "$work/hotfix"
sed -i 's/^timeout: 30$/timeout: 60/' functions/api-fn/function.yaml
run git commit -q -am "api-fn: more time"
run --exit 3 fcsync push
run fcsync pull
run cat functions/api-fn/function.yaml
run fcsync push
say "Case 3 (FC 3.0): Bob creates job-fn in the console; Alice wrote her own job-fn, never synced."
run fc-console --api fc3 create-function job-fn '{"runtime":"python3.10","handler":"index.handler","memorySize":1024}' "$work/bob-cron"
mkdir -p functions/job-fn/code
printf 'runtime: python3.10\nhandler: index.handler\nmemorySize: 512\ntimeout: 120\n' >functions/job-fn/function.yaml
printf 'def handler(event, context):\n    return "cron by alice"\n' >functions/job-fn/code/index.py
run git add -A
run git commit -q -m "job-fn"
run --exit 3 fcsync push
say "Alice's version wins: pull resolving conflicts to the local side, then push."
run fcsync pull --use-local
run fcsync push
run fcsync status --exit-code

if [ -n "${DEMO_KEEP:-}" ]; then
	say "Demo finished. fc-emulator keeps running: open $FC_ENDPOINT/console to see what the demo left online and edit it as Bob did; Ctrl-C stops it."
	wait "$emu_pid" || true
else
	say "Demo finished; stopping fc-emulator (make demo DEMO_KEEP=1 keeps it running, to look around in its web console)."
fi
