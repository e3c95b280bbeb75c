# t/nut.sh: sourced by the NUT tests (t/014*-fw-ups-*.t), first:
#	. ./nut.sh; nut_namespace "$0" "$@"; . ./lib.sh; nut_setup
# They run in a mount namespace of their own (see nut_namespace), where
# /run/nut, upsmon's fixed home, and /etc/hosts.allow, which libwrap
# reads for upsd, are the test's own; so they never meet the machine's
# NUT or another test's.  Daemons run as user nut, as on the appliance.

# nut_namespace "$0" "$@": at the top of a test, before lib.sh: re-run it
# in a private mount namespace, or skip it all where there is none.
nut_namespace() {
	[ -n "${MPFW_NUT_NS-}" ] && return 0
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs a mount namespace (root)"
		exit 0
	fi
	exec unshare -m --propagation private env MPFW_NUT_NS=1 "$@"
}

# nut_setup: the namespace's /run/nut and /etc (an overlay whose
# hosts.allow is the test root's), the daemons' state directory, and a
# temporary directory user nut can reach.
nut_setup() {
	if [ -d /run/nut ]; then
		mount -t tmpfs -o mode=0770 mpfw-test-nut /run/nut
	else
		mount -t tmpfs -o mode=0755 mpfw-test-run /run
		mkdir -m 0770 /run/nut
	fi
	chgrp nut /run/nut
	mkdir "$tmp/etc-up" "$tmp/etc-work"
	mount -t overlay mpfw-test-etc -o \
	    "lowerdir=/etc,upperdir=$tmp/etc-up,workdir=$tmp/etc-work" /etc
	rm -f /etc/hosts.allow
	ln -s "$FW_ROOT/etc/hosts.allow" /etc/hosts.allow
	chmod 711 "$tmp"
	state=$tmp/state
	mkdir -m 0770 "$state"
	chgrp nut "$state"
	NUT_STATEPATH=$state
	export NUT_STATEPATH
}

# ups_state FILE VALUE...: the dummy UPS's variables, which dummy-ups
# re-reads when the file changes.
ups_state() {
	_f=$1
	shift
	printf '%s\n' "$@" >"$_f.new"
	chmod 644 "$_f.new"
	# dummy-ups re-reads the file when its mtime, in seconds, changes:
	# two states in one second would be one.  Each gets a second of its
	# own (the count in FILE.tick: a check runs in a subshell).
	_tick=$(( $(cat "$_f.tick" 2>/dev/null || date +%s) + 1 ))
	[ "$_tick" -gt "$(date +%s)" ] || _tick=$(( $(date +%s) + 1 ))
	echo "$_tick" >"$_f.tick"
	touch -d "@$_tick" "$_f.new"
	mv "$_f.new" "$_f"
}

# nut_login SOURCE HOST PORT USER PASSWORD: log in from address SOURCE
# as upsmon does (the password a bare word); prints upsd's answers.
nut_login() {
	{ printf 'USERNAME %s\n' "$4"; sleep 0.1
	  printf 'PASSWORD %s\n' "$5"; sleep 0.1
	  printf 'LOGIN myups\n'; sleep 0.1
	  printf 'LOGOUT\n'; } |
	    nc -q 1 -s "$1" "$2" "$3" 2>&1 | tr '\n' ' '
}

pid_of() { cat "$1" 2>/dev/null; }
alive() { [ -s "$1" ] && pid_alive "$(cat "$1")"; }
gone() { ! alive "$1"; }

# traced_apply: fw-apply with every exec(2) of it and its children
# recorded in $tmp/exec.log, full argv.  strace follows the daemons it
# starts too, so it is stopped (detaching them) once fw-apply is done:
# with -I 1, as strace with -o blocks SIGTERM.  LeakSanitizer cannot work
# under ptrace: make asan leaves it out here.
traced_apply() {
	rm -f "$tmp/apply.rc"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -I 1 -f -qq -e trace=execve -s 100000 -o "$tmp/exec.log" \
	    sh -c 'fw-apply; echo $? >"$1"' sh "$tmp/apply.rc" \
	    >"$tmp/apply.out" 2>&1 &
	_sp=$!
	wait_for 60 test -s "$tmp/apply.rc"
	kill "$_sp" 2>/dev/null
	wait "$_sp" 2>/dev/null || :
	test "$(cat "$tmp/apply.rc")" = 0 || { cat "$tmp/apply.out"; return 1; }
}

# nut_umount: before the test's directory goes, the overlay over /etc.
nut_umount() { umount /etc 2>/dev/null || :; }
