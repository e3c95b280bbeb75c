#!/bin/sh -e
# kill -9 at random moments: during repeated sets and large imports.  After
# each kill the file parses and is the state before the command or the
# state after it, never a mix, and the next writer goes on.  The writes
# are slowed down (t/slowwrite.c, a shim as a slow disk would be), so
# that kills land inside them too, and enough of them must.
. ./lib.sh
plan 9

# $slow CMD...: CMD with its large writes sliced and logged (also under
# the sanitizers, whose runtime would otherwise want to come first).  A
# command, not a function: started with &, its pid is the tool's.
slowlog=$tmp/slow.log
slow="env LD_PRELOAD=$top/t/slowwrite.so SLOWWRITE_LOG=$slowlog
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# killed_inside: the last command was killed inside one of its writes.
killed_inside() { tail -n 1 "$slowlog" 2>/dev/null | grep -q "^begin "; }
# write_micros: how long the last command's (first) large write took.
write_micros() {
	awk '$1 == "begin" { b = $2 } $1 == "end" { print $2 - b; exit }' "$slowlog"
}

# usleep_random MAX: sleep up to MAX microseconds.
usleep_random() {
	sleep "$(printf '0.%06d' $(( $(od -An -N4 -tu4 /dev/urandom) % $1 )))"
}

# micros CMD...: how many microseconds CMD takes, run to its end.
micros() {
	_t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $(( ($(date +%s%N) - _t0) / 1000 ))
}

# kill_during MAX CMD...: start CMD, slowed, kill -9 it within MAX
# microseconds.
kill_during() {
	_max=$1
	shift
	: >"$slowlog"
	$slow "$@" >/dev/null 2>&1 &
	_pid=$!
	usleep_random "$_max"
	kill -9 "$_pid" 2>/dev/null || :
	wait "$_pid" 2>/dev/null || :
}

# kill_inside MAX CMD...: start CMD, slowed; once its large write began,
# kill -9 it within MAX microseconds.
kill_inside() {
	_max=$1
	shift
	: >"$slowlog"
	$slow "$@" >/dev/null 2>&1 &
	_pid=$!
	while ! grep -q "^begin " "$slowlog" && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.001
	done
	usleep_random "$_max"
	kill -9 "$_pid" 2>/dev/null || :
	wait "$_pid" 2>/dev/null || :
}

svc=$settings/services
fw-svc set ntp=no
# A long file, so that a write takes milliseconds and kills land inside.
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "# note %d of a long history\n", i }' >>"$svc"
i=0 bad=0 kills=0 early=0 late=0 inside=0
while [ $i -lt 40 ]; do
	cp "$svc" before
	# The state after: the same command run to its end in a copy.
	rm -rf "$tmp/copy" && cp -a "$FW_ROOT" "$tmp/copy"
	# The kill lands anywhere within twice the command's own time, so
	# before, inside and after it on a slow (sanitized) build too.
	took=$(micros $slow fw-svc -R "$tmp/copy" set imap_max_conn=$((i % 90 + 2)) \
	    dns_txt=$([ $((i % 2)) = 0 ] && echo yes || echo no))
	wrote=$(write_micros)
	cp "$tmp/copy/etc/mpfw/services" after
	# Half the kills are aimed at the write.
	how=kill_during max=$((took * 2 + 1000))
	[ $((i % 4)) -lt 2 ] || how=kill_inside max=$((wrote / 2 + 1))
	$how $max fw-svc set imap_max_conn=$((i % 90 + 2)) \
	    dns_txt=$([ $((i % 2)) = 0 ] && echo yes || echo no)
	kills=$((kills + 1))
	killed_inside && inside=$((inside + 1))
	if ! fw-svc show >/dev/null 2>&1; then
		bad=$((bad + 1))
	elif cmp -s after "$svc"; then
		late=$((late + 1))
	elif cmp -s before "$svc"; then
		early=$((early + 1))
	else
		bad=$((bad + 1))
		diff -u after "$svc" | sed 's/^/# /'
	fi
	# the next writer finishes the job
	cp "$tmp/copy/etc/mpfw/services" "$tmp/want"
	fw-svc set imap_max_conn=$((i % 90 + 2)) \
	    dns_txt=$([ $((i % 2)) = 0 ] && echo yes || echo no)
	cmp -s "$tmp/want" "$svc" || bad=$((bad + 1))
	i=$((i + 1))
done
check "40 sets killed at random: each file whole, before or after ($bad bad)" \
    'test $bad = 0'

check "kills landed before and after the write ($early before, $late after)" \
    'test $early -gt 0 && test $late -gt 0'

check "and at least 10 inside it ($inside)" 'test $inside -ge 10'

check 'no temporary file is left after the next write' '
	test -z "$(ls -A "$settings" | grep mpfw-tmp)"'

# Two tables of 20,000 entries, and what each looks like once imported.
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "a%05d 10.1.%d.%d\n", i, int(i / 250), i % 250 }' >"$tmp/A"
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "b%05d 10.2.%d.%d\n", i, int(i / 250), i % 250 }' >"$tmp/B"
mkdir -p "$tmp/ra"
fw-dns -R "$tmp/ra" import -r "$tmp/A"
cp "$tmp/ra/etc/mpfw/dns" tableA
# A table is written in fewer slices: slower ones, for a window as wide.
SLOWWRITE_PAUSE=100
export SLOWWRITE_PAUSE
took=$(micros $slow fw-dns -R "$tmp/ra" import -r "$tmp/B")
wrote=$(write_micros)
cp "$tmp/ra/etc/mpfw/dns" tableB
fw-dns import -r "$tmp/A"

# The import takes some tens of ms: kills land before, in and after it.
i=0 bad=0 early=0 late=0 inside=0
while [ $i -lt 30 ]; do
	# Always the other table: every import has a table to write.
	src=B
	! cmp -s tableB "$settings/dns" || src=A
	cp "$settings/dns" before
	how=kill_during max=$((took * 2 + 1000))
	[ $((i % 4)) -lt 2 ] || how=kill_inside max=$((wrote / 2 + 1))
	$how $max fw-dns import -r "$tmp/$src"
	kills=$((kills + 1))
	killed_inside && inside=$((inside + 1))
	if cmp -s "table$src" "$settings/dns"; then
		late=$((late + 1))
	elif cmp -s before "$settings/dns"; then
		early=$((early + 1))
	else
		bad=$((bad + 1))
	fi
	fw-dns list >/dev/null 2>&1 || bad=$((bad + 1))
	i=$((i + 1))
done
check "30 imports of 20,000 entries killed at random: table A or B ($bad bad)" \
    'test $bad = 0'

check "some kills left the table as it was, some imported ($early before, $late after)" \
    'test $early -gt 0 && test $late -gt 0'

check "and at least 8 landed inside the write ($inside)" 'test $inside -ge 8'

src=B
! cmp -s tableB "$settings/dns" || src=A
check 'the next import goes through and leaves no temporary file' '
	fw-dns import -r "$tmp/$src" && same "table$src" "$settings/dns" &&
	test -z "$(ls -A "$settings" | grep mpfw-tmp)"'

check "at least 50 kills in all ($kills)" 'test $kills -ge 50'
