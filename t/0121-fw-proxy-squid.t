#!/bin/sh -e
# fw-proxy with the real Squid, both instances, applied by fw-apply and
# controlled by squidctl, against an origin server on 127.0.0.1 that
# echoes the request headers it gets.
. ./lib.sh
root || skip_all 'not root: Squid runs as the proxy user, which squidctl gives its directories'
. "$top/t/proxy.sh"
plan 28

p1=$(free_port) p3=$(free_port) pt=$(free_port)
o1=$(free_port) o2=$(free_port)
only_units squid squid3
squid_units
cleanup() { stop_squids; stop_origins; }
start_origin 127.0.0.1 "$o1"
start_origin 127.0.0.1 "$o2"

# The firewall's address is 127.0.0.1, its one internal network 127.0.0.1
# alone, so a client on 127.0.0.2 is outside.
fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32 domain=example.lan
fw-proxy set squid_port="$p1" squid3_port="$p3" transparent_port="$pt" \
    auto_proxy_http_port="$(free_port)" cache_disk_mb=10 cache_mem_mb=8 \
    max_object_mem_kb=256

# get PORT URL [curl options]: the body, through the proxy on PORT.
get() { _p=$1 _u=$2; shift 2; curl -s -m 10 -x "127.0.0.1:$_p" "$@" "$_u"; }
code() { _p=$1 _u=$2; shift 2; curl -s -m 10 -o /dev/null -w '%{http_code}' \
    -x "127.0.0.1:$_p" "$@" "$_u"; }
log1=$FW_ROOT/var/log/squid/access.log

check 'the first apply starts squid, silently; squid3 stays off' '
	fw-apply >out 2>&1 && ! test -s out && kill -0 "$(squid_pid squid)" &&
	test ! -e "$FW_ROOT/run/squid3.pid"'

# squid_said: why a request through Squid failed, for the TAP log.
squid_said() {
	echo "curl exit $1; the end of Squid's cache.log:"
	tail -n 20 "$FW_ROOT/var/log/squid/cache.log"
	return 1
}
check 'a request through it arrives, with Squid in Via' '
	{ get $p1 http://127.0.0.1:$o1/ -H "X-Test: one" >out || squid_said $?; } &&
	has out "^X-Test: one\$" && has out "^Via: 1.1 firewall.example.lan"'

check 'fw-proxy probe: exit 0, the status and the proxy headers, one a line' '
	fw-proxy probe http://127.0.0.1:$o1/ >out &&
	has out "^proxy	127.0.0.1:$p1\$" && has out "^status	200\$" &&
	has out "^time	[0-9.]*\$" && has out "^header	Via	1.1 firewall" &&
	has out "^header	X-Origin	yes\$"'

check 'the access log has the request' '
	has "$log1" "TCP_MISS/200 .* GET http://127.0.0.1:$o1/"'

# max_object_kb, the largest object kept on disk: one above it is never
# kept, one below it is.  The memory cache takes neither (16 KB), and the
# files are two days old, so Squid holds them fresh without asking.
mkdir -p "$tmp/www"
head -c 20000 /dev/zero | tr "\0" s >"$tmp/www/small"
head -c 200000 /dev/zero | tr "\0" b >"$tmp/www/big"
touch -d "2 days ago" "$tmp/www/small" "$tmp/www/big"
ow=$(free_port)
start_www 127.0.0.1 "$ow" "$tmp/www"
check 'max_object_kb: an object above it is fetched again, one below it is a hit' '
	fw-proxy set max_object_kb=64 max_object_mem_kb=16 && fw-apply &&
	grep -qx "maximum_object_size 64 KB" "$FW_ROOT/etc/squid/squid.conf" &&
	for f in small big small big; do
		get $p1 http://127.0.0.1:$ow/$f >/dev/null || exit 1
	done &&
	wait_for 5 grep -q "TCP_[A-Z_]*HIT/200 .* GET http://127.0.0.1:$ow/small " "$log1" &&
	test "$(grep -c "TCP_[A-Z_]*MISS/200 .* GET http://127.0.0.1:$ow/big " "$log1")" = 2 &&
	! grep -q "HIT/200 .* GET http://127.0.0.1:$ow/big " "$log1" &&
	fw-proxy set max_object_mem_kb=256 && fw-apply'

pid=$(squid_pid squid)
check 'the header filter: only the allowed headers reach the origin' '
	fw-proxy set header_filter=yes "headers_allowed=Accept X-Keep" &&
	fw-apply && get $p1 http://127.0.0.1:$o1/ -H "X-Keep: kept" \
	    -H "X-Drop: dropped" -H "Cookie: c=1" >out &&
	has out "^X-Keep: kept\$" && ! grep -q "X-Drop\|Cookie" out &&
	has out "^Host: 127.0.0.1:$o1\$"'

check 'the filtered User-Agent is replaced by user_agent, quotes and all' '
	fw-proxy set "user_agent=Agent \"007\" \\ \${service_name} {x}" &&
	fw-apply && get $p1 http://127.0.0.1:$o1/ -A "client/1.0" >out &&
	grep -Fqx "User-Agent: Agent \"007\" \\ \${service_name} {x}" out'

check 'a POST body still arrives whole' '
	get $p1 http://127.0.0.1:$o1/ -d "a=1&b=2" >out &&
	has out "^Content-Length: 7\$"'

check 'with User-Agent allowed, the client own goes through' '
	fw-proxy set "headers_allowed=Accept X-Keep User-Agent" && fw-apply &&
	get $p1 http://127.0.0.1:$o1/ -A "client/1.0" >out &&
	has out "^User-Agent: client/1.0\$"'

check 'squid was reloaded for each change, never restarted' '
	test "$(squid_pid squid)" = "$pid"'

check 'a port not in http_ports: 403, and probe exits 1' '
	fw-proxy set "http_ports=80 $o1" && fw-apply &&
	test "$(code $p1 http://127.0.0.1:$o2/)" = 403 &&
	test "$(code $p1 http://127.0.0.1:$o1/)" = 200 &&
	fails 1 fw-proxy probe http://127.0.0.1:$o2/ >out &&
	has out "^status	403\$" && has out "^header	X-Squid-Error	ERR_ACCESS_DENIED"'

check 'CONNECT to a port not in https_ports: 403, and probe exits 1' '
	test "$(curl -s -m 10 -o /dev/null -w "%{http_connect}" -p \
	    -x 127.0.0.1:$p1 http://127.0.0.1:$o1/)" = 403 &&
	fails 1 fw-proxy probe https://127.0.0.1:$o1/ >out &&
	has out "^connect	403\$"'

check 'CONNECT to a port in https_ports opens the tunnel' '
	fw-proxy set "https_ports=443 $o1" && fw-apply &&
	get $p1 http://127.0.0.1:$o1/ -p -H "X-Tunnel: yes" >out &&
	has out "^X-Tunnel: yes\$" && ! grep -q "^Via:" out'

check 'a client outside the allowed networks gets 403' '
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.2)" = 403'

