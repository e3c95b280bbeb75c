#!/bin/sh -e
# The serial console (issue 11): serial_console puts a login getty at
# 115200 baud on ttyS0 or ttyS1 into init's /etc/inittab, and `telinit q`
# makes init start it, or stop the one whose line went.  This machine
# runs no init of its own and has no serial port: a stand-in for init
# reads the installed table as init does for the gettys it respawns, and
# runs each on a pseudo-terminal standing for its port, whose output the
# test reads.  This is the sysvinit way; the shipped unit's choice
# between it and systemd's serial-getty@PORT is t/0118-service-manager.t.
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP agetty needs root"; exit 0; }
. ./lib.sh
plan 9

for port in ttyS0 ttyS1; do
	ptyrec "$tmp/$port.name" "$tmp/$port.out" &
	echo $! >"$tmp/$port.rec"
done
wait_for 5 test -s "$tmp/ttyS0.name" -a -s "$tmp/ttyS1.name"

# initctl reload TABLE: init's `telinit q` for the gettys on serial
# ports: a line whose command is new is started, on the pseudo-terminal
# of its port; a getty whose line went or changed is stopped, by pid.
mkdir "$tmp/init"
cat >"$tmp/initctl" <<X
#!/bin/sh
d=$tmp/init
grep -E '^[^#:]+:[0-9]*:respawn:.* ttyS[0-9] ' "\$2" >\$d/want || :
for p in \$d/*.pid; do
	[ -e "\$p" ] || continue
	id=\${p##*/}; id=\${id%.pid}
	grep -qxF "\$(cat \$d/\$id.line)" \$d/want && continue
	kill "\$(cat \$p)"
	while kill -0 "\$(cat \$p)" 2>/dev/null; do sleep 0.02; done
	rm -f \$p \$d/\$id.line
done
while IFS= read -r line; do
	id=\${line%%:*}
	[ -e \$d/\$id.pid ] && continue
	port=\$(echo "\$line" | grep -o 'ttyS[0-9]')
	tty=\$(sed 's,^/dev/,,' $tmp/\$port.name)
	cmd=\$(echo "\${line#*:*:*:}" | sed "s, \$port , \$tty ,")
	setsid \$cmd </dev/null >/dev/null 2>&1 &
	echo \$! >\$d/\$id.pid
	printf '%s\n' "\$line" >\$d/\$id.line
done <\$d/want
X
chmod +x "$tmp/initctl"
only_units serial-console
cat >"$settings/units.d/test.conf" <<X
unit serial-console {
	reload = '$tmp/initctl reload %t'
}
X
cleanup() {
	for p in "$tmp"/init/*.pid "$tmp"/*.rec; do
		[ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	:
}
getty_on() {
	for p in "$tmp"/init/*.pid; do
		[ -e "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null &&
		    grep -q "$1" "${p%.pid}.line" && return 0
	done
	return 1
}
inittab=$FW_ROOT/etc/inittab
fw-svc set lan_ip=127.0.0.1

check 'serial_console=off: init'"'"'s table has no getty on a serial port' '
	fw-apply && test -s "$inittab" && ! grep -q ttyS "$inittab" &&
	has "$inittab" "^1:2345:respawn:/sbin/getty --noclear 38400 tty1\$" &&
	! getty_on ttyS'

check 'ttyS0: a soft apply has init read the table again' '
	fw-svc set serial_console=ttyS0 && fw-apply -n >out &&
	has out "^serial-console	reload\$" && fw-apply &&
	has "$inittab" "^S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100\$"'

check 'and a getty asks for a login on ttyS0' '
	getty_on ttyS0 && wait_for 10 grep -q "login: " "$tmp/ttyS0.out"'

check 'switching to ttyS1 stops the getty on ttyS0 and starts one there' '
	p=$(cat "$tmp/init/S0.pid") && fw-svc set serial_console=ttyS1 &&
	fw-apply && ! kill -0 "$p" 2>/dev/null && ! getty_on ttyS0 &&
	getty_on ttyS1 && wait_for 10 grep -q "login: " "$tmp/ttyS1.out" &&
	test "$(grep -c "^S[0-9]:" "$inittab")" = 1'

check 'off stops it' '
	p=$(cat "$tmp/init/S1.pid") && fw-svc set serial_console=off &&
	fw-apply && ! kill -0 "$p" 2>/dev/null && ! getty_on ttyS'

check 'a port that is not one of the two is refused, naming them' '
	fails 1 fw-svc set serial_console=ttyS2 2>err &&
	has err "serial_console=ttyS2: must be one of: off ttyS0 ttyS1"'

check 'the check reads the table as init does: a good one passes' '
	fw-svc render inittab >good && "$FW_DATADIR/check-inittab" good'

check 'an id used twice, an unknown action or a missing getty fails it, naming the line' '
	{ cat good; echo "1:23:respawn:/sbin/getty 38400 tty9"; } >bad1 &&
	fails 1 "$FW_DATADIR/check-inittab" bad1 2>err && has err "id 1 used twice" &&
	{ cat good; echo "S0:2345:respwn:/sbin/agetty -L 115200 ttyS0 vt100"; } >bad2 &&
	fails 1 "$FW_DATADIR/check-inittab" bad2 2>err && has err "unknown action respwn" &&
	{ cat good; echo "S0:2345:respawn:/sbin/agety -L 115200 ttyS0 vt100"; } >bad3 &&
	fails 1 "$FW_DATADIR/check-inittab" bad3 2>err && has err "no program /sbin/agety"'

check 'a failing check installs nothing' '
	cp "$inittab" before &&
	printf "unit serial-console {\n\tcheck = %s\n}\n" "'"'"'false'"'"'" \
	    >"$settings/units.d/zz-check.conf" &&
	fw-svc set serial_console=ttyS0 && fails 3 fw-apply 2>/dev/null &&
	same before "$inittab" && ! getty_on ttyS && rm "$settings/units.d/zz-check.conf"'
