# t/update.sh: sourced by the tests of fw-maint check after lib.sh: an
# update server of the test's own, https on 127.0.0.1:$https_port
# (python3's http.server wrapped in ssl, serving $www), its certificate
# signed by a CA made here with openssl, and `index RELEASE` to write the
# index it serves at $url.  In the root: etc/ssl/mpfw-ca.pem, the
# server's CA, and etc/ssl/other-ca.pem, another.  It sets cleanup to
# stop_update_server; a test that redefines cleanup calls it there.

run=$tmp/run
www=$tmp/www
mkdir -p "$run" "$www/mpfw" "$FW_ROOT/etc/ssl"
https_port=$(free_port)
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
stop_update_server() {
	kill "$https_pid" 2>/dev/null
	wait "$https_pid" 2>/dev/null || :
}
cleanup() { stop_update_server; }

# tcp_listening PORT: something listens on 127.0.0.1:PORT (or on all).
tcp_listening() {
	grep -q "$(printf ':%04X 00000000:0000 0A' "$1")" /proc/net/tcp
}
wait_for 10 tcp_listening "$https_port"

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
