#!/bin/sh -e
# fw-maint check against a local HTTPS server the test starts (python3's
# http.server wrapped in ssl, with a CA and a certificate made here with
# openssl), directly and through a Squid the test starts: 0 when current,
# 1 when newer (printing what), 3 naming why when it cannot be reached or
# trusted.  And the daily cron entry, installed by fw-apply.
. ./lib.sh
plan 22

run=$tmp/run
www=$tmp/www
mkdir -p "$run" "$www/mpfw" "$FW_ROOT/etc/ssl"
chmod 0755 "$tmp"
https_port=$(free_port)
squid_port=$(free_port)
closed_port=$(free_port)
version=$(fw-maint --version | cut -d' ' -f2)

# Two CAs; the server's certificate, for 127.0.0.1, is signed by the first.
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$tmp/$1.key" -out "$tmp/$1.pem" -days 2 -subj "/CN=$1" \
	    2>/dev/null
}
ca mpfw-test-ca
ca other-ca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" -subj /CN=127.0.0.1 \
    2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tmp/san"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/mpfw-test-ca.pem" \
    -CAkey "$tmp/mpfw-test-ca.key" -CAcreateserial -out "$tmp/server.pem" \
    -days 2 -extfile "$tmp/san" 2>/dev/null
cp "$tmp/mpfw-test-ca.pem" "$FW_ROOT/etc/ssl/mpfw-ca.pem"
cp "$tmp/other-ca.pem" "$FW_ROOT/etc/ssl/other-ca.pem"

python3 - "$www" "$https_port" "$tmp/server.pem" "$tmp/server.key" \
    >"$run/https.log" 2>&1 <<'X' &
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[3], sys.argv[4])
srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])),
    http.server.SimpleHTTPRequestHandler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
X
https_pid=$!

# A Squid of the test's own, in memory, logging every request.
mkdir -p "$run/squid"
chown proxy "$run/squid"
cat >"$run/squid.conf" <<X
http_port 127.0.0.1:$squid_port
pid_filename $run/squid/squid.pid
cache_log $run/squid/cache.log
access_log stdio:$run/squid/access.log
cache deny all
acl local src 127.0.0.1/32
acl CONNECT method CONNECT
http_access allow local
http_access deny all
pinger_enable off
dns_nameservers 127.0.0.1
shutdown_lifetime 0 seconds
coredump_dir $run/squid
X
squid -N -f "$run/squid.conf" >"$run/squid.out" 2>&1 &
squid_pid=$!
cleanup() {
	kill "$https_pid" "$squid_pid" 2>/dev/null
	wait "$https_pid" "$squid_pid" 2>/dev/null || :
}
listening() { grep -q "$(printf ':%04X 00000000:0000 0A' "$1")" /proc/net/tcp; }
wait_for 10 listening "$https_port"
wait_for 20 listening "$squid_port"

url=https://127.0.0.1:$https_port/mpfw/index
sum=$(printf 'the release\n' | tee "$www/mpfw/mpfw_99.1.0.tar.gz" |
    sha256sum | cut -d' ' -f1)
index() {
	{ echo "# the update index of mpfw"; echo "mpfw-index 1"
	  echo "release $1"
	  echo "file $sum 12 mpfw_$1.tar.gz"
	  echo "file $sum 12 https://mirror.example.com/mpfw/mpfw_$1.deb"
	  echo "note Fixes the Squid reload."
	  echo "signature-of-a-later-format AAAA"; } >"$www/mpfw/index"
}
fw-maint set update_url="$url" update_ca=/etc/ssl/mpfw-ca.pem

check 'the index names the installed release: exit 0, silent' '
	index "$version" && fw-maint check >out 2>err &&
	! test -s out && ! test -s err'

check 'an older release on the server is no update: exit 0' '
	index 0.0.9 && fw-maint check >out && ! test -s out'

