#!/bin/sh -e
# fw-maint check with update_proxy=yes through the firewall's own Squid:
# the squid.conf fw-proxy renders, applied by fw-apply and run by
# squidctl, as it ships (lan_ip:squid_port, its clients lan_nets); the
# update server of t/update.sh.  The firewall's address is 127.0.0.1, its
# internal network 127.0.0.1 alone.
. ./lib.sh
[ "$(id -u)" = 0 ] || skip_all 'not root: Squid runs as the proxy user'
. "$top/t/proxy.sh"
plan 7

. "$top/t/update.sh"
p1=$(free_port) p2=$(free_port)
only_units squid
squid_units
cleanup() { stop_squids; stop_update_server; }

fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32
fw-proxy set squid_port="$p1" squid3_port="$(free_port)" \
    transparent_port="$(free_port)" auto_proxy_http_port="$(free_port)" \
    cache_disk_mb=0 cache_mem_mb=8 max_object_mem_kb=256 \
    "https_ports=443 $https_port"
fw-maint set update_url="$url" update_ca=/etc/ssl/mpfw-ca.pem
index 99.1.0
conf=$FW_ROOT/etc/squid/squid.conf
log=$FW_ROOT/var/log/squid/access.log
connects() { grep -c "CONNECT 127.0.0.1:$https_port " "$log" || :; }

check 'the apply starts fw-proxy Squid, on lan_ip:squid_port alone' '
	fw-apply && kill -0 "$(squid_pid squid)" &&
	grep "^http_port " "$conf" >out && echo "http_port 127.0.0.1:$p1" >want &&
	same want out'

check 'update_proxy=yes: the update found through that Squid, which logs it' '
	fw-maint set update_proxy=yes && fails 1 fw-maint check >out 2>err &&
	has out "^update	99.1.0	" && ! test -s err &&
	wait_for 3 grep -q "TCP_TUNNEL/200 .* CONNECT 127.0.0.1:$https_port " "$log"'

check 'update_proxy=no: direct, Squid sees nothing more' '
	n=$(connects) && fw-maint set update_proxy=no &&
	fails 1 fw-maint check >/dev/null && sleep 0.5 &&
	test "$(connects)" = "$n" && fw-maint set update_proxy=yes'

check 'fw-proxy moves squid_port: the check follows, nothing set in fw-maint' '
	fw-proxy set squid_port="$p2" && fw-apply && n=$(connects) &&
	fails 1 fw-maint check >/dev/null &&
	wait_for 3 sh -c "test \$(grep -c \"CONNECT 127.0.0.1:$https_port \" \"$log\") -gt $n"'

check 'the server port outside https_ports: exit 3, naming the proxy 403' '
	fw-proxy set https_ports=443 && fw-apply &&
	fails 3 fw-maint check >out 2>err && ! test -s out &&
	has err "^fw-maint: $url: proxy 127.0.0.1:$p2: HTTP 403 to CONNECT (fw-proxy.s https_ports" &&
	fw-proxy set "https_ports=443 $https_port" && fw-apply &&
	fails 1 fw-maint check >/dev/null'

check 'Squid down: exit 3, naming connect and the proxy' '
	"$FW_DATADIR/squidctl" "$sq1" stop "$conf" &&
	fails 3 fw-maint check 2>err && has err ": connect: " &&
	has err "(through 127.0.0.1:$p2)\$"'

check 'fw-proxy squid=no: exit 3 at once, naming it' '
	fw-proxy set squid=no && fails 3 fw-maint check >out 2>err &&
	! test -s out && has err "fw-proxy squid=no" && fw-proxy set squid=yes'
