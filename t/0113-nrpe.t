#!/bin/sh -e
# The Nagios agent (issue 11): NRPE, rendered by fw-svc and made live by
# fw-apply, listens on lan_ip and nagios_port, answers check_nrpe from
# nagios_from only, and runs each of its commands as the user nagios:
# the disk temperature against disk_temp_warn and disk_temp_crit (a
# drivetemp disk on a fake /sys/class/hwmon), SMART as smartd reported
# it, the TG-Pro server, the load, the disks, a pending apply and the
# UPS.  In a network and mount namespace of the test's own (t/ns.sh).
. ./ns.sh
. ./lib.sh
plan 20

# NRPE runs its commands as nagios, which must read the settings.
chmod 755 "$tmp"
port=$(free_port)
run=$FW_ROOT/run/nagios
mkdir -p "$run" "$FW_ROOT/var/lib/smartmontools"

# A drivetemp disk, sda, at 38 C (t/0150-fw-sensors.t, DAEMONS.md).
mount -t tmpfs -o mode=755 fake /sys/class
f=/sys/class/fake hw=/sys/class/hwmon/hwmon0
mkdir -p "$f/bus/scsi" "$f/devices/0:0:0:0/block/sda" "$hw"
ln -s "$f/bus/scsi" "$f/devices/0:0:0:0/subsystem"
echo drivetemp >"$hw/name"
echo 38000 >"$hw/temp1_input"
ln -s "$f/devices/0:0:0:0" "$hw/device"

# Debian's smartd-runner, which mails what smartd reports, records it.
ns_overlay /usr/share/smartmontools
printf '#!/bin/sh\necho "$SMARTD_FAILTYPE $SMARTD_DEVICE" >>%s/runner\n' \
    "$tmp" >/usr/share/smartmontools/smartd-runner

