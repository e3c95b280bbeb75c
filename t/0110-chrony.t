#!/bin/sh -e
# NTP (issue 11): chronyd, rendered by fw-svc and made live by fw-apply,
# serves the time to lan_nets, dmz_net and extra_net and to nobody else,
# takes its own from ntp_servers, and with ntp=no serves nobody.  In a
# network namespace of the test's own (t/ns.sh): a client bound to
# 127.0.0.1 is in an allowed network, one bound to 127.0.0.2 is not,
# until dmz_net names it.
. ./ns.sh
. ./lib.sh
plan 12

run=$FW_ROOT/run/chrony
mkdir -p "$run" "$FW_ROOT/var/lib/chrony"
chmod 700 "$run"
port=$(free_port)

# The unit's restart, pointed at a chronyd of this test: it does not set
# the clock (-x), runs as root, logs to a file, and is stopped by pid.
cat >"$tmp/chronyctl" <<X
#!/bin/sh
pid=$run/chronyd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done
}
case \$1 in
stop) stop ;;
restart)
	stop
	chronyd -x -u root -f "\$2" -l $tmp/chronyd.log </dev/null || exit 1
	while ! running; do sleep 0.02; done ;;
esac
X
chmod +x "$tmp/chronyctl"
only_units chrony
cat >"$settings/units.d/test.conf" <<X
unit chrony {
	restart = '$tmp/chronyctl restart %t'
}
X
cleanup() { "$tmp/chronyctl" stop; }

# asks FROM: a chronyd client bound to FROM gets the time from ours.
asks() {
	chronyd -Q -t 3 "bindacqaddress $1" \
	    "server 127.0.0.1 port $port iburst maxsamples 1" >/dev/null 2>&1
}
pid() { cat "$run/chronyd.pid"; }
sources() { chronyc -n -h "$run/chronyd.sock" sources; }

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32 ntp_port="$port" \
    ntp_servers='127.0.0.3 ntp.example.org'

check 'the first apply starts chronyd, checked by its own parser' '
	fw-apply && test -s "$run/chronyd.pid" &&
	chronyd -p -f "$FW_ROOT/etc/chrony/chrony.conf" >/dev/null'

check 'a client in lan_nets gets the time' 'asks 127.0.0.1'

check 'a client of another network gets no answer' '! asks 127.0.0.2'

check 'the firewall takes its own time from ntp_servers, a name as a pool' '
	sources >out && has out "127\.0\.0\.3" &&
	has "$FW_ROOT/etc/chrony/chrony.conf" "^server 127\.0\.0\.3 iburst\$" &&
	has "$FW_ROOT/etc/chrony/chrony.conf" "^pool ntp\.example\.org iburst\$"'

p=$(pid)
check 'dmz_net is served too: a soft apply restarts chronyd, which serves on' '
	fw-svc set dmz_net=127.0.0.2/32 && fw-apply -n >out &&
	has out "^chrony	restart\$" && fw-apply && test "$(pid)" != "$p" &&
	asks 127.0.0.2 && asks 127.0.0.1'

check 'and so is extra_net, one allow a network' '
	fw-svc set dmz_net= extra_net="127.0.0.2/32 10.0.0.0/8" && fw-apply &&
	asks 127.0.0.2 &&
	test "$(grep -c "^allow " "$FW_ROOT/etc/chrony/chrony.conf")" = 3'

check 'a new upstream server is taken at the soft apply' '
	fw-svc set ntp_servers=127.0.0.4 && fw-apply && sources >out &&
	has out "127\.0\.0\.4" && ! grep -q "127\.0\.0\.3" out'

check 'ntp=no: nobody gets the time, the port is closed, the clock still kept' '
	fw-svc disable ntp && fw-apply && ! asks 127.0.0.1 &&
	! grep -q ":$(printf %04X "$port") " /proc/net/udp /proc/net/udp6 &&
	sources >out && has out "127\.0\.0\.4"'

check 'ntp=yes again serves again' '
	fw-svc enable ntp && fw-apply && asks 127.0.0.1'

check 'a bad upstream server is refused, naming it, the file untouched' '
	cp "$settings/services" before &&
	fails 1 fw-svc set "ntp_servers=ntp.example.org 300.1.2.3" 2>err &&
	has err "ntp_servers=300.1.2.3: must be a host name" &&
	same before "$settings/services"'

check 'names and addresses are stored in their normal form' '
	fw-svc set "ntp_servers=NTP.Example.org, FD00:0::1" &&
	test "$(fw-svc get ntp_servers)" = "ntp.example.org fd00::1"'

check 'ntp_port is a port a service listens on: no other port key may hold it' '
	fails 1 fw-svc set ntp_port=22222 2>err && has err "ssh_maint_port"'
