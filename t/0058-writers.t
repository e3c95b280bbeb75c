#!/bin/sh -e
# Every writer verb of every tool, against the lock and the -c countdown:
# during a countdown each is refused (exit 1) and changes nothing; with
# the lock held each waits, and goes on only once it is released; held
# past FW_LOCK_TIMEOUT, each gives up (exit 3); after an unconfirmed
# deadline each first has the apply rolled back, so that its own change
# is never dropped by that rollback; and when the rollback cannot run,
# each is refused.
. ./lib.sh

# The writers: fw-svc set reset enable disable passwd, fw-dns add set del
# import, fw-sensors add remove detect, fw-apply, fw-apply revert and
# fw-apply import.  prep N makes the state in which writer N changes
# something; writer N runs it; done N is true when its change is there.
names='svc-set svc-reset svc-enable svc-disable svc-passwd dns-add dns-set
dns-del dns-import sensors-add sensors-remove sensors-detect apply
apply-revert apply-import'
nwriters=$(echo $names | wc -w)
name() { echo $names | cut -d" " -f"$1"; }

# What fw-sensors needs: a modprobe that keeps a fake /sys/module.
sys=$tmp/sys
mkdir -p "$sys/module" "$tmp/bin"
cat >"$tmp/bin/modprobe" <<X
#!/bin/sh
case \$1 in -n) exit 0 ;; -r) rm -rf $sys/module/\$2; exit 0 ;; esac
mkdir -p $sys/module/\$1/holders && echo live >$sys/module/\$1/initstate
X
chmod +x "$tmp/bin/modprobe"
FW_MODPROBE=$tmp/bin/modprobe
FW_SYSFS=$sys
export FW_MODPROBE FW_SYSFS
detected=$top/t/sensors/debian12-fake-amd.out	# fam15h_power, k10temp

# The sensors unit too, as shipped but for its commands: each writer's
# change is then applied, and recorded, as on a firewall.
only_units sensors
hosts_unit "test ! -e $tmp/fail"
cat >"$settings/units.d/test.conf" <<X
unit sensors {
	check  = 'true'
	reload = 'true'
}
X

in_table() { fw-sensors list | grep -qx "$1"; }

prep() {
	case $(name "$1") in
	svc-set) fw-svc reset imap_max_conn ;;
	svc-reset) fw-svc set imap_max_conn=42 ;;
	svc-enable) fw-svc reset irc ;;
	svc-disable) fw-svc reset ntp ;;
	svc-passwd) fw-svc reset mysql_root_password ;;
	dns-add | dns-import) fw-dns del "w$1" 2>/dev/null || : ;;
	dns-set) fw-dns del "w$1" 2>/dev/null || :; fw-dns add "w$1" 10.0.0.1 ;;
	dns-del) fw-dns add "w$1" 10.0.0.1 2>/dev/null || : ;;
	sensors-add) fw-sensors remove -f coretemp ;;
	sensors-remove) in_table nct6775 || fw-sensors add nct6775 ;;
	sensors-detect) fw-sensors remove -f fam15h_power k10temp ;;
	apply) fw-dns add "w$1-$(date +%s%N)" 10.0.0.2 ;;
	apply-revert) fw-dns add "w$1-$(date +%s%N)" 10.0.0.3 ;;
	apply-import) fw-dns del "w$1" 2>/dev/null || :
		fw-apply export | sed "/^%settings dns\$/a w$1	10.0.0.4" >"$tmp/import" ;;
	esac >/dev/null 2>&1
}

