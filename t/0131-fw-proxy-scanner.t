#!/bin/sh -e
# The malware scanner with the real daemons: Squid's scanner port, c-icap's
# virus scanner and clamd, started and stopped by fw-apply, with a
# signature database the test writes itself (the EICAR test file's hash),
# so that clamd starts in a moment and nothing is downloaded.  One clamd
# for every check of the scanner, all in this file.
. ./lib.sh
root || skip_all 'not root: Squid and c-icap run as users of their own'
. "$top/t/proxy.sh"
plan 15

p1=$(free_port) ps=$(free_port) pi=$(free_port) o=$(free_port)
only_units c-icap squid pac
squid_units
proxy_units c-icap
cleanup() { stop_proxies; "$tmp/clamdctl" stop; stop_squids; stop_origins; }

# clamd, with the test's own database and a socket where c-icap's file
# says (under the root), controlled by the c-icap unit's start and stop
# as the shipped unit controls Debian's clamav-daemon.
mkdir "$tmp/clamdb" "$tmp/www"
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
    >"$tmp/www/eicar.com"
echo "$(md5sum <"$tmp/www/eicar.com" | cut -d' ' -f1):68:Mpfw-Test-EICAR" \
    >"$tmp/clamdb/mpfw-test.hdb"
head -c 300000 /dev/urandom >"$tmp/www/clean.bin"
# Two days old: Squid keeps them fresh for hours by Last-Modified.
touch -d "2 days ago" "$tmp/www/eicar.com" "$tmp/www/clean.bin"
cat >"$tmp/clamd.conf" <<X
LocalSocket $FW_ROOT/run/clamav/clamd.ctl
LocalSocketMode 666
DatabaseDirectory $tmp/clamdb
PidFile $tmp/clamd.pid
LogFile $tmp/clamd.log
Foreground yes
X
cat >"$tmp/clamdctl" <<X
#!/bin/sh
running() { [ -s $tmp/clamd.pid ] && kill -0 "\$(cat $tmp/clamd.pid)" 2>/dev/null; }
case \$1 in
start)
	running && exit 0
	mkdir -p "$FW_ROOT/run/clamav"
	clamd -c $tmp/clamd.conf >/dev/null 2>&1 &
	n=0
	while ! [ -S "$FW_ROOT/run/clamav/clamd.ctl" ] || ! running; do
		n=\$((n + 1)); [ \$n -lt 400 ] || exit 1; sleep 0.05
	done ;;
stop)
	running || exit 0
	p=\$(cat $tmp/clamd.pid); kill \$p
	while kill -0 \$p 2>/dev/null; do sleep 0.05; done ;;
esac
X
chmod +x "$tmp/clamdctl"
cat >"$settings/units.d/test-scanner.conf" <<X
unit c-icap {
	start = '$tmp/clamdctl start && "\$FW_DATADIR/proxyctl" c-icap start %t'
	stop  = '"\$FW_DATADIR/proxyctl" c-icap stop %t && $tmp/clamdctl stop'
}
X
start_www 127.0.0.1 "$o" "$tmp/www"

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32 domain=example.lan
fw-proxy set squid_port="$p1" scanner_port="$ps" icap_port="$pi" \
    transparent_port="$(free_port)" auto_proxy_http_port="$(free_port)" \
    cache_disk_mb=0 cache_mem_mb=8 max_object_mem_kb=512
fw-apply
log=$FW_ROOT/var/log/squid/access.log
# get PORT FILE: fetch FILE of the origin through the proxy on PORT into
# ./FILE; the status on stdout.
get() { curl -s -m 20 -o "$2" -w '%{http_code}' -x "127.0.0.1:$1" \
    "http://127.0.0.1:$o/$2"; }
running() { kill -0 "$1" 2>/dev/null; }

# c-icap started before clamd answers would pass everything unscanned.
cat >"$settings/units.d/zz-noclamd.conf" <<X
unit c-icap {
	start = 'CLAMD_WAIT=1 "\$FW_DATADIR/proxyctl" c-icap start %t'
}
X
check 'while clamd does not answer, c-icap is not started: exit 3, scanner off' '
	fw-proxy enable scanner && fails 3 fw-apply 2>err &&
	has err "c-icap: start failed" && has err "clamd does not answer" &&
	test -z "$(proxy_pid c-icap)" && closed 127.0.0.1 $ps &&
	! grep -q icap "$FW_ROOT/etc/squid/squid.conf"'
rm "$settings/units.d/zz-noclamd.conf"

check 'scanner=yes starts clamd and c-icap; Squid takes the scanner port' '
	! listening 127.0.0.1 $ps && fw-apply &&
	running "$(cat $tmp/clamd.pid)" && running "$(proxy_pid c-icap)" &&
	listening 127.0.0.1 $ps && listening 127.0.0.1 $pi'

