#!/bin/sh -e
# fw-ups as master, against the real NUT: the shipped units, with the
# driver pointed at dummy-ups and the shutdown command at a recorder
# through units.d, start the driver, upsd and upsmon; upsc and fw-ups
# status agree; slaves log in from their addresses only; changes are
# made live without losing the monitoring; no password leaks.
. ./nut.sh
nut_namespace "$0" "$@"
. ./lib.sh
nut_setup
plan 24

port=$(free_port)
dev=$tmp/ups.dev
admin_pw='Adm1n!pw;x'
slave_pw='sl@ve$pw{1}'
# A driver option in NUT's quoting: one value, nothing smuggled.
odd='Evil"#\x[y]'
ups_state "$dev" "ups.status: OL" "battery.charge: 87" \
    "battery.runtime: 1800" "ups.load: 23" "input.voltage: 230.4"

cat >"$tmp/render-ups-conf" <<X
#!/bin/sh
fw-ups render ups.conf | sed -e 's|^	driver = .*|	driver = "dummy-ups"|' \
    -e 's|^	port = .*|	port = "$dev"|'
X
cat >"$tmp/render-upsmon-conf" <<X
#!/bin/sh
fw-ups render upsmon.conf |
    sed -e 's|^SHUTDOWNCMD .*|SHUTDOWNCMD "$tmp/shutdown"|'
X
printf '#!/bin/sh\necho shutdown >>%s/shutdown.log\n' "$tmp" >"$tmp/shutdown"
chmod 755 "$tmp/render-ups-conf" "$tmp/render-upsmon-conf" "$tmp/shutdown"

# The shipped NUT units: the rest is theirs, nut-ctl included, which
# finds this root's files through FW_ROOT and the daemons' state through
# NUT_STATEPATH.
# nut-mode's nut.conf is the shipped unit's, untouched.
only_units nut-driver nut-server nut-access nut-monitor nut-mode
cat >"$settings/units.d/test.conf" <<X
unit nut-driver {
	render = '$tmp/render-ups-conf'
	target = '/etc/nut/ups.conf'
	mode   = '0640'
}
unit nut-monitor {
	render = '$tmp/render-upsmon-conf'
	target = '/etc/nut/upsmon.conf'
	mode   = '0640'
}
X

ctl() { "$FW_DATADIR/nut-ctl" "$@" 2>/dev/null || :; }
cleanup() {
	ctl upsmon stop
	ctl upsd stop
	ctl driver stop
	nut_umount
}

upsd_pid=$state/upsd.pid
drv_pid=$state/dummy-ups-myups.pid
mon_pid=/run/nut/upsmon.pid
ask() { upsc "myups@${2:-127.0.0.1}:$port" "$1" 2>/dev/null; }
# is VAR VALUE: upsd says so (wait_for polls it).
is() { test "$(ask "$1")" = "$2"; }

fw-svc set lan_ip=127.0.0.5
printf '%s\n' "$admin_pw" | fw-ups passwd admin_password
printf '%s\n' "$slave_pw" | fw-ups passwd slave_password

check 'master mode with every field it needs is taken' '
	fw-ups set mode=master model=generic-usb-hid port=usb0 \
	    admin_user=admin slave_user=slave slaves=127.0.0.2 \
	    upsd_port="$port" "params=pollinterval=1 override.ups.mfr=$odd"'

check 'the first apply starts the driver, upsd and upsmon' '
	traced_apply && alive "$drv_pid" && alive "$upsd_pid" &&
	alive "$mon_pid" && grep -qx MODE=netserver "$FW_ROOT/etc/nut/nut.conf"'

check 'upsd serves the dummy UPS (upsc)' '
	wait_for 15 is ups.status OL &&
	test "$(ask battery.charge)" = 87'

check 'fw-ups status shows what upsc shows, and exits 0 on line power' '
	fw-ups status >out &&
	printf "%s\n" ups.status battery.charge battery.runtime ups.load \
	    input.voltage >want && cut -f1 out >names && same want names &&
	while IFS="	" read -r name value; do
		test "$(ask "$name")" = "$value" ||
		    { echo "$name: $value, upsc: $(ask "$name")"; exit 1; }
	done <out'