writer() {
	case $(name "$1") in
	svc-set) fw-svc set imap_max_conn=43 ;;
	svc-reset) fw-svc reset imap_max_conn ;;
	svc-enable) fw-svc enable irc ;;
	svc-disable) fw-svc disable ntp ;;
	svc-passwd) echo "pw$1" | fw-svc passwd mysql_root_password ;;
	dns-add) fw-dns add "w$1" 10.0.0.5 ;;
	dns-set) fw-dns set "w$1" 10.0.0.6 ;;
	dns-del) fw-dns del "w$1" ;;
	dns-import) printf "w%s 10.0.0.7\n" "$1" | fw-dns import ;;
	sensors-add) fw-sensors add coretemp ;;
	sensors-remove) fw-sensors remove nct6775 ;;
	sensors-detect) fw-sensors detect "$detected" ;;
	apply) fw-apply ;;
	apply-revert) fw-apply revert -f ;;
	apply-import) fw-apply import -f "$tmp/import" ;;
	esac
}

done_() {
	case $(name "$1") in
	svc-set) test "$(fw-svc get imap_max_conn)" = 43 ;;
	svc-reset) ! grep -q "^imap_max_conn=" "$settings/services" ;;
	svc-enable) test "$(fw-svc get irc)" = yes ;;
	svc-disable) test "$(fw-svc get ntp)" = no ;;
	svc-passwd) fw-svc describe mysql_root_password | grep -q "^set	yes" ;;
	dns-add) test "$(fw-dns list "w$1")" = "w$1	10.0.0.5" ;;
	dns-set) test "$(fw-dns list "w$1")" = "w$1	10.0.0.6" ;;
	dns-del) ! fw-dns list "w$1" ;;
	dns-import) test "$(fw-dns list "w$1")" = "w$1	10.0.0.7" ;;
	sensors-add) in_table coretemp ;;
	sensors-remove) ! in_table nct6775 ;;
	sensors-detect) in_table fam15h_power && in_table k10temp ;;
	apply) ! fw-apply status | grep -q "^pending	" ;;
	apply-revert) ! fw-apply changes | grep -v "	(secret)	" ;;
	apply-import) fw-dns list "w$1" ;;
	esac >/dev/null 2>&1
}

# Every file of the root but the lock, and what it holds.
snapshot() {
	(cd "$FW_ROOT" && find . ! -name .lock | sort &&
	    find . -type f ! -name .lock | sort |
	    xargs sha256sum) >"$1"
}

# each [-o GLOBS | -x GLOBS] CMD...: CMD N for every writer N (only those
# whose name matches one of GLOBS, or all but those); says which failed.
each() {
	_only= _but=
	case $1 in
	-o) _only=$2; shift 2 ;;
	-x) _but=$2; shift 2 ;;
	esac
	_bad=
	for _i in $(seq $nwriters); do
		_en=$(name $_i)
		matches "$_en" "$_but" ||
		    { [ -n "$_only" ] && ! matches "$_en" "$_only"; } ||
		    "$@" $_i || _bad="$_bad $_en"
	done
	[ -z "$_bad" ] || { echo "failed for:$_bad"; return 1; }
}
matches() {
	set -f
	for _g in $2; do
		case $1 in $_g) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

plan 16

i=1
while [ $i -le $nwriters ]; do prep $i; i=$((i + 1)); done
fw-apply

changes() {
	prep "$1" && ! done_ "$1" && writer "$1" >/dev/null 2>"$tmp/err.$1" &&
	    done_ "$1" || { fw-apply changes; cat "$tmp/err.$1"; return 1; }
}
check 'each writer verb changes something, from the state prep makes' '
	each changes'

# ---- a countdown: every writer refused ----

i=1
while [ $i -le $nwriters ]; do prep $i; i=$((i + 1)); done
fw-dns add countdown 10.0.0.9
fw-apply -c 120 2>/dev/null
watcher=$(cut -d" " -f3 "$FW_ROOT/var/lib/mpfw/confirm")
cleanup() { kill "$watcher" 2>/dev/null || :; }

refused_now() {
	writer "$1" >/dev/null 2>"$tmp/err.$1"; _st=$?
	[ $_st = 1 ] && grep -q "an apply awaits confirmation, [0-9]* seconds left" "$tmp/err.$1" ||
	    { echo "$(name $1): exit $_st: $(cat "$tmp/err.$1")"; return 1; }
}
snapshot "$tmp/before"
check 'during a countdown every writer exits 1, saying how long it runs' '
	each refused_now'

