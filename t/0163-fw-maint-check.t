#!/bin/sh -e
# fw-maint check against a local HTTPS server the test starts (python3's
# http.server wrapped in ssl, with a CA and a certificate made here with
# openssl), directly: 0 when current, 1 when newer (printing what), 3
# naming why when it cannot be reached, trusted or answered in time.  And
# the daily cron entry, installed by fw-apply.  Through fw-proxy's Squid:
# t/0164.  Runs as any user; only the syslog check needs root.
. ./lib.sh
plan 20

. "$top/t/update.sh"
stall_port=$(free_port)
closed_port=$(free_port)

# A server that takes the connection and then says nothing.
python3 - "$stall_port" >"$run/stall.log" 2>&1 <<'X' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])
X
stall_pid=$!
cleanup() {
	stop_update_server
	kill "$stall_pid" 2>/dev/null
	wait "$stall_pid" 2>/dev/null || :
}
wait_for 10 tcp_listening "$stall_port"

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
check 'direct means direct: an https_proxy of the environment is not used' '
	https_proxy=http://127.0.0.1:$closed_port fails 1 fw-maint check >/dev/null'

check 'a server that never answers: exit 3 at FW_MAINT_TIMEOUT, naming the timeout' '
	fw-maint set update_url=https://127.0.0.1:$stall_port/mpfw/index &&
	t0=$(date +%s) && FW_MAINT_TIMEOUT=1 fails 3 fw-maint check >out 2>err &&
	test $(( $(date +%s) - t0 )) -le 4 && ! test -s out &&
	has err "^fw-maint: https://127.0.0.1:$stall_port/mpfw/index: timeout: " &&
	has err "(the limits: 1 s to connect, 1 s in all)\$" &&
	fw-maint set update_url="$url"'

check 'FW_MAINT_TIMEOUT out of range: a usage error, nothing fetched' '
	for t in 0 601 1.5 x -1; do
		FW_MAINT_TIMEOUT=$t fails 2 fw-maint check 2>err || exit 1
	done && has err "FW_MAINT_TIMEOUT=-1: must be a number of seconds from 1 to 600" &&
	FW_MAINT_TIMEOUT=600 fails 1 fw-maint check >/dev/null &&
	FW_MAINT_TIMEOUT= fails 1 fw-maint check >/dev/null'

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