check 'status -n is one Nagios line with performance data' '
	fw-ups status -n >out && test "$(wc -l <out)" = 1 &&
	has out "^UPS OK - OL, charge 87%, runtime 1800s, load 23%, voltage 230.4 V | charge=87%;;;0;100 runtime=1800s;;;0 load=23%;;;0 voltage=230.4;;;0\$"'

check 'a driver option with quotes, # and \ reaches the driver whole' '
	test "$(ask ups.mfr)" = "$odd" &&
	test "$(ask driver.parameter.pollinterval)" = 1'

check 'upsd listens on the internal address for the slaves too' '
	test "$(ask ups.status 127.0.0.5)" = OL'

check 'the firewall'\''s own monitor is logged in to upsd' '
	wait_for 10 sh -c "upsc -c myups@127.0.0.1:$port | grep -qx 127.0.0.1"'

check 'the slave account logs in from an allowed address' '
	test "$(nut_login 127.0.0.2 127.0.0.5 "$port" slave "$slave_pw")" = \
	    "OK OK OK OK Goodbye "'

check 'but not from elsewhere, nor with a wrong password' '
	nut_login 127.0.0.3 127.0.0.5 "$port" slave "$slave_pw" >out &&
	has out "ERR ACCESS-DENIED" &&
	nut_login 127.0.0.2 127.0.0.5 "$port" slave wrong >out &&
	has out "ERR ACCESS-DENIED"'

check 'the daemons run as nut and read the 0640 root:nut files' '
	for f in ups.conf upsd.conf upsd.users upsmon.conf; do
		test "$(stat -c "%a %U %G" "$FW_ROOT/etc/nut/$f")" = \
		    "640 root nut" || { echo "$f"; exit 1; }
	done &&
	test "$(stat -c "%a %U %G" "$FW_ROOT/etc/nut/nut.conf")" = \
	    "644 root root" &&
	test "$(ps -o user= -p "$(pid_of "$upsd_pid")")" = nut &&
	test "$(ps -o user= -p "$(pid_of "$drv_pid")")" = nut'

check 'no password is in the argv of any command fw-apply ran' '
	grep -q "execve(\"/lib/nut/upsd\"" "$tmp/exec.log" &&
	grep -q "fw-ups\", \"render\", \"upsd.users\"" "$tmp/exec.log" &&
	! grep -F -e "$admin_pw" -e "$slave_pw" "$tmp/exec.log"'

# Nor in fw-apply's generations (var/lib/mpfw), which keep only salted
# fingerprints of secrets (fw-apply(1)).
check 'no password in any file but the 0640 NUT files and the secrets' '
	grep -rlF -e "$admin_pw" -e "$slave_pw" "$FW_ROOT" | sort >out &&
	printf "%s\n" "$FW_ROOT/etc/mpfw/secrets/ups" \
	    "$FW_ROOT/etc/nut/upsd.users" | sort >want && same want out'

check 'on battery, status exits 1 (WARNING)' '
	ups_state "$dev" "ups.status: OB DISCHRG" "battery.charge: 60" &&
	wait_for 15 fails 1 fw-ups status -n >out &&
	fw-ups status -n | grep -q "^UPS WARNING - OB DISCHRG, charge 60%"'

ups_state "$dev" "ups.status: OL" "battery.charge: 87" \
    "battery.runtime: 1800" "ups.load: 23" "input.voltage: 230.4"
wait_for 15 fw-ups status >/dev/null || :
upsd=$(pid_of "$upsd_pid") mon=$(pid_of "$mon_pid") drv=$(pid_of "$drv_pid")
check 'a new slave: upsd is reloaded, not restarted, and upsmon stays' '
	fw-ups set "slaves=127.0.0.2 127.0.0.3" && fw-apply -v >out &&
	has out "^nut-access	reload\$" &&
	test "$(pid_of "$upsd_pid")" = "$upsd" &&
	test "$(pid_of "$mon_pid")" = "$mon" &&
	test "$(pid_of "$drv_pid")" = "$drv" &&
	test "$(nut_login 127.0.0.3 127.0.0.5 "$port" slave "$slave_pw")" = \
	    "OK OK OK OK Goodbye "'

