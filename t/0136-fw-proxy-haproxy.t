#!/bin/sh -e
# The load balancer, a unit whose file is written by hand (fw-units(5)
# `hand`): the real HAProxy, started, reloaded and stopped by fw-apply,
# in front of two local web servers.  fw-apply checks the file with
# haproxy -c before every start and reload and never writes it.
. ./lib.sh
. "$top/t/proxy.sh"
plan 13

front=$(free_port) b1=$(free_port) b2=$(free_port)
only_units haproxy
proxy_units haproxy
cleanup() { stop_proxies; stop_origins; }
mkdir -p "$tmp/one" "$tmp/two" "$FW_ROOT/etc/haproxy"
echo "backend one" >"$tmp/one/index.html"
echo "backend two" >"$tmp/two/index.html"
start_www 127.0.0.1 "$b1" "$tmp/one"
start_www 127.0.0.1 "$b2" "$tmp/two"
cfg=$FW_ROOT/etc/haproxy/haproxy.cfg

# write BALANCE SERVERS...: support's hand-written file.
write() {
	_b=$1
	shift
	{
		printf 'defaults\n\tmode http\n\ttimeout connect 5s\n'
		printf '\ttimeout client 30s\n\ttimeout server 30s\n'
		printf 'frontend web\n\tbind 127.0.0.1:%s\n' "$front"
		printf '\tdefault_backend pool\n'
		printf 'backend pool\n\tbalance %s\n' "$_b"
		for _s; do printf '\tserver %s\n' "$_s"; done
	} >"$cfg"
}
# answers N: the bodies of N requests to the front, one a line.
answers() {
	_i=0
	while [ $_i -lt "$1" ]; do
		curl -s -m 5 "http://127.0.0.1:$front/" || echo failed
		_i=$((_i + 1))
	done
}
fw-apply

check 'pound=yes without a file: exit 3, naming it; nothing started' '
	fw-proxy enable pound && fails 3 fw-apply 2>err &&
	has err "haproxy: /etc/haproxy/haproxy.cfg: no such file; it is written by hand" &&
	closed 127.0.0.1 $front && test -z "$(proxy_pid haproxy)"'

write nonsense "one 127.0.0.1:$b1" "two 127.0.0.1:$b2"
cp "$cfg" "$tmp/bad.cfg"
check 'a file haproxy -c refuses: exit 3 with its message, never started' '
	fails 3 fw-apply 2>err && has err "haproxy: check failed" &&
	has err "haproxy.cfg:[0-9]*\] : balance only supports" &&
	closed 127.0.0.1 $front && test -z "$(proxy_pid haproxy)"'

check 'nothing changed: the file as written, the unit still pending' '
	same "$tmp/bad.cfg" "$cfg" && fails 1 fw-apply status >out &&
	has out "^pending	haproxy	"'

write roundrobin "one 127.0.0.1:$b1" "two 127.0.0.1:$b2"
cp "$cfg" "$tmp/good.cfg"
touch -d "2 days ago" "$cfg"
stamp=$(stat -c %Y "$cfg")
check 'the file fixed: fw-apply starts HAProxy' '
	fw-apply && kill -0 "$(proxy_pid haproxy)" && listening 127.0.0.1 $front'

check 'it balances the two backends in turn' '
	answers 4 >out && test "$(sort out | uniq -c | awk "{print \$1}" | tr "\n" " ")" = "2 2 " &&
	has out "^backend one\$" && has out "^backend two\$"'

check 'fw-apply never writes the file: same bytes, same time' '
	same "$tmp/good.cfg" "$cfg" && test "$(stat -c %Y "$cfg")" = "$stamp" &&
	fw-apply status'

check 'an edit by hand makes the unit pending, naming the file' '
	write roundrobin "one 127.0.0.1:$b1" &&
	fails 1 fw-apply status >out &&
	has out "^pending	haproxy	/etc/haproxy/haproxy.cfg changed\$"'

pid=$(proxy_pid haproxy)
check 'a soft apply checks and reloads: a new process, only backend one now' '
	fw-apply -n >out && has out "^haproxy	reload\$" &&
	fw-apply && test "$(proxy_pid haproxy)" != "$pid" &&
	answers 3 >out && test "$(sort -u out)" = "backend one" && fw-apply status'

pid=$(proxy_pid haproxy)
write "roundrobin" "one 127.0.0.1:$b1" "two 127.0.0.1:nope"
check 'a broken edit: exit 3, HAProxy goes on with the file it read' '
	fails 3 fw-apply 2>err && has err "haproxy: check failed" &&
	test "$(proxy_pid haproxy)" = "$pid" &&
	answers 2 >out && test "$(sort -u out)" = "backend one" &&
	fails 1 fw-apply status >out && has out "^pending	haproxy	"'

write roundrobin "one 127.0.0.1:$b1" "two 127.0.0.1:$b2"
check 'the catalogue as loaded shows the file as written by hand' '
	fw-apply units -v >out && has out "target = .\/etc\/haproxy\/haproxy.cfg." &&
	has out "hand   = yes" && ! grep -A3 "unit haproxy" out | grep -q render'

check 'a unit that renders a file and has it written by hand is refused' '
	printf "unit x {\n\trender = \"echo\"\n\ttarget = \"/x\"\n\thand = yes\n\tcheck = \"true\"\n\treload = \"true\"\n\tsoft = reload\n}\n" \
	    >"$settings/units.d/zz-bad.conf" &&
	fails 3 fw-apply -n 2>err && rm "$settings/units.d/zz-bad.conf" &&
	has err "unit x: file x is rendered or written by hand (hand = yes), not both"'

check 'pound=no stops HAProxy and frees its port; the file stays' '
	fw-apply && pid=$(proxy_pid haproxy) && fw-proxy disable pound && fw-apply &&
	! kill -0 "$pid" 2>/dev/null && closed 127.0.0.1 $front &&
	test -s "$cfg"'

check 'while it is off, an edit is not checked: the apply goes through' '
	echo "broken line" >>"$cfg" && fw-apply && fw-apply status >out &&
	test ! -s out && closed 127.0.0.1 $front'