cat >"$tmp/nrpectl" <<X
#!/bin/sh
pid=$run/nrpe.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done; rm -f \$pid
}
start() {
	nrpe -c "\$1" -d </dev/null >/dev/null 2>&1 || exit 1
	while ! running; do sleep 0.02; done
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/nrpectl"
only_units nrpe
cat >"$settings/units.d/test.conf" <<X
unit nrpe {
	restart = '$tmp/nrpectl restart %t'
	start   = '$tmp/nrpectl start %t'
	stop    = '$tmp/nrpectl stop'
}
X
cleanup() { "$tmp/nrpectl" stop; }

# ask [CMD [FROM]]: check_nrpe asks our agent, from address FROM.
ask() {
	/usr/lib/nagios/plugins/check_nrpe -H 127.0.0.1 -p "$port" \
	    -b "${2:-127.0.0.1}" ${1:+-c "$1"}
}
# says STATUS PATTERN CMD: CMD's answer exits STATUS and says PATTERN.
says() {
	_st=0
	ask "$3" >out 2>&1 || _st=$?
	[ "$_st" = "$1" ] || { echo "$3: exit $_st, not $1" >&2; cat out >&2; return 1; }
	has out "$2"
}

check 'nagios=yes with no nagios_from is refused, naming both' '
	fails 1 fw-svc set nagios=yes 2>err &&
	has err "nagios=yes: needs nagios_from, which is empty"'

fw-svc set lan_ip=127.0.0.1 nagios_from=127.0.0.1/32 nagios_port="$port" \
    nagios=yes

check 'the apply starts the agent, its file passing the check' '
	fw-apply && test -s "$run/nrpe.pid" &&
	"$FW_DATADIR/check-nrpe" "$FW_ROOT"'

# The root stands for /: its sudoers drop-in is where sudo reads them,
# in the test's own mount namespace.
mount --bind "$FW_ROOT/etc/sudoers.d" /etc/sudoers.d

check 'it answers check_nrpe from nagios_from' 'says 0 "^NRPE v4" ""'

check 'it refuses any other address' '
	! ask check_load 127.0.0.2 >out 2>&1 && ! grep -q LOAD out'

check 'it listens on lan_ip only' '
	! /usr/lib/nagios/plugins/check_nrpe -H 127.0.0.2 -p "$port" >out 2>&1 &&
	has out "Connection refused"'

check 'check_disk_temp: a disk below disk_temp_warn is OK' '
	says 0 "^SENSORS OK" check_disk_temp && has out "sda=38;50;60"'

check 'above disk_temp_warn it is WARNING' '
	echo 55000 >"$hw/temp1_input" &&
	says 1 "^SENSORS WARNING - sda 55" check_disk_temp'

check 'above disk_temp_crit it is CRITICAL' '
	echo 61000 >"$hw/temp1_input" &&
	says 2 "^SENSORS CRITICAL - sda 61" check_disk_temp'

check 'the thresholds follow the keys, with no apply: the agent asks fw-sensors' '
	fw-svc set disk_temp_crit=70 && says 1 "sda=61;50;70" check_disk_temp'

check 'check_apply: a setting saved but not applied is WARNING, naming the unit' '
	says 0 "^APPLY OK" check_apply &&
	fw-svc set nagios_from="127.0.0.1/32 192.0.2.0/24" &&
	says 1 "^APPLY WARNING - pending nrpe" check_apply'

check 'sudo lets nagios run that command line and no other' '
	su -s /bin/sh nagios -c "sudo -n -l" >out 2>&1 &&
	test "$(grep -c "NOPASSWD" out)" = 1 &&
	! su -s /bin/sh nagios -c "sudo -n $top/bin/fw-apply -R $FW_ROOT" 2>/dev/null'

check 'and OK once applied' '
	fw-apply && says 0 "^APPLY OK" check_apply'

check 'check_smart: OK while smartd reported no problem' '
	says 0 "^SMART OK" check_smart'

check 'CRITICAL with the problem smartd handed to smart-report' '
	SMARTD_DEVICE=/dev/sda SMARTD_FAILTYPE=Health \
	    SMARTD_MESSAGE="Device: /dev/sda [SAT], FAILED SMART self-check. BACK UP DATA NOW!" \
	    "$FW_DATADIR/smart-report" &&
	says 2 "^SMART CRITICAL - sda: Health Device: /dev/sda \[SAT\], FAILED" check_smart'

check 'smart-report hands the problem on to Debian'"'"'s smartd-runner, the mail' '
	has "$tmp/runner" "^Health /dev/sda\$"'

check 'check_load and check_disk answer as plugins' '
	for c in check_load check_disk; do
		st=0; ask $c >out 2>&1 || st=$?
		test $st -le 2 && grep -Eq "^(LOAD|DISK) (OK|WARNING|CRITICAL)" out || exit 1
	done'

check 'check_tgpro: only with tgpro_ip; OK when it answers, CRITICAL when not' '
	says 3 "Command .check_tgpro. not defined" check_tgpro &&
	fw-svc set tgpro_ip=127.0.0.5 && fw-apply && says 0 "^PING OK" check_tgpro &&
	fw-svc set tgpro_ip=10.66.0.9 && fw-apply && ! ask check_tgpro >/dev/null'

check 'check_ups: only with a UPS (fw-ups mode); it runs fw-ups status -n' '
	says 3 "Command .check_ups. not defined" check_ups &&
	echo pw | fw-ups passwd master_password &&
	fw-ups set mode=slave master=myups@127.0.0.1:1 master_user=mon && fw-apply &&
	says 3 "^UPS UNKNOWN - 127.0.0.1 port 1: Connection refused" check_ups'

check 'disk_temp=no and disk_smart=no take their commands away' '
	fw-svc set disk_temp=no disk_smart=no && fw-apply &&
	says 3 "not defined" check_disk_temp && says 3 "not defined" check_smart'

check 'nagios=no stops the agent' '
	fw-svc disable nagios && fw-apply && test ! -e "$run/nrpe.pid" &&
	! ask "" >/dev/null 2>&1'
