#!/bin/sh -e
# The transparent proxy, with real packets: three network namespaces of
# the test's own, a client, the firewall and a web server, joined by veth
# pairs.  Squid and the nftables table run in the firewall's namespace;
# the machine's own ruleset is never touched.
. ./lib.sh
root || skip_all 'not root: Squid runs as the proxy user, and the clients in network namespaces'
. "$top/t/proxy.sh"
plan 9

c=mpfwt$$c f=mpfwt$$f s=mpfwt$$s
cleanup() {
	stop_squids "ip netns exec $f"
	stop_origins
	for n in $c $f $s; do ip netns del $n 2>/dev/null || :; done
}
inns() { _n=$1; shift; ip netns exec "$_n" "$@"; }
ip netns add $c && ip netns add $f && ip netns add $s
ip link add mpfc0 netns $c type veth peer name mpff0 netns $f
ip link add mpfs0 netns $s type veth peer name mpff1 netns $f
for n in $c $f $s; do ip -n $n link set lo up; done
ip -n $c addr add 192.0.2.2/24 dev mpfc0 && ip -n $c link set mpfc0 up
ip -n $c route add default via 192.0.2.1
ip -n $f addr add 192.0.2.1/24 dev mpff0 && ip -n $f link set mpff0 up
ip -n $f addr add 198.51.100.1/24 dev mpff1 && ip -n $f link set mpff1 up
ip -n $s addr add 198.51.100.2/24 dev mpfs0 && ip -n $s link set mpfs0 up
ip -n $s route add default via 198.51.100.1
inns $f sysctl -qw net.ipv4.ip_forward=1
start_origin 198.51.100.2 80 $s
start_origin 192.0.2.1 80 $f
# A table that is not ours, which must come through every apply as it is.
printf 'table inet other {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 9 counter\n\t}\n}\n' |
    inns $f nft -f -
inns $f nft list table inet other >"$tmp/other.before"
nft list ruleset >"$tmp/host.before" 2>&1 || :

only_units squid proxy-redirect
squid_units "ip netns exec $f "
cat >"$settings/units.d/test-nft.conf" <<X
unit proxy-redirect {
	check   = 'ip netns exec $f nft -c -f %f'
	reload  = 'ip netns exec $f nft -f %t'
	restart = 'ip netns exec $f nft -f %t'
}
X
fw-svc set lan_ip=192.0.2.1 lan_nets=192.0.2.0/24
fw-proxy set squid_port=3128 transparent_port=3129 cache_disk_mb=0 \
    cache_mem_mb=8 max_object_mem_kb=256
log=$FW_ROOT/var/log/squid/access.log
fetch() { inns $c curl -s -m 10 "$@"; }

check 'transparent=off: the web server is reached directly' '
	fw-apply && fetch http://198.51.100.2/ >out &&
	has out "^peer: 192.0.2.2\$" && ! grep -q "^Via:" out &&
	! inns $f nft list table inet mpfw_proxy >/dev/null 2>&1'

check 'transparent=squid without squid is refused, naming both keys' '
	cp "$settings/proxy" before &&
	fails 1 fw-proxy set squid=no transparent=squid 2>err &&
	has err "transparent=squid: needs squid=yes" && same before "$settings/proxy"'

check 'transparent=squid: the redirect is loaded, checked with nft -c first' '
	fw-proxy set transparent=squid && fw-apply &&
	inns $f nft list table inet mpfw_proxy >out &&
	has out "tcp dport 80 fib daddr type != local dnat ip to 192.0.2.1:3129"'

check 'a plain request from the client is served through Squid' '
	fetch http://198.51.100.2/page >out &&
	has out "^peer: 198.51.100.1\$" && has out "^Via: 1.1 firewall" &&
	has out "^X-Forwarded-For: 192.0.2.2\$"'

check 'Squid access log shows it, from the client' '
	wait_for 5 grep -q "192.0.2.2 TCP_MISS/200 .* GET http://198.51.100.2/page" "$log"'

check 'the firewall own address is not redirected' '
	fetch http://192.0.2.1/ >out && has out "^peer: 192.0.2.2\$" &&
	! grep -q "^Via:" out'

check 'the other table and the machine own ruleset are untouched' '
	inns $f nft list table inet other >other.after &&
	same "$tmp/other.before" other.after &&
	{ nft list ruleset >host.after 2>&1 || :; } &&
	same "$tmp/host.before" host.after'

cat >"$settings/units.d/zz-broken.conf" <<X
unit proxy-redirect {
	render = 'fw-proxy render proxy-redirect; echo "table inet mpfw_proxy { chain x { bogus } }"'
	target = '/etc/nftables.d/mpfw-proxy.nft'
}
X
check 'a file nft -c refuses: exit 3, the table as it was' '
	inns $f nft list table inet mpfw_proxy >was && fw-proxy set transparent=off &&
	fails 3 fw-apply 2>err && has err "proxy-redirect: check failed" &&
	inns $f nft list table inet mpfw_proxy >now && same was now'
rm "$settings/units.d/zz-broken.conf"

check 'transparent=off: the table is gone, the client goes direct again' '
	fw-apply && ! inns $f nft list table inet mpfw_proxy >/dev/null 2>&1 &&
	fetch http://198.51.100.2/ >out && has out "^peer: 192.0.2.2\$" &&
	inns $f nft list table inet other >other.after &&
	same "$tmp/other.before" other.after'