check 'and nothing changed' '
	snapshot "$tmp/after" && same "$tmp/before" "$tmp/after"'
fw-apply confirm
cleanup() { :; }

# ---- the lock held: every writer waits ----

held() {
	rm -f "$tmp/held" "$tmp/release"
	flock "$settings/.lock" sh -c "touch $tmp/held
	    while [ ! -e $tmp/release ]; do sleep 0.02; done" &
	wait_for 5 test -e "$tmp/held"
}

waits() {
	prep "$1"
	held || return 1
	snapshot "$tmp/before"
	writer "$1" >/dev/null 2>"$tmp/err.$1" & _w=$!
	sleep 0.4
	if ! pid_alive $_w; then
		echo "$(name $1) did not wait: $(cat "$tmp/err.$1")"
		touch "$tmp/release"; wait; return 1
	fi
	snapshot "$tmp/after"
	touch "$tmp/release"
	wait $_w || { echo "$(name $1): $(cat "$tmp/err.$1")"; wait; return 1; }
	wait
	same "$tmp/before" "$tmp/after" && done_ "$1" ||
	    { echo "$(name $1): not done after the lock was released"; return 1; }
}
check 'with the lock held every writer waits, and goes on once it is released' '
	each waits'

gives_up() {
	snapshot "$tmp/before"
	(FW_LOCK_TIMEOUT=0.2; export FW_LOCK_TIMEOUT; writer "$1") \
	    >/dev/null 2>"$tmp/err.$1"; _st=$?
	snapshot "$tmp/after"
	[ $_st = 3 ] && grep -q "FW_LOCK_TIMEOUT" "$tmp/err.$1" &&
	    same "$tmp/before" "$tmp/after" ||
	    { echo "$(name $1): exit $_st: $(cat "$tmp/err.$1")"; return 1; }
}
check 'with the lock held past FW_LOCK_TIMEOUT every writer exits 3, changing nothing' '
	held && each gives_up; _r=$?; touch "$tmp/release"; wait; exit $_r'

gives_up_damaged() {
	writer "$1" >/dev/null 2>"$tmp/err.$1"; _st=$?
	[ $_st = 3 ] && grep -q "confirm: not a deadline and a generation" "$tmp/err.$1" ||
	    { echo "$(name $1): exit $_st: $(cat "$tmp/err.$1")"; return 1; }
}

# ---- after the deadline of a -c whose watcher died ----

# expired: the apply of a change, then one more, whose countdown ran out
# while no watcher was there to roll it back.
expired() {
	fw-apply status >/dev/null 2>&1 || :	# a record a refused writer left
	fw-apply >/dev/null 2>&1 &&
	fw-dns add "expired$1" 10.0.0.10 && fw-apply &&
	g=$(readlink "$FW_ROOT/var/lib/mpfw/current") &&
	echo "$(( $(date +%s) - 5 )) $g 0" >"$FW_ROOT/var/lib/mpfw/confirm"
}

settled_first() {
	prep "$1" && expired "$1" || return 1
	writer "$1" >/dev/null 2>"$tmp/err.$1"; _st=$?
	# The rollback came first: nothing is left to roll back, its own
	# change is gone, the writer's is there.  (Read without the tools,
	# which would settle the countdown themselves.)
	test ! -e "$FW_ROOT/var/lib/mpfw/confirm" &&
	! grep -q "^expired$1	" "$settings/dns" &&
	fw-apply log -n 3 | grep -q "unconfirmed rollback of $g" ||
	    { echo "$(name $1): exit $_st, not rolled back first";
	      cat "$tmp/err.$1"; return 1; }
	[ -n "${2-}" ] && return 0
	[ $_st = 0 ] && done_ "$1" ||
	    { echo "$(name $1): exit $_st, or its change lost";
	      cat "$tmp/err.$1"; return 1; }
}
rolled_back_first() { settled_first "$1" only; }