check 'a newer release: exit 1, the release and its files with their hashes' '
	index 99.1.0 && fails 1 fw-maint check >out &&
	printf "update\t99.1.0\t%s\n" "$version" >want &&
	printf "file\thttps://127.0.0.1:%s/mpfw/mpfw_99.1.0.tar.gz\t12\tsha256:%s\n" \
	    "$https_port" "$sum" >>want &&
	printf "file\thttps://mirror.example.com/mpfw/mpfw_99.1.0.deb\t12\tsha256:%s\n" \
	    "$sum" >>want &&
	printf "note\tFixes the Squid reload.\n" >>want && same want out'

check 'the printed hash is that of the file the index names' '
	fails 1 fw-maint check | awk -F"\t" "\$1 == \"file\" { print \$2, \$4; exit }" >f &&
	read u h <f && curl -s --cacert "$tmp/mpfw-test-ca.pem" "$u" | sha256sum >got &&
	test "sha256:$(cut -d" " -f1 got)" = "$h"'

check 'the server certificate from another CA: exit 3, naming TLS' '
	fw-maint set update_ca=/etc/ssl/other-ca.pem &&
	fails 3 fw-maint check >out 2>err && ! test -s out &&
	has err "^fw-maint: $url: TLS verify: " &&
	fw-maint set update_ca=/etc/ssl/mpfw-ca.pem'

check 'the system CAs, which do not know the test CA: exit 3, naming TLS' '
	fw-maint reset update_ca && fails 3 fw-maint check 2>err &&
	has err "TLS verify" && fw-maint set update_ca=/etc/ssl/mpfw-ca.pem'

check 'a CA file gone since it was set: exit 3, naming TLS' '
	mv "$FW_ROOT/etc/ssl/mpfw-ca.pem" "$tmp/ca.away" &&
	fails 3 fw-maint check 2>err && has err "TLS" &&
	mv "$tmp/ca.away" "$FW_ROOT/etc/ssl/mpfw-ca.pem"'

check 'no index at the URL: exit 3, naming the HTTP status' '
	fw-maint set update_url=https://127.0.0.1:$https_port/mpfw/nosuch &&
	fails 3 fw-maint check 2>err && has err "nosuch: HTTP status 404\$" &&
	fw-maint set update_url="$url"'

check 'the server down: exit 3, naming connect' '
	fw-maint set update_url=https://127.0.0.1:$closed_port/mpfw/index &&
	fails 3 fw-maint check 2>err && has err ": connect: " &&
	fw-maint set update_url="$url"'

check 'a name that does not resolve: exit 3, naming DNS' '
	fw-maint set update_url=https://no-such-host.invalid/mpfw/index &&
	fails 3 fw-maint check 2>err && has err ": DNS: " &&
	fw-maint set update_url="$url"'

check 'what is not an index, or not of format 1: exit 3, never 1' '
	echo "<html>hello</html>" >"$www/mpfw/index" &&
	fails 3 fw-maint check 2>err && has err "not an mpfw index" &&
	printf "mpfw-index 2\nrelease 99.0\n" >"$www/mpfw/index" &&
	fails 3 fw-maint check 2>err && has err "index format 2" &&
	: >"$www/mpfw/index" && fails 3 fw-maint check 2>err && has err "empty"'

check 'an index without hashes, a bad hash, an http file: exit 3' '
	printf "mpfw-index 1\nrelease 99.0\n" >"$www/mpfw/index" &&
	fails 3 fw-maint check 2>err && has err "has no file with its SHA-256" &&
	printf "mpfw-index 1\nrelease 99.0\nfile abc 12 x.tar.gz\n" >"$www/mpfw/index" &&
	fails 3 fw-maint check 2>err && has err "index:3: file: needs a SHA-256" &&
	printf "mpfw-index 1\nrelease 99.0\nfile %s 12 http://x.example/a\n" "$sum" \
	    >"$www/mpfw/index" && fails 3 fw-maint check 2>err &&
	has err "an https URL" &&
	printf "mpfw-index 1\nrelease 99.x\nfile %s 1 a\n" "$sum" >"$www/mpfw/index" &&
	fails 3 fw-maint check 2>err && has err "release: one, as dotted numbers"'

check 'an empty update_url, or an http one put in by hand: exit 3' '
	cp "$settings/maint" saved && fw-maint reset update_url &&
	fails 3 fw-maint check 2>err && has err "update_url is empty" &&
	echo "update_url=http://127.0.0.1:$https_port/mpfw/index" >>"$settings/maint" &&
	fails 3 fw-maint check 2>err && has err "must be an https URL" &&
	cp saved "$settings/maint"'

