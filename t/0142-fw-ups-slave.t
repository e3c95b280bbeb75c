#!/bin/sh -e
# fw-ups as slave, against the real NUT: a upsd of the test's own (the
# "master") serves a dummy UPS; the firewall's upsmon, configured by
# fw-ups and started by the shipped units, logs in there with the master
# credentials and runs the shutdown command (a recorder, set through
# units.d) when the UPS goes on low battery.  fw-ups status asks the
# master's UPS and exits as the monitoring plugins do.
. ./nut.sh
nut_namespace "$0" "$@"
. ./lib.sh
nut_setup
plan 20

mport=$(free_port)
master=$tmp/master
mstate=$tmp/mstate
dev=$tmp/ups.dev
pw='m0n;pw!'
mkdir -m 0700 "$master" "$mstate"
ups_state "$dev" "ups.status: OL" "battery.charge: 95" \
    "battery.runtime: 2400" "ups.load: 12" "input.voltage: 229.9"

# The master: its own configuration and state, run as root.
printf '[myups]\n\tdriver = dummy-ups\n\tport = "%s"\n\tpollinterval = 1\n' \
    "$dev" >"$master/ups.conf"
printf 'LISTEN 127.0.0.1 %s\n' "$mport" >"$master/upsd.conf"
users() {
	printf '[fw]\n\tpassword = "%s"\n\tupsmon secondary\n' "$1" \
	    >"$master/upsd.users"
}
users "$pw"
on_master() { env NUT_CONFPATH="$master" NUT_STATEPATH="$mstate" "$@"; }
master_start() {
	on_master /lib/nut/dummy-ups -a myups -u root >/dev/null 2>&1 &&
	on_master /lib/nut/upsd -u root >/dev/null 2>&1
}
master_stop() {
	for f in "$mstate"/upsd.pid "$mstate"/dummy-ups-myups.pid; do
		alive "$f" && kill "$(cat "$f")"
		while alive "$f"; do sleep 0.05; done
	done
	rm -f "$mstate"/*.pid
}
master_start

cat >"$tmp/render-upsmon-conf" <<X
#!/bin/sh
fw-ups render upsmon.conf |
    sed -e 's|^SHUTDOWNCMD .*|SHUTDOWNCMD "$tmp/shutdown"|'
X
printf '#!/bin/sh\necho shutdown >>%s/shutdown.log\n' "$tmp" >"$tmp/shutdown"
chmod 755 "$tmp/render-upsmon-conf" "$tmp/shutdown"
# nut-mode's nut.conf is the shipped unit's, untouched.
only_units nut-driver nut-server nut-access nut-monitor nut-mode
cat >"$settings/units.d/test.conf" <<X
unit nut-monitor {
	render = '$tmp/render-upsmon-conf'
	target = '/etc/nut/upsmon.conf'
	mode   = '0640'
}
X

cleanup() {
	"$FW_DATADIR/nut-ctl" upsmon stop 2>/dev/null || :
	master_stop
	nut_umount
}

mon_pid=/run/nut/upsmon.pid
# clients: the addresses logged in to the master's UPS.
logged_in() {
	upsc -c "myups@127.0.0.1:$mport" 2>/dev/null | grep -qx 127.0.0.1
}
status_is() {
	_want=$1
	shift
	fw-ups status "$@" >/dev/null 2>&1
	test $? = "$_want"
}

check 'slave mode with the master and its credentials is taken' '
	printf "%s\n" "$pw" | fw-ups passwd master_password &&
	fw-ups set mode=slave master=myups@127.0.0.1:$mport master_user=fw'

check 'the apply starts upsmon and nothing else' '
	traced_apply && alive "$mon_pid" && ! ls "$state"/*.pid 2>/dev/null'

check 'the master password is in the argv of no command fw-apply ran' '
	grep -q "execve(\"/lib/nut/upsmon\"" "$tmp/exec.log" &&
	grep -q "fw-ups\", \"render\", \"upsmon.conf\"" "$tmp/exec.log" &&
	! grep -F -e "$pw" "$tmp/exec.log"'

check 'upsmon renders as a secondary of the master, with its password' '
	grep -q "^MONITOR \"myups@127.0.0.1:$mport\" 1 \"fw\" \"m0n;pw!\" secondary\$" \
	    "$FW_ROOT/etc/nut/upsmon.conf" &&
	grep -qx "MODE=netclient" "$FW_ROOT/etc/nut/nut.conf" &&
	test "$(stat -c "%a %U %G" "$FW_ROOT/etc/nut/nut.conf")" = \
	    "644 root root"'

check 'the master password is only in upsmon.conf (0640 root:nut) and the secrets' '
	grep -rlF -e "$pw" "$FW_ROOT" | sort >out &&
	printf "%s\n" "$FW_ROOT/etc/mpfw/secrets/ups" \
	    "$FW_ROOT/etc/nut/upsmon.conf" | sort >want && same want out &&
	test "$(stat -c "%a %U %G" "$FW_ROOT/etc/nut/upsmon.conf")" = \
	    "640 root nut"'

check 'the firewall'\''s upsmon logs in to the master' '
	wait_for 15 logged_in'

check 'fw-ups status asks the master'\''s UPS: OL, exit 0' '
	wait_for 15 status_is 0 && fw-ups status >out &&
	has out "^ups.status	OL\$" && has out "^battery.charge	95\$"'

check 'a UPS named on the command line is asked instead' '
	fw-ups status -n myups@127.0.0.1:$mport >out &&
	has out "^UPS OK - OL, charge 95%" &&
	fails 3 fw-ups status nosuch@127.0.0.1:$mport 2>err &&
	has err "the UPS server says UNKNOWN-UPS"'

check 'a malformed target or a usage error exits 3 (UNKNOWN)' '
	fails 3 fw-ups status "myups@bad host" 2>err &&
	has err "the address must be" &&
	fails 3 fw-ups status a@b c@d 2>/dev/null &&
	fails 3 fw-ups status -x 2>/dev/null'

check 'a new password on both sides: upsmon is reloaded, and stays' '
	p=$(pid_of "$mon_pid") && users "n3w-pw" &&
	on_master /lib/nut/upsd -c reload &&
	echo n3w-pw | fw-ups passwd master_password &&
	fw-apply -v >out && has out "^nut-monitor	reload\$" &&
	test "$(pid_of "$mon_pid")" = "$p" && wait_for 15 logged_in'

check 'neither the old password nor the new is kept by a generation' '
	ls -d "$FW_ROOT"/var/lib/mpfw/gen.2 >/dev/null &&
	grep -rlF -e "$pw" -e n3w-pw "$FW_ROOT" | sort >out &&
	printf "%s\n" "$FW_ROOT/etc/mpfw/secrets/ups" \
	    "$FW_ROOT/etc/nut/upsmon.conf" | sort >want && same want out &&
	! grep -qF "$pw" "$FW_ROOT/etc/nut/upsmon.conf"'

check 'mode=none stops upsmon, slave again starts it' '
	fw-ups set mode=none && fw-apply && gone "$mon_pid" &&
	fw-ups set mode=slave && fw-apply && alive "$mon_pid" &&
	wait_for 15 logged_in'

check 'on battery: status exits 1, WARNING' '
	ups_state "$dev" "ups.status: OB DISCHRG" "battery.charge: 70" \
	    "battery.runtime: 900" &&
	wait_for 15 status_is 1 && fails 1 fw-ups status -n >out &&
	has out "^UPS WARNING - OB DISCHRG, charge 70%"'

check 'and upsmon has not shut the firewall down' '
	sleep 1 && test ! -e "$tmp/shutdown.log"'

check 'on low battery: status exits 2, CRITICAL' '
	ups_state "$dev" "ups.status: OB LB" "battery.charge: 8" \
	    "battery.runtime: 120" &&
	wait_for 15 status_is 2 && fails 2 fw-ups status -n >out &&
	has out "^UPS CRITICAL - OB LB, charge 8%, runtime 120s"'

check 'and the firewall'\''s upsmon runs the shutdown command' '
	wait_for 30 test -s "$tmp/shutdown.log"'

check 'replace battery on line power: exit 2 as well' '
	ups_state "$dev" "ups.status: OL RB" "battery.charge: 100" &&
	wait_for 15 status_is 2'

check 'back on line power: exit 0' '
	ups_state "$dev" "ups.status: OL" "battery.charge: 100" &&
	wait_for 15 status_is 0'

check 'the master stopped: status exits 3, UNKNOWN, saying why' '
	master_stop && fails 3 fw-ups status 2>err &&
	has err "127.0.0.1 port $mport: Connection refused" &&
	fails 3 fw-ups status -n >out && has out "^UPS UNKNOWN - 127.0.0.1 port $mport: Connection refused\$"'

# A server that takes the connection and never answers.
nc -l 127.0.0.1 "$mport" >/dev/null 2>&1 &
listener=$!
sleep 0.2
check 'one that never answers: exit 3 after the -t seconds' '
	start=$(date +%s) && fails 3 fw-ups status -t 1 2>err &&
	has err "timed out" && test $(( $(date +%s) - start )) -le 3'
kill "$listener" 2>/dev/null || :
