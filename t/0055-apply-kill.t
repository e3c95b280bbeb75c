#!/bin/sh -e
# kill -9 of fw-apply at random instants, in every phase of an apply
# (render, check, store, record written, installing, reloading,
# committing, pruning).  Three units whose daemons log what they were told:
# the hashes of their files when reloaded or restarted.  After each kill
# `fw-apply status`, `fw-apply boot` or the next `fw-apply` recovers, and
# then for every unit the files installed are those its daemon was last
# told about, status says pending exactly the units whose files differ from
# what the settings render, nothing of the killed apply is left, and
# fw-apply goes on.
. ./lib.sh
plan 9

state=$FW_ROOT/var/lib/mpfw
stages=$FW_ROOT/run/mpfw
units=$settings/units.d
files="$FW_ROOT/etc/alpha/main.conf $FW_ROOT/etc/alpha/name.conf
    $FW_ROOT/etc/beta/hosts $FW_ROOT/etc/gamma.conf"

# The units' daemons: each logs the hashes of its files as it loads them,
# then takes a while, as a daemon does, so that kills land in the reloads.
cat >"$tmp/tell" <<X
#!/bin/sh
case \$1 in
alpha) f="\$FW_ROOT/etc/alpha/main.conf \$FW_ROOT/etc/alpha/name.conf" ;;
beta) f=\$FW_ROOT/etc/beta/hosts ;;
gamma) f=\$FW_ROOT/etc/gamma.conf ;;
esac
h=\$(sha256sum \$f | cut -c1-64)
echo \$h >>"$tmp/\$1.log"
sleep 0.01
X
chmod +x "$tmp/tell"

only_units
cat >"$units/kill.conf" <<X
unit alpha {
	inputs = {services}
	file main {
		render = 'fw-svc show'
		target = '/etc/alpha/main.conf'
	}
	file name {
		render = 'fw-svc get hostname'
		target = '/etc/alpha/name.conf'
	}
	check = 'touch %d/.checked && grep -q ^hostname= %f'
	reload = '$tmp/tell alpha'
	soft = reload
}
unit beta {
	inputs = {dns}
	render = 'fw-dns list'
	target = '/etc/beta/hosts'
	check = 'touch %d/.checked'
	reload = '$tmp/tell beta'
	soft = reload
}
unit gamma {
	inputs = {services}
	render = 'fw-svc get imap_max_conn'
	target = '/etc/gamma.conf'
	check = 'touch %d/.checked && test -s %f'
	restart = '$tmp/tell gamma'
	soft = restart
}
X
# Few generations, so that most applies prune one.
FW_KEEP_GENERATIONS=3
export FW_KEEP_GENERATIONS

# installed: "unit hashes" of the files installed, a line per unit.
installed() {
	sha256sum $files 2>/dev/null | awk -v r="$FW_ROOT" '
	    { h[$2] = $1 }
	    END { print "alpha", h[r "/etc/alpha/main.conf"], h[r "/etc/alpha/name.conf"]
		  print "beta", h[r "/etc/beta/hosts"]
		  print "gamma", h[r "/etc/gamma.conf"] }'
}
# told: "unit hashes", what each daemon was told last.
told() {
	awk '{ last[FILENAME] = $0 }
	    END { for (u in last) { f = u; sub(/.*\//, "", f); sub(/\.log$/, "", f)
		print f, last[u] } }' "$tmp"/*.log | sort
}
# rendered: what the settings as they are make of each unit's files (the
# values are bare words: what `get` prints is what follows the = of show).
rendered() {
	fw-svc show >show
	sed -n 's/^hostname=//p' show >name
	sed -n 's/^imap_max_conn=//p' show >imap
	echo "alpha $(sha256sum show name | cut -c1-64 | tr '\n' ' ' | sed 's/ $//')"
	echo "beta $(fw-dns list | sha256sum | cut -c1-64)"
	echo "gamma $(sha256sum <imap | cut -c1-64)"
}
current() { readlink "$state/current" 2>/dev/null || echo gen.0; }
rand() { echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 )); }
now_us() { echo $(( $(date +%s%N) / 1000 )); }

# Every process the killed fw-apply started carries this in its
# environment: they run on after it dies, as daemons' reloads would, and
# the recovery starts when they are done.
mark=MPFW_T0055=$tmp
wait_orphans() {
	_n=0
	while grep -qsxz "$mark" /proc/[0-9]*/environ && [ $_n -lt 500 ]; do
		sleep 0.01
		_n=$((_n + 1))
	done
}

