# t/lib.sh: sourced by every shell test (after mblaze's t/lib.sh and git's
# test-lib.sh).  Each test gets its own temporary root, removed on exit, so
# `prove -j` is safe.  Helpers print TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$top/t:$PATH
FW_DATADIR=$top/share/mpfw
export PATH FW_DATADIR
unset FW_LOCK_TIMEOUT SUDO_USER
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpfw-t.XXXXXX")
FW_ROOT=$tmp/root
mkdir "$FW_ROOT"
export FW_ROOT
cleanup() { :; }		# a test may redefine it to stop its daemons
_mounts=
trap 'cleanup; for _m in $_mounts; do umount -l "$_m"; done; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Scratch files of a test (out, err, want) go to its own directory.
cd "$tmp"

ntest=0
nfail=0

plan() { echo "1..$1"; }

# check DESC CMD: run CMD (a string, eval'd) and report.  Its output is
# shown as TAP diagnostics when it fails.
check() {
	_desc=$1
	shift
	ntest=$((ntest + 1))
	if (eval "$*") >"$tmp/.out" 2>&1; then
		echo "ok $ntest - $_desc"
	else
		echo "not ok $ntest - $_desc"
		# On stderr: prove shows it without -v too, so that a failure
		# in CI or in a loaded run of the suite says why.
		sed 's/^/# /' "$tmp/.out" >&2
		nfail=$((nfail + 1))
	fi
}

# check_todo WHY DESC CMD: a check of what should hold and does not yet,
# because of WHY (a TAP TODO): its failure is shown, not counted.
check_todo() {
	_why=$1
	_desc=$2
	shift 2
	ntest=$((ntest + 1))
	if (eval "$*") >"$tmp/.out" 2>&1; then
		echo "ok $ntest - $_desc # TODO $_why"
	else
		echo "not ok $ntest - $_desc # TODO $_why"
		sed 's/^/# /' "$tmp/.out"
	fi
}

skip() {
	ntest=$((ntest + 1))
	echo "ok $ntest # skip $1"
}

# skip_all REASON: instead of plan, when no check of the file can run
# here; prove then says "skipped: REASON", never passes it silently.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# root: true when the test runs as root.  What only root can do (accounts
# in sshd, daemons that change to users of their own, mounts, namespaces
# made with ip netns) is checked with check_root, or the file skip_all's.
root() { [ "$(id -u)" = 0 ]; }

# check_root WHY DESC CMD: check DESC CMD as root; as a user, a TAP skip
# "not root: WHY", which prove counts and shows.
check_root() {
	if root; then
		shift
		check "$@"
	else
		skip "not root: $1"
	fi
}

# nft_c NS FILE: nft's check of FILE (nft -c), which needs CAP_NET_ADMIN:
# as root in the network namespace NS the test made (ip netns add), as a
# user in a user and network namespace of its own (as share/mpfw/check-nft).
nft_c() {
	if root; then
		ip netns exec "$1" nft -c -f "$2"
	else
		unshare -rn nft -c -f "$2"
	fi
}

# fails STATUS CMD...: true when CMD exits with exactly STATUS.  A death by
# signal never counts (git's test_must_fail).
fails() {
	_want=$1
	shift
	"$@" && { echo "expected exit $_want, got 0: $*" >&2; return 1; }
	_got=$?
	if [ "$_got" -ne "$_want" ]; then
		echo "expected exit $_want, got $_got: $*" >&2
		return 1
	fi
}

# same FILE1 FILE2: byte for byte, else show a diff.
same() { cmp -s "$1" "$2" || { diff -u "$1" "$2" >&2; return 1; }; }

# has FILE PATTERN: grep with the file shown when it does not match.
has() {
	grep -q -- "$2" "$1" || { echo "no /$2/ in $1:" >&2; cat "$1" >&2;
	    return 1; }
}

# pid_alive PID: the process runs.  A zombie has exited: one orphaned to an
# init that reaps late still answers kill -0.
pid_alive() {
	kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

settings=$FW_ROOT/etc/mpfw

# free_port: a TCP and UDP port nothing on this machine listens on, below
# the ephemeral ports (32768 and up on Linux), which the clients of tests
# running in parallel take at any time: a daemon started a moment later
# must still find its port free.  Never the same twice in one test (it
# runs in a subshell, so the ports given are kept in a file).
free_port() {
	while :; do
		_p=$(( $(od -An -N2 -tu2 /dev/urandom) % 12000 + 20000 ))
		_hex=$(printf ':%04X ' "$_p")
		grep -qx "$_p" "$tmp/.ports" 2>/dev/null && continue
		cat /proc/net/tcp /proc/net/udp /proc/net/tcp6 /proc/net/udp6 \
		    2>/dev/null | awk '{print $2}' | grep -q "$_hex" ||
		    { echo "$_p" >>"$tmp/.ports"; echo "$_p"; return; }
	done
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	_n=$(( $1 * 20 ))
	shift
	while ! "$@" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.05
	done
}

# only_units NAME...: every shipped unit but those named is switched off
# by a drop-in (fw-units(5) `disabled`), so the test sees only the daemons
# it started.  Call it once, before the test's own units.d files.
only_units() {
	mkdir -p "$settings/units.d"
	for _u in $(awk '/^unit [a-z0-9_-]+ *\{/ { print $2 }' \
	    "$FW_DATADIR/units.conf"); do
		case " $* " in
		*" $_u "*) ;;
		*) printf 'unit %s {\n\tdisabled = yes\n}\n' "$_u" ;;
		esac
	done >"$settings/units.d/00-only.conf"
}

