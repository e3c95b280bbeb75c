#!/bin/sh -e
# The youth filter with the real daemons: e2guardian with Debian's lists,
# chained to the test's own Squid, started, restarted and stopped by
# fw-apply, against a local web server.  The firewall is 127.0.0.1, the
# internal network 127.0.0.1 alone; client_nets lets 127.0.0.2 in, and
# 127.0.0.3 is outside.
. ./lib.sh
root || skip_all 'not root: Squid and e2guardian run as users of their own'
. "$top/t/proxy.sh"
plan 10

p1=$(free_port) py=$(free_port) o=$(free_port)
only_units squid e2guardian
squid_units
proxy_units e2guardian
cleanup() { stop_proxies; stop_squids; stop_origins; }

mkdir "$tmp/www"
# A phrase of e2guardian's banned phrase list (Debian's pornography list,
# which bannedphraselist includes), and an ordinary page.
cat >"$tmp/www/banned.html" <<X
<html><head><title>Search</title></head>
<body><p>SafeSearch is OFF for this search.</p></body></html>
X
cat >"$tmp/www/ordinary.html" <<X
<html><head><title>Timetable</title></head>
<body><p>The bus leaves at eight.</p></body></html>
X
start_www 127.0.0.1 "$o" "$tmp/www"

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32 domain=example.lan
fw-proxy set squid_port="$p1" youth_filter_port="$py" client_nets=127.0.0.2/32 \
    transparent_port="$(free_port)" auto_proxy_http_port="$(free_port)" \
    cache_disk_mb=0 cache_mem_mb=8 max_object_mem_kb=256
fw-apply
log=$FW_ROOT/var/log/squid/access.log
# get PORT PAGE [FROM]: the page through the proxy on PORT into ./PAGE,
# from the client address FROM (127.0.0.2); the status on stdout.
get() { curl -s -m 20 -o "$2" -w '%{http_code}' --interface "${3:-127.0.0.2}" \
    -x "127.0.0.1:$1" "http://127.0.0.1:$o/$2"; }

check 'youth_filter=yes without squid is refused, naming both keys' '
	cp "$settings/proxy" before &&
	fails 1 fw-proxy set squid=no youth_filter=yes 2>err &&
	has err "youth_filter=yes: needs squid=yes" && same before "$settings/proxy"'

check 'youth_filter=yes starts e2guardian on its port, and Squid trusts it' '
	! listening 127.0.0.1 $py && fw-proxy enable youth_filter && fw-apply &&
	kill -0 "$(proxy_pid e2guardian)" && listening 127.0.0.1 $py &&
	has "$FW_ROOT/etc/squid/squid.conf" "^follow_x_forwarded_for allow mpfw_filters\$"'

check 'a page with a phrase of the banned list is replaced by the block page, in German' '
	get $py banned.html >/dev/null && ! grep -q "SafeSearch is OFF" banned.html &&
	has banned.html "<title>e2guardian - Zugriff verweigert</title>"'

check 'an ordinary page arrives whole' '
	test "$(get $py ordinary.html)" = 200 && same "$tmp/www/ordinary.html" ordinary.html'

check 'e2guardian fetched both through Squid, which logs the client itself' '
	wait_for 5 grep -q "127.0.0.2 TCP_MISS/200 .* GET http://127.0.0.1:$o/ordinary.html" "$log" &&
	grep -q "127.0.0.2 TCP_MISS/200 .* GET http://127.0.0.1:$o/banned.html" "$log"'

check 'e2guardian logs the block' '
	wait_for 5 grep -q "banned.html" "$FW_ROOT/var/log/e2guardian/access.log"'

check 'a client outside the allowed networks is refused through it too' '
	test "$(get $py ordinary.html 127.0.0.3)" = 403 &&
	wait_for 5 grep -q "127.0.0.3 TCP_DENIED/403 .* GET http://127.0.0.1:$o/ordinary.html" "$log"'

py2=$(free_port)
pid=$(proxy_pid e2guardian)
check 'a new port: the soft apply installs it but defers the restart' '
	fw-proxy set youth_filter_port=$py2 && fw-apply &&
	test "$(proxy_pid e2guardian)" = "$pid" && listening 127.0.0.1 $py &&
	fails 1 fw-apply status >out && has out "^deferred	e2guardian	restart\$"'

check 'the full apply restarts it there' '
	fw-apply -f && test "$(proxy_pid e2guardian)" != "$pid" &&
	listening 127.0.0.1 $py2 && closed 127.0.0.1 $py &&
	test "$(get $py2 ordinary.html)" = 200 && fw-apply status'

check 'youth_filter=no stops it and frees its port; Squid no longer trusts lan_ip' '
	pid=$(proxy_pid e2guardian) && fw-proxy disable youth_filter && fw-apply &&
	! kill -0 "$pid" 2>/dev/null && closed 127.0.0.1 $py2 &&
	! grep -q "follow_x_forwarded_for allow" "$FW_ROOT/etc/squid/squid.conf"'