# Every daemon was told about the files it has.
all_told() {
	installed >inst
	told >told
	same inst told
}
# status (its output in $1, its exit in $2) says pending exactly the units
# whose files differ from what the settings render, and nothing else.
status_true() {
	installed >inst
	rendered >want
	_want=$(paste -d'|' inst want | awk -F'|' '$1 != $2 {
	    split($1, w, " "); printf " %s", w[1] }')
	_got=$(awk -F'\t' '$1 == "pending" { printf " %s", $2 }' "$1")
	[ "$_got" = "$_want" ] || {
		echo "status says pending:$_got; files differ:$_want"; return 1; }
	[ "$2" = "$([ -n "$_want" ] && echo 1 || echo 0)" ] || {
		echo "status exit $2, files differ:$_want"; return 1; }
	! grep -v '^pending	\|^stale	' "$1" || return 1
}
# Nothing left of an interrupted apply.
leftovers() {
	{ ls -A "$state"; ls -A "$stages" 2>/dev/null; } |
	    grep '^txn$\|^stage\.\|^\.gen\.tmp\.'
}

fw-svc set hostname=h0 imap_max_conn=2
fw-dns add first 10.1.0.1
check 'the units apply and each daemon is told about its files' '
	fw-apply && all_told && fw-apply status'

# How long a whole apply of the three units takes, in microseconds.
fw-svc set hostname=h1 imap_max_conn=3
fw-dns add second 10.1.0.2
t0=$(now_us)
fw-apply
took=$(( $(now_us) - t0 ))
all_told >/dev/null 2>&1
# How many turns of a shell loop make a millisecond, to aim kills at the
# few milliseconds of the install.
n=0 t0=$(now_us)
while [ $n -lt 20000 ]; do n=$((n + 1)); done
per_ms=$(( 20000 * 1000 / ($(now_us) - t0 + 1) + 1 ))
echo "# a whole apply takes $((took / 1000)) ms; $per_ms loop turns a ms"

