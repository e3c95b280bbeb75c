#!/bin/sh -e
# The ad filter with the real daemons: Privoxy with its default actions,
# chained to the test's own Squid, started and stopped by fw-apply,
# against a local web server.  The firewall is 127.0.0.1, the internal
# network 127.0.0.1 alone; client_nets lets 127.0.0.2 in, and 127.0.0.3
# is outside.
. ./lib.sh
root || skip_all 'not root: Squid and Privoxy run as users of their own'
. "$top/t/proxy.sh"
plan 9

p1=$(free_port) pa=$(free_port) o=$(free_port)
only_units squid privoxy
squid_units
proxy_units privoxy
cleanup() { stop_proxies; stop_squids; stop_origins; }

mkdir -p "$tmp/www/adserver"
echo '<html><body>Buy now!</body></html>' >"$tmp/www/adserver/banner.html"
echo '<html><body>The minutes of the meeting.</body></html>' \
    >"$tmp/www/minutes.html"
start_www 127.0.0.1 "$o" "$tmp/www"

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32 domain=example.lan
fw-proxy set squid_port="$p1" ad_filter_port="$pa" client_nets=127.0.0.2/32 \
    transparent_port="$(free_port)" auto_proxy_http_port="$(free_port)" \
    cache_disk_mb=0 cache_mem_mb=8 max_object_mem_kb=256
fw-apply
log=$FW_ROOT/var/log/squid/access.log
# get PORT PATH [FROM]: PATH through the proxy on PORT into ./out, from
# the client address FROM (127.0.0.2); the status on stdout.
get() { curl -s -m 20 -o out -w '%{http_code}' --interface "${3:-127.0.0.2}" \
    -x "127.0.0.1:$1" "http://127.0.0.1:$o/$2"; }

check 'ad_filter=yes without squid is refused, naming both keys' '
	cp "$settings/proxy" before &&
	fails 1 fw-proxy set squid=no ad_filter=yes 2>err &&
	has err "ad_filter=yes: needs squid=yes" && same before "$settings/proxy"'

check 'ad_filter=yes starts Privoxy on its port' '
	! listening 127.0.0.1 $pa && fw-proxy enable ad_filter && fw-apply &&
	kill -0 "$(proxy_pid privoxy)" && listening 127.0.0.1 $pa'

check 'a URL matching Privoxy ad patterns is blocked: 403, Privoxy page' '
	test "$(get $pa adserver/banner.html)" = 403 &&
	has out "Request blocked by" && ! grep -q "Buy now" out'

check 'an ordinary page arrives whole' '
	test "$(get $pa minutes.html)" = 200 && same "$tmp/www/minutes.html" out'

check 'Privoxy fetched it through Squid; the blocked URL never reached Squid' '
	wait_for 5 grep -q "127.0.0.1 TCP_MISS/200 .* GET http://127.0.0.1:$o/minutes.html" "$log" &&
	! grep -q "adserver" "$log"'

check 'a client outside the allowed networks is refused: Privoxy closes on it' '
	rm -f out && test "$(get $pa minutes.html 127.0.0.3)" = 000 && test ! -s out'

# Privoxy notices a new config by its modification time, to the second.
sleep 1
pid=$(proxy_pid privoxy)
check 'client_nets: the soft apply is enough, Privoxy reads its file itself' '
	fw-proxy set "client_nets=127.0.0.2/32 127.0.0.3/32" && fw-apply &&
	test "$(proxy_pid privoxy)" = "$pid" &&
	test "$(get $pa minutes.html 127.0.0.3)" = 200 && same "$tmp/www/minutes.html" out'

check 'a page blocked still is, after the change' '
	test "$(get $pa adserver/banner.html 127.0.0.3)" = 403'

check 'ad_filter=no stops it and frees its port' '
	fw-proxy disable ad_filter && fw-apply &&
	! kill -0 "$pid" 2>/dev/null && closed 127.0.0.1 $pa'
