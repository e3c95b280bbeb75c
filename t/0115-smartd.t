#!/bin/sh -e
# SMART (issue 11): disk_smart runs smartd over every disk that supports
# SMART, from the rendered /etc/smartd.conf; its check is smartd's own
# parser (smartd -q showtests); disk_temp and the two temperatures
# decide what it reports of the disks' temperature.  A machine without
# any SMART disk (this virtual one) is no error: smartd starts, finds
# nothing, and exits 0.
. ./lib.sh
plan 8

run=$FW_ROOT/run
mkdir -p "$run"
# The unit's service control: Debian's init script in short, which runs
# smartd with the options of /etc/default/smartmontools.
cat >"$tmp/smartdctl" <<X
#!/bin/sh
pid=$run/smartd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done; rm -f \$pid
}
start() {
	. "$FW_ROOT/etc/default/smartmontools"
	smartd \$smartd_opts -c "\$1" --pidfile \$pid </dev/null \\
	    >$tmp/smartd.out 2>&1
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/smartdctl"
only_units smartd
cat >"$settings/units.d/test.conf" <<X
unit smartd {
	restart = '$tmp/smartdctl restart %t'
	start   = '$tmp/smartdctl start %t'
	stop    = '$tmp/smartdctl stop'
}
X
cleanup() { "$tmp/smartdctl" stop; }
conf=$FW_ROOT/etc/smartd.conf

check 'the configuration passes smartd -q showtests -c FILE' '
	fw-svc render smartd >smartd.conf && st=0 &&
	smartd -q showtests -c smartd.conf >out 2>&1 || st=$?
	{ test $st = 0 || test $st = 17; } &&
	has out "smartd.conf was parsed, found DEVICESCAN" &&
	! grep -Eqi "syntax error|unknown directive" out'

check 'a broken smartd.conf fails the check with smartd'"'"'s own words' '
	sed "s/-W 0,50,60/-W 0,fifty,60/" smartd.conf >bad.conf &&
	fails 1 "$FW_DATADIR/check-smartd" bad.conf 2>err &&
	has err "fifty" && "$FW_DATADIR/check-smartd" smartd.conf'

check 'every disk that supports SMART, with its problems handed to smart-report' '
	has smartd.conf "^DEVICESCAN -d removable -a " &&
	m=$(grep -o "\-M exec [^ ]*" smartd.conf | cut -d" " -f3) &&
	test "$m" = "$FW_DATADIR/smart-report" && test -x "$m"'

check 'disk_temp reports the temperature against disk_temp_warn and disk_temp_crit' '
	fw-svc set disk_temp_warn=45 disk_temp_crit=55 &&
	fw-svc render smartd | grep -q " -W 0,45,55 " &&
	fw-svc disable disk_temp && ! fw-svc render smartd | grep -q " -W "'

# Whether this machine has a disk that supports SMART: smartd says 17
# when it has none (a virtual machine, as CI's).
st=0
fw-svc render smartd >now.conf
smartd -q showtests -c now.conf >/dev/null 2>&1 || st=$?
check 'the apply starts smartd: a machine without SMART disks is no error' '
	fw-apply && has "$FW_ROOT/etc/default/smartmontools" "-q nodev0" &&
	if [ $st = 17 ]; then
		fails 17 smartd -c "$conf" --pidfile "$tmp/x.pid" &&
		! { test -s "$run/smartd.pid" && kill -0 "$(cat "$run/smartd.pid")"; }
	else
		kill -0 "$(cat "$run/smartd.pid")"
	fi'

check 'a change restarts it at the soft apply' '
	fw-svc enable disk_temp && fw-apply -n >out &&
	has out "^smartd	restart\$" && fw-apply && has "$conf" " -W 0,45,55 "'

check 'disk_smart=no stops it' '
	fw-svc disable disk_smart && fw-apply -n >out && fw-apply &&
	test ! -s "$run/smartd.pid"'

check 'a smartd.conf that fails its check is not installed' '
	cp "$conf" before && fw-svc enable disk_smart &&
	printf "unit smartd {\n\tcheck = %s\n}\n" "'"'"'\"\$FW_DATADIR/check-smartd\" $tmp/bad.conf'"'"'" \
	    >"$settings/units.d/zz-bad.conf" && fw-svc set disk_temp_warn=40 &&
	fails 3 fw-apply 2>err && has err "fifty" && same before "$conf" &&
	rm "$settings/units.d/zz-bad.conf"'
