# t/proxy.sh: sourced by the fw-proxy tests after lib.sh: a local origin
# server that echoes the request headers it got, and the squid units
# pointed at Squid instances of the test's own (their names unique, as
# Squid names its shared memory after them).

# The Squid instances run as the proxy user, which must reach the root.
chmod 755 "$tmp"
sq1=mpfwt$$a sq3=mpfwt$$b

# origin.py ADDR PORT: answers every GET, POST and CONNECT-tunnelled
# request with 200 and a body of "peer: ADDR" and the request headers it
# got, one "Name: value" a line; HTTP/1.1 keep-alive.
cat >"$tmp/origin.py" <<'X'
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        body = "peer: %s\n" % self.client_address[0]
        body += "".join("%s: %s\n" % kv for kv in self.headers.items())
        body = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Origin", "yes")
        self.end_headers()
        self.wfile.write(body)
    do_POST = do_GET
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
S((sys.argv[1], int(sys.argv[2])), H).serve_forever()
X

origins=
# start_origin ADDR PORT [NETNS]: an origin server, stopped by cleanup.
start_origin() {
	if [ -n "${3-}" ]; then
		ip netns exec "$3" /usr/bin/python3 "$tmp/origin.py" "$1" "$2" \
		    >/dev/null 2>&1 &
	else
		/usr/bin/python3 "$tmp/origin.py" "$1" "$2" >/dev/null 2>&1 &
	fi
	origins="$origins $!"
	wait_for 10 sh -c "${3:+ip netns exec $3} curl -s -o /dev/null http://$1:$2/"
}
stop_origins() {
	for _p in $origins; do kill "$_p" 2>/dev/null || :; done
}

# squid_units [PREFIX]: the squid units controlled by squidctl, for the
# instances $sq1 and $sq3; PREFIX runs before each command (ip netns exec).
squid_units() {
	cat >"$settings/units.d/test-squid.conf" <<X
unit squid {
	reload  = '${1-}"\$FW_DATADIR/squidctl" $sq1 reload %t'
	restart = '${1-}"\$FW_DATADIR/squidctl" $sq1 restart %t'
	start   = '${1-}"\$FW_DATADIR/squidctl" $sq1 start %t'
	stop    = '${1-}"\$FW_DATADIR/squidctl" $sq1 stop %t'
}
unit squid3 {
	reload  = '${1-}"\$FW_DATADIR/squidctl" $sq3 reload %t'
	restart = '${1-}"\$FW_DATADIR/squidctl" $sq3 restart %t'
	start   = '${1-}"\$FW_DATADIR/squidctl" $sq3 start %t'
	stop    = '${1-}"\$FW_DATADIR/squidctl" $sq3 stop %t'
}
X
}
# stop_squids [PREFIX]: both instances, however the test left them.
stop_squids() {
	for _i in squid:$sq1 squid3:$sq3; do
		_c=$FW_ROOT/etc/${_i%%:*}/squid.conf
		[ -f "$_c" ] && ${1-} "$FW_DATADIR/squidctl" "${_i#*:}" stop "$_c" \
		    2>/dev/null
	done
	:
}
squid_pid() { cat "$FW_ROOT/run/$1.pid" 2>/dev/null; }

# The filter proxies: the targets of their units, which proxyctl reads.
proxy_conf() {
	case $1 in
	c-icap) echo "$FW_ROOT/etc/c-icap/c-icap.conf" ;;
	e2guardian) echo "$FW_ROOT/etc/e2guardian/e2guardian.conf" ;;
	privoxy) echo "$FW_ROOT/etc/privoxy/config" ;;
	dante) echo "$FW_ROOT/etc/danted.conf" ;;
	ftp-proxy) echo "$FW_ROOT/etc/proxy-suite/ftp-proxy.conf" ;;
	haproxy) echo "$FW_ROOT/etc/haproxy/haproxy.cfg" ;;
	esac
}
# proxy_units [-p PREFIX] UNIT...: the named units of the filter proxies
# controlled by share/mpfw/proxyctl, by pid files under the root, after
# anything already in the drop-in's start and stop (clamd, say: see
# proxy_units_file); PREFIX runs before each command (ip netns exec).
proxy_units() {
	_pre=
	if [ "$1" = -p ]; then _pre=$2; shift 2; fi
	for _u; do
		cat <<X
unit $_u {
	reload  = '$_pre"\$FW_DATADIR/proxyctl" $_u reload %t'
	restart = '$_pre"\$FW_DATADIR/proxyctl" $_u restart %t'
	start   = '$_pre"\$FW_DATADIR/proxyctl" $_u start %t'
	stop    = '$_pre"\$FW_DATADIR/proxyctl" $_u stop %t'
}
X
	done >"$settings/units.d/test-proxies.conf"
}
# stop_proxies [PREFIX]: every filter proxy proxyctl may have started.
stop_proxies() {
	for _u in c-icap e2guardian privoxy dante ftp-proxy haproxy; do
		_c=$(proxy_conf $_u)
		[ -f "$_c" ] && ${1-} "$FW_DATADIR/proxyctl" $_u stop "$_c" \
		    2>/dev/null
	done
	:
}
proxy_pid() {
	case $1 in
	c-icap) cat "$FW_ROOT/run/c-icap/c-icap.pid" ;;
	privoxy|haproxy|ftp-proxy|e2guardian) cat "$FW_ROOT/run/$1.pid" ;;
	dante) cat "$FW_ROOT/run/danted.pid" ;;
	esac 2>/dev/null | head -n 1
}
# listening ADDR PORT: does anything take connections there?
listening() { nc -z "$1" "$2" 2>/dev/null; }

# start_www ADDR PORT DIR: a static web server of the files of DIR (it
# sends Last-Modified, so Squid caches what it serves), stopped by
# stop_origins.
start_www() {
	/usr/bin/python3 -m http.server "$2" --bind "$1" --directory "$3" \
	    >/dev/null 2>&1 &
	origins="$origins $!"
	wait_for 10 listening "$1" "$2"
}
# closed ADDR PORT: nothing takes connections there (any more).
closed() { ! nc -z "$1" "$2" 2>/dev/null; }