# ---- values that must never become a directive (t/0053, t/0119, t/0129)

# common_bad_values: NUL-separated, what every daemon's syntax must take
# as data or see refused: a carriage return, quotes, a backslash, command
# substitutions, overlong text.  A test adds the newline and the
# directive of its own daemons.
common_bad_values() {
	printf 'a\rb\0'
	printf "it's\0"
	printf 'a"b\0'
	printf 'a\\b\0'
	printf '$(touch %s/PWNED)\0' "$tmp"
	printf '`touch %s/PWNED`\0' "$tmp"
	printf 'x; touch %s/PWNED\0' "$tmp"
	awk 'BEGIN { while (i++ < 5000) printf "a"; printf "%c", 0 }'
}

# load_values FUNC: the NUL-separated values FUNC prints, split on a byte
# none holds (one holds newlines): nvalues of them, value N the Nth.
load_values() {
	"$1" | tr '\0' '\036' >"$tmp/values"
	nvalues=$(tr -cd '\036' <"$tmp/values" | wc -c)
}
value() { awk -v RS='\036' -v n="$1" 'NR == n { printf "%s", $0 }' "$tmp/values"; }

# inject TOOL FILE OK: every key of TOOL but its secrets set to every
# value: one TOOL stores must read back as itself from FILE, as sh reads
# it, and OK must pass (the files render, their daemons take them, no
# directive came in); one it refuses must exit 1 and leave FILE as it
# was.  FILE goes back as it was after each.  The keys tried in keys;
# refused, stored and bad count what happened.
inject() {
	keys=$($1 keys | awk -F'\t' '$2 != "secret" { print $1 }')
	refused=0 stored=0 bad=0
	for _k in $keys; do
		_n=1
		while [ $_n -le "$nvalues" ]; do
			_v=$(value $_n)
			cp "$2" "$tmp/before"
			if $1 set "$_k=$_v" 2>/dev/null; then
				stored=$((stored + 1))
				_got=$(. "$2"; eval "printf %s \"\$$_k\"")
				if [ "$_got" != "$_v" ] || ! $3; then
					echo "# $_k, value $_n: stored but not as data" >&2
					bad=$((bad + 1))
				fi
				cp "$tmp/before" "$2"
			else
				_st=$?
				refused=$((refused + 1))
				if [ $_st != 1 ] || ! cmp -s "$tmp/before" "$2"; then
					echo "# $_k, value $_n: exit $_st or file changed" >&2
					bad=$((bad + 1))
				fi
			fi
			_n=$((_n + 1))
		done
	done
}

# hosts_unit RELOAD: a unit of the test's own, hosts, in units.d: the DNS
# table as /etc/hosts.mpfw (fw-dns render), checked not empty, RELOAD
# its reload.
hosts_unit() {
	mkdir -p "$settings/units.d"
	cat >"$settings/units.d/hosts.conf" <<X
unit hosts {
	inputs = {services, dns}
	render = 'fw-dns render'
	target = '/etc/hosts.mpfw'
	check  = 'test -s %f'
	reload = '$1'
	soft   = reload
}
X
}

# private_etc: the test's own /etc and /var/log, overlays written into
# $tmp, so that it may add accounts (useradd, chpasswd) and PAM services
# and never touch the machine's.  Only in a private mount namespace: the
# test begins, before lib.sh,
#	[ -n "${MPFW_UNSHARED-}" ] ||
#	    MPFW_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
private_etc() {
	if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]
	then
		echo "private_etc: not in a private mount namespace" >&2
		exit 1
	fi
	for _d in /etc /var/log; do
		mkdir -p "$tmp/overlay$_d/up" "$tmp/overlay$_d/work"
		mount -t overlay overlay -o "lowerdir=$_d,upperdir=$tmp/overlay$_d/up,workdir=$tmp/overlay$_d/work" "$_d"
		_mounts="$_d $_mounts"
	done
	# The accounts' homes are in $tmp: they must be able to reach them.
	chmod 711 "$tmp"
}
