#!/bin/sh -e
# fw-apply start, the late boot hook (fw-apply(1), BOOT): the daemons that
# run made those of the current generation, each unit that is on
# started, each that is off stopped, by their own commands; the systemd
# unit and the init script that run it.
. ./lib.sh
plan 9

only_units
log=$tmp/log
cat >"$settings/units.d/test.conf" <<X
unit on1 {
	inputs = {services}
	render = 'echo on1'
	target = '/etc/on1'
	check  = 'true'
	reload = 'true'
	start  = 'echo start on1 >>$log'
	stop   = 'echo stop on1 >>$log'
	soft   = reload
	enable = 'services.ntp'
}
unit off1 {
	inputs = {services}
	render = 'echo off1'
	target = '/etc/off1'
	check  = 'true'
	reload = 'true'
	start  = 'echo start off1 >>$log'
	stop   = 'echo stop off1 >>$log'
	soft   = reload
	enable = 'services.irc'
}
unit always {
	render = 'echo always'
	target = '/etc/always'
	check  = 'true'
	reload = 'true'
	start  = 'echo start always >>$log'
	soft   = reload
}
unit quiet {
	render = 'echo quiet'
	target = '/etc/quiet'
	check  = 'true'
	reload = 'true'
	soft   = reload
}
X
fw-svc enable ntp && fw-svc disable irc
fw-apply
# A unit added since: never applied.
cat >>"$settings/units.d/test.conf" <<X
unit later {
	render = 'echo later'
	target = '/etc/later'
	check  = 'true'
	reload = 'true'
	start  = 'echo start later >>$log'
	soft   = reload
}
X
rm -f "$log"

check 'start starts the units that are on and stops those that are off, each once' '
	fw-apply start >out 2>err && ! test -s out && ! test -s err &&
	printf "start on1\nstop off1\nstart always\n" >want && same want "$log"'

check 'a unit never applied, or without the command, is left alone' '
	! grep -q later "$log" && ! grep -q quiet "$log"'

check 'it follows the applied generation, not the settings saved since' '
	rm -f "$log" && fw-svc disable ntp && fw-svc enable irc &&
	fw-apply start && printf "start on1\nstop off1\nstart always\n" >want &&
	same want "$log" && fw-svc enable ntp && fw-svc disable irc'

check 'it installs nothing and makes no generation' '
	fw-apply log >before && rm -f "$FW_ROOT/etc/on1" && fw-apply start &&
	fw-apply log >after && same before after && test ! -e "$FW_ROOT/etc/on1" &&
	echo on1 >"$FW_ROOT/etc/on1"'

check '-v says each command it runs, one unit and action a line' '
	rm -f "$log" && fw-apply -v start >out &&
	printf "on1\tstart\noff1\tstop\nalways\tstart\n" >want && same want out'

cat >"$settings/units.d/zz-fail.conf" <<X
unit on1 {
	start  = 'echo start refused >&2; exit 4'
}
X
check 'a start that fails is named, the others still run, exit 3' '
	rm -f "$log" && fails 3 fw-apply start 2>err &&
	has err "on1: start failed (exit 4): start refused" &&
	printf "stop off1\nstart always\n" >want && same want "$log"'
rm "$settings/units.d/zz-fail.conf"

cat >"$settings/units.d/zz-absent.conf" <<X
unit off1 {
	stop   = 'echo "off1: unrecognized service" >&2; exit 1'
}
X
check 'a stop that fails, of a daemon that is off and not installed, is no error' '
	rm -f "$log" && fw-apply start 2>err && ! test -s err &&
	printf "start on1\nstart always\n" >want && same want "$log"'
rm "$settings/units.d/zz-absent.conf"

# The unit and the script as make built them.
unit=$top/bin/init/mpfw-start.service
script=$top/bin/init/mpfw-start
bindir=$(cat "$top/bin/init/.bindir")
check 'the unit and the script run BINDIR/fw-apply start, late: after the network and the services' '
	grep -qx "ExecStart=$bindir/fw-apply start" "$unit" &&
	grep -qx "Environment=PATH=$bindir:.*" "$unit" &&
	grep -qx "After=mpfw-boot.service network-online.target multi-user.target" "$unit" &&
	grep -qx "WantedBy=multi-user.target" "$unit" &&
	grep -qx "Type=oneshot" "$unit" &&
	sh -n "$script" && grep -qx "FW_APPLY=$bindir/fw-apply" "$script" &&
	grep -q "^# Provides: *mpfw-start\$" "$script" &&
	grep -q "^# Required-Start: .*\$network.* mpfw-boot\$" "$script" &&
	grep -q "^# Default-Start: *2 3 4 5\$" "$script"'

if command -v systemd-analyze >/dev/null; then
	check 'systemd-analyze verify finds nothing wrong with the unit' '
		sed "s|@BINDIR@|$top/bin|g" "$top/contrib/init/mpfw-start.service.in" \
		    >mpfw-start.service &&
		systemd-analyze verify --man=no ./mpfw-start.service'
else
	skip 'systemd-analyze not installed (systemd)'
fi