check 'a new internal address: upsd restarts to listen there, upsmon stays' '
	fw-svc set lan_ip=127.0.0.6 && fw-apply -v >out &&
	has out "^nut-server	reload\$" &&
	test "$(pid_of "$upsd_pid")" != "$upsd" &&
	test "$(pid_of "$mon_pid")" = "$mon" &&
	wait_for 15 is ups.status OL &&
	test "$(ask ups.status 127.0.0.6)" = OL &&
	test -z "$(ask ups.status 127.0.0.5)"'
upsd=$(pid_of "$upsd_pid")

check 'fw-apply -n shows the NUT files'\'' changes, never a password' '
	printf "%s\n" "n3w-Adm1n" | fw-ups passwd admin_password &&
	fw-apply -n >out && has out "^nut-server	reload\$" &&
	has out "the unit carries a secret: its contents are not shown" &&
	! grep -F -e n3w-Adm1n -e "$admin_pw" out && fw-apply &&
	test "$(pid_of "$upsd_pid")" = "$upsd" &&
	wait_for 10 sh -c "upsc -c myups@127.0.0.1:$port | grep -qx 127.0.0.1"'

check 'a new driver option restarts the driver alone, upsd serves on' '
	fw-ups set "params=pollinterval=2 override.ups.mfr=$odd" &&
	fw-apply -v >out &&
	has out "^nut-driver	restart\$" &&
	test "$(pid_of "$drv_pid")" != "$drv" && alive "$drv_pid" &&
	test "$(pid_of "$upsd_pid")" = "$upsd" &&
	test "$(pid_of "$mon_pid")" = "$mon" &&
	wait_for 15 is driver.parameter.pollinterval 2 &&
	test "$(ask ups.status)" = OL'

# A unit whose file upsd refuses: check-nut catches it before install.
cat >"$settings/units.d/zz-broken.conf" <<X
unit nut-server {
	file upsd.conf {
		render = 'fw-ups render upsd.conf; echo "BOGUS 1"'
		target = '/etc/nut/upsd.conf'
		mode   = '0640'
	}
	file upsd.users {
		render = 'fw-ups render upsd.users'
		target = '/etc/nut/upsd.users'
		mode   = '0640'
	}
}
X
cp "$FW_ROOT/etc/nut/upsd.conf" was.conf
check 'a file upsd refuses fails the check: exit 3, its message, nothing installed' '
	fw-ups set upsd_port='"$(free_port)"' &&
	fails 3 fw-apply 2>err && has err "nut-server: check failed" &&
	has err "invalid directive BOGUS 1" &&
	same was.conf "$FW_ROOT/etc/nut/upsd.conf" &&
	test "$(pid_of "$upsd_pid")" = "$upsd" && test "$(ask ups.status)" = OL'
rm "$settings/units.d/zz-broken.conf"
fw-ups set upsd_port="$port"

check 'mode=none stops upsmon, upsd and the driver' '
	fw-ups set mode=none && fw-apply && gone "$mon_pid" &&
	gone "$upsd_pid" && ! ls "$state"/*-*.pid 2>/dev/null &&
	grep -qx MODE=none "$FW_ROOT/etc/nut/nut.conf"'

check 'and fw-ups status then has no UPS to ask: exit 3' '
	fails 3 fw-ups status 2>err && has err "mode=none: no UPS to ask"'

check 'mode=master again starts them all on a soft apply' '
	fw-ups set mode=master && fw-apply && alive "$mon_pid" &&
	alive "$upsd_pid" && alive "$drv_pid" &&
	wait_for 15 is ups.status OL'

# Last, as upsmon exits once it has started the shutdown.
flag=$FW_ROOT/etc/killpower
check 'on low battery: status exits 2, CRITICAL' '
	test ! -e "$tmp/shutdown.log" && test ! -e "$flag" &&
	ups_state "$dev" "ups.status: OB LB" "battery.charge: 5" \
	    "battery.runtime: 60" &&
	wait_for 15 fails 2 fw-ups status -n >out &&
	fw-ups status -n | grep -q "^UPS CRITICAL - .*OB LB, charge 5%"'

check 'and upsmon, the primary, writes POWERDOWNFLAG and runs the shutdown command' '
	grep -qx "POWERDOWNFLAG \"$flag\"" "$FW_ROOT/etc/nut/upsmon.conf" &&
	wait_for 30 test -s "$tmp/shutdown.log" && test -f "$flag" &&
	has "$flag" upsmon-shutdown-file'
