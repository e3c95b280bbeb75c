#!/bin/sh -e
# IRC end to end: the real ngIRCd, started and restarted by fw-apply
# through units.d on a 127.0.0.2 high port, clients speaking IRC over
# nc and python.  Its restart drops the clients: a soft apply defers it.
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP runs daemons as root"; exit 0; }
. ./lib.sh
plan 10

chmod 711 "$tmp"		# ngIRCd drops to the user irc
run=$tmp/run
mkdir -m 777 "$run"
port=$(free_port)
actions=$tmp/actions
: >"$actions"

cat >"$tmp/ngircdctl" <<X
#!/bin/sh
# ngircdctl start|stop|restart [CONF]
pid=$run/ngircd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.02; done
	rm -f \$pid
}
start() {
	ngircd --config "\$1" </dev/null >>$run/ngircd.log 2>&1 || exit 1
	while ! nc -z "\$(fw-svc get lan_ip)" $port; do sleep 0.02; done
}
echo "\$1" >>$actions
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
esac
X
chmod +x "$tmp/ngircdctl"

# The shipped unit with the test's port and pid file in the rendered file.
only_units ngircd
cat >"$settings/units.d/test.conf" <<X
unit ngircd {
	render  = 'fw-svc render ngircd | sed "s/^	Ports = 6667\\\$/	Ports = $port/; s|^	PidFile = .*|	PidFile = $run/ngircd.pid|"'
	target  = '/etc/ngircd/ngircd.conf'
	restart = '$tmp/ngircdctl restart %t'
	start   = '$tmp/ngircdctl start %t'
	stop    = '$tmp/ngircdctl stop'
}
X
cleanup() { "$tmp/ngircdctl" stop; }

# ircclient HOST NICK [-- COMMAND...]: register, print the welcome (001);
# with a command, run it while registered, then show the server still
# answers a PING on the same connection.
cat >"$tmp/ircclient" <<'X'
#!/usr/bin/env python3
import socket, subprocess, sys

host, nick, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.create_connection((host, port), 10)
f = s.makefile("r", encoding="utf-8", errors="replace")
def until(code):
    for line in f:
        if line.split()[1:2] == [code]:
            return line.strip()
    raise EOFError("closed before " + code)
s.sendall(("NICK %s\r\nUSER %s 0 * :mpfw test\r\n" % (nick, nick)).encode())
print(until("001"))
if sys.argv[4:5] == ["--"]:
    r = subprocess.run(sys.argv[5:])
    print("command exit", r.returncode)
    s.sendall(b"PING :still-there\r\n")
    print(until("PONG"))
    sys.exit(r.returncode)
X
chmod +x "$tmp/ircclient"
welcome() { "$tmp/ircclient" 127.0.0.2 "$1" "$port"; }
ngircd_pid() { cat "$run/ngircd.pid"; }

fw-svc set lan_ip=127.0.0.2 domain=example.lan
fw-apply

check 'irc=yes and an apply start ngIRCd on lan_ip' '
	fw-svc enable irc && fw-apply && test "$(cat $actions)" = start &&
	kill -0 "$(ngircd_pid)" && fails 1 nc -z 127.0.0.1 $port'

check 'a client registers and gets the welcome (001) from the firewall' '
	welcome alice >out &&
	has out "^:firewall.example.lan 001 alice :Welcome to the Internet Relay Network alice!"'

pid=$(ngircd_pid)
: >"$actions"
check 'hostname and a soft apply: the restart is deferred, a client stays' '
	"$tmp/ircclient" 127.0.0.2 bob $port -- \
	    sh -c "fw-svc set hostname=gw && fw-apply" >out &&
	has out "^command exit 0" && has out "PONG .*still-there" &&
	test ! -s "$actions" && test "$(ngircd_pid)" = "$pid"'

check 'fw-apply status says so; the running server keeps its name' '
	fails 1 fw-apply status >out && has out "^deferred	ngircd	restart\$" &&
	has "$FW_ROOT/etc/ngircd/ngircd.conf" "^	Name = gw.example.lan\$" &&
	welcome carol >out && has out "^:firewall.example.lan 001 "'

check 'the full apply restarts it under the new name' '
	fw-apply -f && test "$(cat $actions)" = restart &&
	test "$(ngircd_pid)" != "$pid" &&
	welcome dave >out && has out "^:gw.example.lan 001 dave "'

check 'and nothing is deferred after it' '
	fw-apply status >out && ! test -s out'

check 'a second soft apply with nothing changed touches nothing' '
	: >"$actions" && fw-apply && test ! -s "$actions"'

check 'irc=no stops it, irc=yes starts it' '
	p=$(ngircd_pid) && fw-svc disable irc && fw-apply &&
	! kill -0 $p 2>/dev/null && fails 1 nc -z 127.0.0.2 $port &&
	fw-svc enable irc && fw-apply &&
	test "$(cat $actions | tr "\n" " ")" = "stop start " &&
	welcome erin >/dev/null'

check 'ngIRCd reports a bad setting but exits 0: the check still fails' '
	cat >"$settings/units.d/zz-broken.conf" <<-Y &&
	unit ngircd {
		render = '"'"'fw-svc render ngircd; printf "\\tNoSuchSetting = 1\\n"'"'"'
		target = '"'"'/etc/ngircd/ngircd.conf'"'"'
	}
	Y
	cp "$FW_ROOT/etc/ngircd/ngircd.conf" before &&
	fw-svc set hostname=gw2 && fails 3 fw-apply 2>err &&
	has err "ngircd: check failed" && has err "Unknown variable \"NoSuchSetting\"" &&
	same before "$FW_ROOT/etc/ngircd/ngircd.conf"'
rm "$settings/units.d/zz-broken.conf"

check 'the shipped file passes ngircd --configtest as it is' '
	fw-svc render ngircd >shipped.conf &&
	"$FW_DATADIR/check-ngircd" shipped.conf'
