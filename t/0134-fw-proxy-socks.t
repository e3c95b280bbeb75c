#!/bin/sh -e
# SOCKS with the real Dante, started, reloaded and stopped by fw-apply;
# curl is the SOCKS 5 client.  The firewall is 127.0.0.1, the internal
# network 127.0.0.1 alone; client_nets lets 127.0.0.2 in, 127.0.0.4 is
# outside; the web servers "in the Internet" are on 127.0.0.3, one in
# extra_net on 127.0.0.5, one in the DMZ on 127.0.0.6.
. ./lib.sh
root || skip_all 'not root: Dante runs as a user of its own'
. "$top/t/proxy.sh"
plan 10

pk=$(free_port) o1=$(free_port) o2=$(free_port) o3=$(free_port)
only_units dante
proxy_units dante
cleanup() { stop_proxies; stop_origins; }
start_origin 127.0.0.3 "$o1"
start_origin 127.0.0.3 "$o2"
start_origin 127.0.0.1 "$o3"
start_origin 127.0.0.5 "$o1"	# extra_net
start_origin 127.0.0.6 "$o1"	# the DMZ

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32
fw-proxy set socks_port="$pk" "socks_ports=$o1 $o3" client_nets=127.0.0.2/32
fw-apply
# via URL [FROM]: the body through the SOCKS server, from FROM (127.0.0.2).
via() { curl -s -m 10 --socks5 "127.0.0.1:$pk" --interface "${2:-127.0.0.2}" "$1"; }

check 'socks=yes starts Dante on socks_port' '
	! listening 127.0.0.1 $pk && fw-proxy enable socks && fw-apply &&
	kill -0 "$(proxy_pid dante)" && listening 127.0.0.1 $pk'

check 'a client connects through it to an allowed port' '
	via http://127.0.0.3:$o1/ >out && has out "^peer: 127.0.0.1\$"'

check 'and is refused on a port not in socks_ports' '
	fails 97 via http://127.0.0.3:$o2/'

check 'and into the internal networks, allowed port or not' '
	fails 97 via http://127.0.0.1:$o3/'

check 'a client outside the allowed networks is refused' '
	fails 97 via http://127.0.0.3:$o1/ 127.0.0.4'

check 'the internal network itself may use it' '
	via http://127.0.0.3:$o1/ 127.0.0.1 >out && has out "^peer: 127.0.0.1\$"'

check 'into extra_net it is refused too; into the DMZ it goes' '
	fw-svc set extra_net=127.0.0.5/32 dmz_net=127.0.0.6/32 && fw-apply &&
	wait_for 5 sh -c "curl -s -m 5 --socks5 127.0.0.1:$pk --interface 127.0.0.2 http://127.0.0.6:$o1/ >out" &&
	has out "^peer: 127.0.0.1\$" && fails 97 via http://127.0.0.5:$o1/'

pid=$(proxy_pid dante)
check 'socks_ports changed: a soft apply reloads Dante, which allows the new port' '
	fw-proxy set "socks_ports=$o2" && fw-apply && test "$(proxy_pid dante)" = "$pid" &&
	wait_for 5 sh -c "curl -s -m 5 --socks5 127.0.0.1:$pk --interface 127.0.0.2 http://127.0.0.3:$o2/ >out" &&
	has out "^peer: 127.0.0.1\$" && fails 97 via http://127.0.0.3:$o1/'

check 'bad port lists are refused, naming the key; nothing changed' '
	cp "$settings/proxy" before &&
	fails 1 fw-proxy set "socks_ports=80 0" 2>err && has err "socks_ports" &&
	fails 1 fw-proxy set "socks_ports=80-70000" && same before "$settings/proxy"'

check 'socks=no stops Dante and frees its port' '
	fw-proxy disable socks && fw-apply && ! kill -0 "$pid" 2>/dev/null &&
	closed 127.0.0.1 $pk'