check 'client_nets lets it in' '
	fw-proxy set client_nets=127.0.0.2/32 && fw-apply &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.2)" = 200'

# fw-svc's networks are Squid's too: a change there reloads it.
check 'fw-svc dmz_net and extra_net let their clients in, by a reload of Squid' '
	pid=$(squid_pid squid) &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.5)" = 403 &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.6)" = 403 &&
	fw-svc set dmz_net=127.0.0.5/32 extra_net=127.0.0.6/32 && fw-apply -v >out &&
	has out "^squid	reload\$" && test "$(squid_pid squid)" = "$pid" &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.5)" = 200 &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.6)" = 200 &&
	fw-svc reset dmz_net extra_net && fw-apply &&
	test "$(code $p1 http://127.0.0.1:$o1/ --interface 127.0.0.5)" = 403'

# squid3, side by side, with its own filter: requests and replies.
fw-proxy set squid3=yes squid3_header_filter=yes \
    "squid3_request_headers=Accept X-Three" squid3_reply_headers=Content-Type
check 'squid3=yes starts the second instance beside the first' '
	fw-apply && kill -0 "$(squid_pid squid3)" &&
	test "$(squid_pid squid3)" != "$(squid_pid squid)" &&
	fw-proxy probe -p $p3 http://127.0.0.1:$o1/ >out &&
	has out "^proxy	127.0.0.1:$p3\$"'

check 'each filters by its own settings' '
	get $p3 http://127.0.0.1:$o1/ -H "X-Keep: k" -H "X-Three: 3" >out3 &&
	get $p1 http://127.0.0.1:$o1/ -H "X-Keep: k" -H "X-Three: 3" >out1 &&
	has out3 "^X-Three: 3\$" && ! grep -q X-Keep out3 &&
	has out1 "^X-Keep: k\$" && ! grep -q X-Three out1'