round=0 kills=0 missed=0 early_left=0
bad_told=0 bad_status=0 bad_left=0 bad_next=0
ph_start=0 ph_render=0 ph_check=0 ph_store=0 ph_txn=0 ph_install=0
ph_reload=0 ph_commit=0 ph_prune=0
start=$(date +%s)
while [ $kills -lt 200 ] && [ $round -lt 500 ]; do
	round=$((round + 1))
	# New settings: alpha's always, beta's and gamma's one round in two.
	r=$(rand 4)
	if [ $((r & 1)) = 1 ]; then
		fw-svc set hostname=h$round imap_max_conn=$((round % 99 + 1))
	else
		fw-svc set hostname=h$round
	fi
	[ $((r & 2)) = 0 ] ||
	    fw-dns add host$round 10.2.$((round / 250)).$((round % 250))
	gen0=$(current)
	obj0=$(ls -A "$state/objects" 2>/dev/null | wc -l)
	installed >inst0
	told >told0

	# The kill: at a random instant of the apply; one round in eight a
	# random few milliseconds after the record is written, in the
	# install or the first reload, and every other one of those at
	# once, in the narrow window before the first install (a slow
	# build, make asan, made it rare enough to miss); one in eight as
	# the store takes its first new object; one in eight just after the
	# new generation is in place, in the commit or the prune.
	if [ $((round % 8)) = 1 ]; then
		if [ $((round % 16)) = 1 ]; then
			spin=$(rand $((per_ms / 4 + 1)))
		else
			spin=$(rand $((per_ms * 12)))
		fi
		env "$mark" fw-apply >/dev/null 2>&1 &
		pid=$!
		while ! test -e "$state/txn" && kill -0 $pid 2>/dev/null; do :; done
		n=0
		while [ $n -lt $spin ]; do n=$((n + 1)); done
	elif [ $((round % 8)) = 3 ]; then
		# as soon as the store has a new object, before the record
		env "$mark" fw-apply >/dev/null 2>&1 &
		pid=$!
		while [ "$(ls -A "$state/objects" 2>/dev/null | wc -l)" = "$obj0" ] &&
		    ! test -e "$state/txn" && kill -0 $pid 2>/dev/null; do :; done
	elif [ $((round % 8)) = 5 ]; then
		spin=$(rand $((per_ms * 4)))
		g1=$state/gen.$((${gen0#gen.} + 1))
		env "$mark" fw-apply >/dev/null 2>&1 &
		pid=$!
		while ! test -f "$g1" && kill -0 $pid 2>/dev/null; do :; done
		n=0
		while [ $n -lt $spin ]; do n=$((n + 1)); done
	else
		# one, two or three units to apply
		delay=$(rand $((took * (2 + (r & 1) + (r >> 1)) / 4)))
		env "$mark" fw-apply >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
	fi
	kill -9 $pid 2>/dev/null || :
	st=0
	wait $pid 2>/dev/null || st=$?
	wait_orphans

	# Where it was killed, from what it left.
	if [ $st != 137 ]; then
		phase=missed
	elif [ "$(current)" != "$gen0" ]; then
		if test -e "$state/txn"; then phase=commit; else phase=prune; fi
	elif test -e "$state/txn"; then
		phase=txn
		installed | cmp -s - inst0 || phase=install
		told | cmp -s - told0 || phase=reload
		# the new generation in place, not yet current
		for g in "$state"/gen.*; do
			[ "${g##*/gen.}" -le "${gen0#gen.}" ] || phase=commit
		done
	elif [ "$(ls -A "$state/objects" 2>/dev/null | wc -l)" != "$obj0" ]; then
		phase=store
	elif ls -A "$stages" 2>/dev/null | grep -q '^stage\.'; then
		phase=render
		! ls "$stages"/stage.*/*/.checked >/dev/null 2>&1 || phase=check
	else
		phase=start
	fi
	if [ $phase = missed ]; then
		missed=$((missed + 1))
	else
		kills=$((kills + 1))
		eval "ph_$phase=\$((ph_$phase + 1))"
	fi
	rec=no
	! test -e "$state/txn" || rec=yes
	# The range of random instants follows the apply's own time, which
	# the machine's load changes: about one in twelve is too late.
	case $((round % 8)).$phase in
	1.*|5.*) ;;
	*.missed) took=$((took * 9 / 10)) ;;
	*)	took=$((took * 101 / 100)) ;;
	esac

	# The recovery: status, boot or the next apply, in turn.
	: >why
	case $((round % 3)) in
	0)	st=0
		fw-apply status >status.out 2>status.err || st=$?
		status_true status.out $st >>why 2>&1 ||
		    bad_status=$((bad_status + 1)) ;;
	1)	fw-apply boot >out 2>&1 || { echo "boot failed:" >>why
		    cat out >>why; bad_next=$((bad_next + 1)); }
		st=0
		fw-apply status >status.out 2>status.err || st=$?
		status_true status.out $st >>why 2>&1 ||
		    bad_status=$((bad_status + 1)) ;;
	2)	fw-apply >out 2>&1 || { echo "apply failed:" >>why
		    cat out >>why; bad_next=$((bad_next + 1)); }
		st=0
		fw-apply status >status.out 2>status.err || st=$?
		{ [ $st = 0 ] && status_true status.out $st; } >>why 2>&1 ||
		    bad_status=$((bad_status + 1)) ;;
	esac
	all_told >>why 2>&1 || bad_told=$((bad_told + 1))
	if leftovers >left; then
		# status settles what a record names; a stage or generation
		# begun before the record or left after it are the next
		# apply's to sweep.
		case $((round % 3)).$rec in
		0.no)	early_left=$((early_left + 1)) ;;
		*)	{ echo "left behind:"; cat left; } >>why
			bad_left=$((bad_left + 1)) ;;
		esac
	fi
	if [ -s why ]; then
		echo "# round $round, killed in phase $phase:"
		sed 's/^/#   /' why status.out
	fi
done
took_all=$(( $(date +%s) - start ))
echo "# $kills kills in $round rounds ($missed too late), ${took_all}s:" \
    "start $ph_start, render $ph_render, check $ph_check, store $ph_store," \
    "record written $ph_txn, install $ph_install, reload $ph_reload," \
    "commit $ph_commit, prune $ph_prune; status left $early_left stages" \
    "outside a record to the next apply"

check "at least 200 kills of fw-apply ($kills)" 'test $kills -ge 200'
check "after each, every daemon was told about the files it has ($bad_told bad)" \
    'test $bad_told = 0'
check "status says pending exactly the units whose files differ ($bad_status bad)" \
    'test $bad_status = 0'
check "boot and the next fw-apply recover and succeed ($bad_next bad)" \
    'test $bad_next = 0'
check "nothing of a killed apply is left after the recovery ($bad_left bad)" \
    'test $bad_left = 0'
check "kills landed while installing ($ph_install) and reloading ($ph_reload)" \
    'test $ph_install -gt 0 && test $ph_reload -gt 0'
check "and before, in every other phase and after the commit" '
	test $ph_render -gt 0 && test $ph_check -gt 0 && test $ph_store -gt 0 &&
	test $ph_txn -gt 0 && test $((ph_commit + ph_prune)) -gt 0'

check 'a last apply leaves all live and no temporary file anywhere in the root' '
	fw-svc set hostname=last && fw-apply && fw-apply status && all_told &&
	test -z "$(leftovers)" &&
	test -z "$(find "$FW_ROOT" -name "*.mpfw-tmp.*" | tee /dev/stderr)"'
