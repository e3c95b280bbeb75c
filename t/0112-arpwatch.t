#!/bin/sh -e
# arpwatch (issue 11): fw-apply starts arpwatch, as Debian's init script
# does from the rendered /etc/default/arpwatch, on the interface that
# carries lan_ip, found at apply time; it records a new station and
# reports it, and a changed address, by mail.  The internal network is
# a veth pair of the test's own: this end in the test's network
# namespace (t/ns.sh), the other, the station, in one more.  The
# shipped unit's choice between the init script and systemd's
# arpwatch@IFACE instances is t/0118-service-manager.t.
. ./ns.sh
. ./lib.sh
plan 8

ns_sendmail
# arpwatch drops to its user, which must reach its data directory, as
# Debian's /var/lib/arpwatch, and mails as that user.
chmod 755 "$tmp"
chmod 1777 "$tmp/mail"
data=$FW_ROOT/var/lib/arpwatch
mkdir -p "$data"
chown arpwatch "$data"

unshare -n sleep 600 &
station=$!
wait_for 5 sh -c "test \"\$(readlink /proc/$station/ns/net)\" != \"\$(readlink /proc/self/ns/net)\""
at_station() { nsenter -t "$station" -n "$@"; }
ip link add fwlan0 type veth peer name st0
ip link set st0 netns "$station"
ip addr add 10.77.0.1/24 dev fwlan0
ip link set fwlan0 up
at_station ip addr add 10.77.0.2/24 dev st0
at_station ip link set st0 address 02:00:00:00:77:02
at_station ip link set st0 up
at_station ip link set lo up

# The unit's service control, pointed at this test: Debian's init script
# in short.  It reads the rendered file, starts one arpwatch per
# interface of INTERFACES with the data file /var/lib/arpwatch/IFACE.dat
# (under the root), and stops each by its pid.
cat >"$tmp/arpwatchctl" <<X
#!/bin/sh
pids() { pgrep -x -f "/usr/sbin/arpwatch -u .* -f $data/[^ ]*\\.dat .*" || :; }
stop() {
	for p in \$(pids); do
		kill \$p
		while kill -0 \$p 2>/dev/null; do sleep 0.02; done
	done
}
start() {
	. "\$1"
	for i in \$INTERFACES; do
		: >>$data/\$i.dat
		chown "\$RUNAS" $data/\$i.dat
		/usr/sbin/arpwatch -u "\$RUNAS" -i \$i -f $data/\$i.dat \$ARGS \\
		    </dev/null >/dev/null 2>&1 || exit 1
	done
	while [ -z "\$(pids)" ]; do sleep 0.02; done
}
case \$1 in
start) start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/arpwatchctl"
only_units arpwatch
cat >"$settings/units.d/test.conf" <<X
unit arpwatch {
	restart = '$tmp/arpwatchctl restart %t'
	start   = '$tmp/arpwatchctl start %t'
	stop    = '$tmp/arpwatchctl stop'
}
X
cleanup() {
	"$tmp/arpwatchctl" stop
	kill "$station"
}
mails() { grep -l "$1" "$tmp"/mail/m.* 2>/dev/null; }
watching() { pgrep -x -f "/usr/sbin/arpwatch -u arpwatch -i $1 .*" >/dev/null; }

fw-svc set lan_ip=10.77.0.1 arpwatch=yes

check 'the apply names the interface that carries lan_ip' '
	fw-apply && has "$FW_ROOT/etc/default/arpwatch" "^INTERFACES=.fwlan0.\$"'

check 'and arpwatch watches it, as the user arpwatch' 'wait_for 5 watching fwlan0'

check 'a new station appearing on the network is reported by mail to root' '
	at_station ping -c 1 -W 2 10.77.0.1 >/dev/null &&
	wait_for 10 mails "^Subject: new station (10\.77\.0\.2)" &&
	m=$(mails "^Subject: new station (10\.77\.0\.2)") &&
	has "$m" "ethernet address: 02:00:00:00:77:02\$" && has "$m" "^To: root\$"'

check 'a changed MAC address is reported' '
	at_station ip link set st0 address 02:00:00:00:77:99 &&
	at_station ip neigh flush all &&
	at_station ping -c 1 -W 2 10.77.0.1 >/dev/null &&
	wait_for 10 mails "^Subject: changed ethernet address (10\.77\.0\.2)" &&
	m=$(mails "^Subject: changed ethernet address") &&
	has "$m" " ethernet address: 02:00:00:00:77:99\$" &&
	has "$m" "old ethernet address: 02:00:00:00:77:02\$"'

check 'arpwatch=no stops it, and its data file has recorded the station' '
	fw-svc disable arpwatch && fw-apply && ! watching fwlan0 &&
	has "$data/fwlan0.dat" "^02:00:00:00:77:99	10\.77\.0\.2	"'

check 'lan_ip on no interface: the apply stops before anything, naming it' '
	fw-svc set lan_ip=10.88.0.1 arpwatch=yes &&
	fails 3 fw-apply 2>err && has err "no interface carries lan_ip=10.88.0.1" &&
	! watching fwlan0'

check 'lan_ip on another interface: arpwatch follows it' '
	ip link add fwlan1 type veth peer name fwlan1p &&
	ip addr add 10.88.0.1/24 dev fwlan1 && ip link set fwlan1p up &&
	ip link set fwlan1 up && fw-apply &&
	has "$FW_ROOT/etc/default/arpwatch" "^INTERFACES=.fwlan1.\$" &&
	wait_for 5 watching fwlan1 && ! watching fwlan0'

check 'the rendered file is the sh the init script sources' '
	sh -n "$FW_ROOT/etc/default/arpwatch" &&
	(. "$FW_ROOT/etc/default/arpwatch" && test "$ARGS" = "-N -p -s /usr/sbin/sendmail" &&
	test "$RUNAS" = arpwatch)'