check 'squid3 passes on only the allowed reply headers, and keeps the body whole' '
	curl -s -i -m 10 -x 127.0.0.1:$p3 http://127.0.0.1:$o1/ >out3 &&
	curl -s -i -m 10 -x 127.0.0.1:$p1 http://127.0.0.1:$o1/ >out1 &&
	! grep -qi "^X-Origin" out3 && has out3 "^Content-Length:" &&
	has out3 "^peer: 127.0.0.1" && grep -qi "^X-Origin: yes" out1'

check 'each instance logs to its own access log' '
	has "$FW_ROOT/var/log/squid3/access.log" "GET http://127.0.0.1:$o1/" &&
	test "$(grep -c . "$FW_ROOT/var/log/squid3/access.log")" -lt \
	    "$(grep -c . "$log1")"'

check 'log_mime=yes logs the request headers' '
	fw-proxy set log_mime=yes && fw-apply &&
	get $p1 http://127.0.0.1:$o1/mime -H "X-Keep: logged-header" >/dev/null &&
	wait_for 5 grep -q "/mime.*logged-header" "$log1"'

check 'log_access=no logs nothing more' '
	fw-proxy set log_access=no && fw-apply && n=$(wc -l <"$log1") &&
	get $p1 http://127.0.0.1:$o1/unlogged >/dev/null && sleep 0.5 &&
	! grep -q unlogged "$log1" && fw-proxy set log_access=yes log_mime=no &&
	fw-apply'

# A keep-alive connection across a soft apply: two requests on one socket.
cat >"$tmp/keepalive.py" <<'X'
import socket, sys, subprocess
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def get():
    s.sendall(("GET http://127.0.0.1:%s/ HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n"
               "X-Keep: k\r\n\r\n" % (sys.argv[2], sys.argv[2])).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            sys.exit("the connection was closed")
        buf += d
    head, body = buf.split(b"\r\n\r\n", 1)
    n = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
         if l.lower().startswith(b"content-length:")][0]
    while len(body) < n:
        d = s.recv(65536)
        if not d:
            sys.exit("the connection was closed")
        body += d
    print(head.split(b"\r\n")[0].decode())
    print(body.decode(), end="")
get()
sys.stdout.flush()
if subprocess.call(sys.argv[3], shell=True) != 0:
    sys.exit("the apply failed")
get()
X
pid=$(squid_pid squid)
check 'a soft apply keeps a keep-alive connection; its next request sees the change' '
	/usr/bin/python3 "$tmp/keepalive.py" $p1 $o1 \
	    "fw-proxy set \"headers_allowed=Accept\" && fw-apply" >out &&
	test "$(grep -c "^HTTP/1.1 200 OK" out)" = 2 &&
	test "$(grep -c "^X-Keep: k" out)" = 1 &&
	test "$(squid_pid squid)" = "$pid"'

cp "$FW_ROOT/etc/squid/squid.conf" "$tmp/squid.conf.was"
check 'disk caches larger than the free space: fw-apply exits 3, nothing changes' '
	fw-proxy set cache_disk_mb=16000000 && fails 3 fw-apply 2>err &&
	has err "cache_disk_mb=16000000: the disk caches of squid and squid3" &&
	same "$tmp/squid.conf.was" "$FW_ROOT/etc/squid/squid.conf" &&
	test "$(squid_pid squid)" = "$pid" && fw-proxy reset cache_disk_mb &&
	fw-proxy set cache_disk_mb=10'

mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
check 'memory caches larger than the memory: fw-apply exits 3' '
	fw-proxy set cache_mem_mb=$((mem / 2 + 1)) && fails 3 fw-apply 2>err &&
	has err "cache_mem_mb=$((mem / 2 + 1)): the memory caches of squid and squid3 take" &&
	same "$tmp/squid.conf.was" "$FW_ROOT/etc/squid/squid.conf" &&
	fw-proxy set cache_mem_mb=8 && fw-apply'

check 'an object kept in memory cannot exceed the memory cache (set refuses)' '
	cp "$settings/proxy" before &&
	fails 1 fw-proxy set max_object_mem_kb=9000 2>err &&
	has err "max_object_mem_kb=9000: must be at most cache_mem_mb=8" &&
	same before "$settings/proxy"'

check 'squid=no stops it and frees its port; probe then exits 3' '
	p=$(squid_pid squid) && fw-proxy set squid=no && fw-apply &&
	! kill -0 "$p" 2>/dev/null && fails 3 fw-proxy probe -p $p1 \
	    http://127.0.0.1:$o1/ >out && has out "^error	" &&
	! grep -q "^status" out'

check 'squid3 goes on serving' '
	test "$(code $p3 http://127.0.0.1:$o1/)" = 200'