check 'after the deadline every writer has the apply rolled back first, and keeps its change' '
	each -x "apply apply-revert apply-import" settled_first'

check 'fw-apply and fw-apply import have it rolled back first too' '
	each -o "apply apply-import" rolled_back_first'

# Both go on after the rollback: fw-apply once died of SIGSEGV there
# (select_jobs started from the njobs the rollback left) and import
# leaked what it loaded again.
check 'and then go on, exit 0' '
	each -o "apply apply-import" settled_first'

# fw-apply revert too (it once took the lock, refused, before settling).
check 'and so does fw-apply revert' '
	each -o apply-revert settled_first'

# When the rollback cannot happen, no writer may go on: its change would
# be dropped by the rollback to come.  Here fw-apply cannot be found
# beside the tools, so the countdown cannot be settled.
mkdir "$tmp/lonely"
cp "$top/bin/fw-svc" "$top/bin/fw-dns" "$top/bin/fw-sensors" "$tmp/lonely"
refused_late() {
	snapshot "$tmp/before"
	(PATH=$tmp/lonely:$PATH; writer "$1") >/dev/null 2>"$tmp/err.$1"; _st=$?
	snapshot "$tmp/after"
	[ $_st = 1 ] && grep -q "was not confirmed in time and is not rolled back yet" \
	    "$tmp/err.$1" && same "$tmp/before" "$tmp/after" ||
	    { echo "$(name $1): exit $_st: $(cat "$tmp/err.$1")"; return 1; }
}
expired 0
check 'when it cannot be rolled back, every writer of fw-svc, fw-dns, fw-sensors exits 1' '
	each -x "apply*" refused_late && test -e "$FW_ROOT/var/lib/mpfw/confirm"'

# fw-apply settles it itself; when it cannot take the lock to, it does
# nothing.
check 'fw-apply, revert and import exit 3 when the lock keeps them from the rollback' '
	held && each -o "apply*" gives_up; _r=$?; touch "$tmp/release"; wait; exit $_r'

check 'fw-apply status then rolls it back' '
	fw-apply status >out 2>err; has out "^rolledback	" &&
	test ! -e "$FW_ROOT/var/lib/mpfw/confirm"'

check 'a damaged countdown record stops every writer with exit 3' '
	echo garbage >"$FW_ROOT/var/lib/mpfw/confirm" && snapshot "$tmp/before" &&
	each -x "apply*" gives_up_damaged && snapshot "$tmp/after" &&
	same "$tmp/before" "$tmp/after" && rm "$FW_ROOT/var/lib/mpfw/confirm"'

# A rollback that fails (the old file's reload fails): the apply stays
# live, unconfirmed.  The writer is told to look at fw-apply status.
check 'a rollback that failed is shown by fw-apply status, which exits 1' '
	expired 99 && touch "$tmp/fail" &&
	fw-svc get ntp >/dev/null 2>err; rm -f "$tmp/fail";
	has err "could not be rolled back: see fw-apply status" &&
	fails 1 fw-apply status >out &&
	has out "^unconfirmed	$g	.*	rollback failed\$"'

check 'fw-apply rollback then takes the unconfirmed apply back, and the line goes' '
	fw-apply rollback -f 2>/dev/null && fw-apply status >out; ! grep -q "^unconfirmed	" out &&
	! fw-dns list expired99 >/dev/null'

check 'a rolledback line stays until the next apply, which clears it' '
	expired 100 && fw-svc get ntp >/dev/null 2>&1 &&
	fails 1 fw-apply status >out && has out "^rolledback	$g	" &&
	fw-apply && fails 1 fw-apply status >out && has out "^rolledback	" &&
	fw-dns add cleared 10.0.0.11 && fw-apply && fw-apply status >out &&
	! grep -q "^rolledback	" out'