index 99.1.0
check 'update_proxy=yes: through the local Squid, which logs the request' '
	fw-maint set update_proxy=yes update_proxy_port=$squid_port &&
	fails 1 fw-maint check >out && has out "^update	99.1.0	" &&
	wait_for 3 grep -q "CONNECT 127.0.0.1:$https_port " "$run/squid/access.log"'

check 'update_proxy=no: direct, the Squid sees nothing more' '
	n=$(grep -c CONNECT "$run/squid/access.log") &&
	fw-maint set update_proxy=no && fails 1 fw-maint check >/dev/null &&
	sleep 0.5 && test "$(grep -c CONNECT "$run/squid/access.log")" = "$n"'

check 'direct means direct: an https_proxy of the environment is not used' '
	https_proxy=http://127.0.0.1:$closed_port fails 1 fw-maint check >/dev/null'

check 'the proxy down: exit 3, naming connect and the proxy' '
	fw-maint set update_proxy=yes update_proxy_port=$closed_port &&
	fails 3 fw-maint check 2>err && has err ": connect: " &&
	has err "through 127.0.0.1:$closed_port" &&
	fw-maint set update_proxy_port=$squid_port'

check 'a proxy that refuses the CONNECT: exit 3, naming its status' '
	sed "s/^http_access allow local/http_access deny CONNECT\nhttp_access allow local/" \
	    "$run/squid.conf" >"$run/squid.conf.new" &&
	mv "$run/squid.conf.new" "$run/squid.conf" &&
	squid -k reconfigure -f "$run/squid.conf" 2>/dev/null && sleep 1 &&
	fails 3 fw-maint check 2>err && has err "proxy 127.0.0.1:$squid_port: HTTP 403 to CONNECT"'
fw-maint set update_proxy=no

# check -l says the outcome in syslog: a /dev/log of the test's own, in a
# private mount namespace, as t/0010 does.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	check 'check -l logs the outcome to syslog: an update, a failure' '
	mkdir "$tmp/dev" && touch "$tmp/dev/null" && : >"$tmp/syslog" &&
	unshare -m sh -c "
		mount --bind /dev/null \"$tmp/dev/null\"
		logsink \"$tmp/dev/log\" \"$tmp/syslog\" & sink=\$!
		while [ ! -S \"$tmp/dev/log\" ]; do sleep 0.01; done
		mount --bind \"$tmp/dev\" /dev
		fw-maint check -l >/dev/null
		fw-maint set update_url=https://127.0.0.1:$closed_port/x
		fw-maint check -l 2>/dev/null
		fw-maint set update_url=$url
		sleep 0.1; kill \$sink" ;
	has "$tmp/syslog" "fw-maint\[[0-9]*\]: update available: 99.1.0 (installed $version)" &&
	has "$tmp/syslog" "fw-maint\[[0-9]*\]: https://127.0.0.1:$closed_port/x: connect: "'
else
	skip 'check -l: needs root for a private /dev/log'
fi

# The cron entry, installed by fw-apply: the maint-update unit alone.
only_units maint-update
cron=$FW_ROOT/etc/cron.d/mpfw-update
check 'update=no: the apply installs a cron file without an entry' '
	fw-apply && test -e "$cron" && ! grep -q "^[0-9]" "$cron" &&
	test "$(stat -c %a "$cron")" = 644'

check 'update=yes: the entry at update_time, checked; cron reads it by itself' '
	fw-maint set update=yes update_time=05:45 && fw-apply &&
	grep "^[0-9]" "$cron" >out &&
	echo "45 5 * * * root fw-maint -R $FW_ROOT check -l >/dev/null 2>&1" >want &&
	same want out'

check 'the entry runs: the cron command line checks, exit 1 for the update' '
	cmd=$(sed -n "s/^45 5 \* \* \* root //p" "$cron" | sed "s/ >.*//") &&
	PATH=$(sed -n "s/^PATH=//p" "$cron"):$PATH fails 1 sh -c "$cmd"'