check 'through squid_port the EICAR file arrives, twice: the second a cache hit' '
	test "$(get $p1 eicar.com)" = 200 && same "$tmp/www/eicar.com" eicar.com &&
	test "$(get $p1 eicar.com)" = 200 && same "$tmp/www/eicar.com" eicar.com &&
	wait_for 5 grep -q "TCP_[A-Z_]*HIT/200 .* GET http://127.0.0.1:$o/eicar.com" "$log"'

check 'through the scanner port it is blocked, cached or not: a page naming it' '
	test "$(get $ps eicar.com)" = 403 && has eicar.com "VIRUS FOUND" &&
	has eicar.com "Mpfw-Test-EICAR" &&
	wait_for 5 grep -q "TCP_MISS/403 .* GET http://127.0.0.1:$o/eicar.com" "$log"'

check 'through the scanner port a clean file arrives byte-identical' '
	test "$(get $ps clean.bin)" = 200 && same "$tmp/www/clean.bin" clean.bin'

check 'through squid_port the clean file too' '
	test "$(get $p1 clean.bin)" = 200 && same "$tmp/www/clean.bin" clean.bin'

check 'clamd was asked: its log has the find' '
	has "$tmp/clamd.log" "Mpfw-Test-EICAR.UNOFFICIAL FOUND"'

check 'with clamd gone, the scanner refuses the file rather than pass it' '
	"$tmp/clamdctl" stop && test "$(get $ps eicar.com)" != 200 &&
	! grep -q EICAR-STANDARD eicar.com && "$tmp/clamdctl" start &&
	test "$(get $ps eicar.com)" = 403 && has eicar.com "Mpfw-Test-EICAR"'

check 'fw-proxy probe of the scanner port: 1 for the EICAR file, 0 for the clean one' '
	fails 1 fw-proxy probe -p $ps http://127.0.0.1:$o/eicar.com >out &&
	has out "^status	403\$" &&
	fw-proxy probe -p $ps http://127.0.0.1:$o/clean.bin >out &&
	has out "^status	200\$"'

check 'auto_proxy_port may be the scanner port now; the PAC file offers it' '
	fw-proxy set auto_proxy=yes auto_proxy_port=$ps &&
	fw-proxy pac >pac.js && has pac.js "PROXY 127.0.0.1:$ps"'

check 'the scanner cannot be switched off while it is offered' '
	cp "$settings/proxy" before && fails 1 fw-proxy disable scanner 2>err &&
	has err "auto_proxy_port=$ps: scanner_port=$ps is the port of scanner, which is off (scanner=no)" &&
	same before "$settings/proxy" && fw-proxy set auto_proxy=no'

cp "$FW_ROOT/etc/c-icap/c-icap.conf" "$tmp/c-icap.was"
cat >"$settings/units.d/zz-broken.conf" <<X
unit c-icap {
	render = 'fw-proxy render c-icap; echo "virus_scan.NoSuchOption on"'
	target = '/etc/c-icap/c-icap.conf'
}
X
pid=$(proxy_pid c-icap) pi2=$(free_port)
check 'a file c-icap refuses fails the check with its message: exit 3, nothing changed' '
	fw-proxy set icap_port=$pi2 && fails 3 fw-apply 2>err && has err "c-icap: check failed" &&
	has err "NoSuchOption" && same "$tmp/c-icap.was" "$FW_ROOT/etc/c-icap/c-icap.conf" &&
	test "$(proxy_pid c-icap)" = "$pid" && listening 127.0.0.1 $pi'
rm "$settings/units.d/zz-broken.conf"

check 'a new ICAP port: a soft apply tells c-icap and Squid, and the scanner still blocks' '
	fw-apply && test "$(proxy_pid c-icap)" = "$pid" &&
	wait_for 10 listening 127.0.0.1 $pi2 && wait_for 10 closed 127.0.0.1 $pi &&
	test "$(get $ps eicar.com)" = 403 && has eicar.com "Mpfw-Test-EICAR"'

check 'scanner=no stops c-icap and clamd and frees the scanner and ICAP ports' '
	cpid=$(proxy_pid c-icap) && fw-proxy disable scanner && fw-apply &&
	! running "$cpid" && ! running "$(cat $tmp/clamd.pid)" &&
	wait_for 10 closed 127.0.0.1 $ps && wait_for 10 closed 127.0.0.1 $pi2 &&
	! grep -q "icap\|$ps" "$FW_ROOT/etc/squid/squid.conf"'

check 'Squid goes on serving, unscanned' '
	test "$(get $p1 eicar.com)" = 200 && same "$tmp/www/eicar.com" eicar.com'
