#!/bin/sh -e
# fw-proxy's filter proxies, SOCKS, the FTP proxy and the load balancer,
# the tool's side: keys and labels, refused values and rules (exit 1,
# nothing changed), and every file they render read by the daemon's own
# parser; the shipped units check them for real in a dry run.
. ./lib.sh
. "$top/t/proxy.sh"
plan 14

proxy=$settings/proxy
fw-proxy set cache_mem_mb=64
cp "$proxy" "$tmp/orig"
unchanged() { same "$tmp/orig" "$proxy"; }
ns=mpfwt$$n
cleanup() { ip netns del $ns 2>/dev/null || :; }
! root || ip netns add $ns

check 'keys lists the new keys with the manual labels' '
	fw-proxy keys >out &&
	has out "^scanner	bool	no	HTTP-Proxy-Scanner\$" &&
	has out "^youth_filter	bool	no	HTTP-Jugendfilter-Proxy\$" &&
	has out "^ad_filter	bool	no	HTTP-Werbefilter-Proxy\$" &&
	has out "^socks	bool	no	Socks-Proxy\$" &&
	has out "^socks_ports	portlist	21 22 80 443 1025-65535	Erlaubte Socks-Ports\$" &&
	has out "^ftp_proxy	bool	no	FTP-Proxy\$" &&
	has out "^ftp_transparent	bool	no	Transparenter FTP-Proxy\$" &&
	has out "^pound	bool	no	Pound-Proxy\$" &&
	has out "^scanner_port	port	3131	" && has out "^youth_filter_port	port	3132	" &&
	has out "^ad_filter_port	port	3133	"'

check 'describe says which unit a key feeds, and where the hand-written file is' '
	fw-proxy describe pound >out && has out "^units	haproxy\$" &&
	has out "/etc/haproxy/haproxy.cfg" && has out "haproxy -c" &&
	fw-proxy describe scanner >out && has out "^units	c-icap squid\$"'

check 'the filters need squid, transparent FTP the FTP proxy: both keys named' '
	fails 1 fw-proxy set squid=no scanner=yes 2>err &&
	has err "scanner=yes: needs squid=yes" &&
	fails 1 fw-proxy enable ftp_transparent 2>err &&
	has err "ftp_transparent=yes: needs ftp_proxy=yes" && unchanged &&
	fw-proxy enable ad_filter && fails 1 fw-proxy disable squid 2>err &&
	has err "ad_filter=yes: needs squid=yes" &&
	fw-proxy enable ftp_proxy ftp_transparent && fails 1 fw-proxy disable ftp_proxy 2>err &&
	has err "ftp_transparent=yes: needs ftp_proxy=yes" &&
	fw-proxy reset ftp_transparent ftp_proxy ad_filter && unchanged'

check 'auto_proxy_port: a filter port only while its proxy is on' '
	fails 1 fw-proxy set auto_proxy=yes auto_proxy_port=3132 2>err &&
	has err "auto_proxy_port=3132: youth_filter_port=3132 is the port of youth_filter, which is off (youth_filter=no)" &&
	fails 1 fw-proxy set auto_proxy=yes auto_proxy_port=3999 2>err &&
	has err "not the port of a proxy (squid_port=3128, squid3_port=3138, scanner_port=3131, youth_filter_port=3132, ad_filter_port=3133)" &&
	unchanged && fw-proxy set youth_filter=yes auto_proxy=yes auto_proxy_port=3132 &&
	fw-proxy pac | grep -q "PROXY 192.168.1.1:3132" &&
	fails 1 fw-proxy disable youth_filter 2>err && has err "youth_filter, which is off" &&
	fw-proxy reset auto_proxy youth_filter auto_proxy_port &&
	unchanged'

check 'bad ports and port lists are refused, naming the key; nothing changed' '
	fails 1 fw-proxy set scanner_port=0 2>err && has err "scanner_port" &&
	fails 1 fw-proxy set socks_port=70000 &&
	fails 1 fw-proxy set "socks_ports=80 0" 2>err && has err "socks_ports" &&
	fails 1 fw-proxy set "socks_ports=1025-70000" &&
	fails 1 fw-proxy set ftp_proxy_port=21 2>err && has err "ftp_proxy_port=21" &&
	fails 1 fw-proxy set pound=maybe 2>err && has err "pound" && unchanged'

check 'each proxy listens on a port of its own, across fw-proxy and fw-svc' '
	fails 1 fw-proxy set scanner_port=3128 2>err &&
	has err "scanner_port=3128: squid_port listens on that port already" &&
	fails 1 fw-proxy set socks_port=22 2>err && has err "ssh_port of fw-svc" &&
	fails 1 fw-proxy set icap_port=3133 2>err && has err "ad_filter_port listens" &&
	fails 1 fw-svc set userif_port=2121 2>err && has err "ftp_proxy_port of fw-proxy" &&
	unchanged'

# The firewall on 127.0.0.1, so that Dante's check can bind lan_ip.
fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32
fw-proxy set scanner=yes youth_filter=yes ad_filter=yes socks=yes ftp_proxy=yes \
    ftp_transparent=yes squid3=yes "client_nets=10.0.0.0/8 fd00::/64"

check 'squid: the scanner port with its ICAP service, the filters trusted; squid -k parse takes it' '
	fw-proxy render squid >squid.conf && squid -k parse -f squid.conf 2>err &&
	! grep -q "FATAL\|ERROR\|WARNING" err &&
	has squid.conf "^http_port 127.0.0.1:3131 name=mpfw_scanner\$" &&
	has squid.conf "^icap_service mpfw_virus_scan respmod_precache bypass=off icap://127.0.0.1:1344/virus_scan\$" &&
	has squid.conf "^send_hit deny mpfw_scanner\$" &&
	has squid.conf "^follow_x_forwarded_for allow mpfw_filters\$" &&
	fw-proxy render squid3 >squid3.conf && ! grep -q "icap\|3131\|mpfw_filters" squid3.conf'

check 'c-icap: its file starts a c-icap (check-c-icap)' '
	fw-proxy render c-icap >c-icap.conf && "$FW_DATADIR/check-c-icap" c-icap.conf &&
	has c-icap.conf "^Port 127.0.0.1:1344\$" &&
	has c-icap.conf "^clamd_mod.ClamdSocket $FW_ROOT/run/clamav/clamd.ctl\$"'

check 'e2guardian: both files start an e2guardian (check-e2guardian)' '
	mkdir e2 && fw-proxy render e2guardian >e2/e2guardian.conf &&
	fw-proxy render e2guardianf1 >e2/e2guardianf1.conf &&
	"$FW_DATADIR/check-e2guardian" e2/e2guardian.conf &&
	has e2/e2guardian.conf "^proxyport = 3128\$" &&
	has e2/e2guardianf1.conf "^naughtynesslimit = 50\$"'

check 'privoxy: privoxy --config-test takes it, without a complaint' '
	fw-proxy render privoxy >privoxy.conf && "$FW_DATADIR/check-privoxy" privoxy.conf &&
	has privoxy.conf "^forward / 127.0.0.1:3128\$" &&
	has privoxy.conf "^permit-access \[fd00::\]/64\$"'

check 'dante: danted -V takes it; connections only to socks_ports' '
	fw-proxy render dante >danted.conf &&
	sed "s/^logoutput:.*/logoutput: stderr/" danted.conf >danted.check &&
	danted -V -f danted.check &&
	test "$(grep -c "^socks pass" danted.conf)" = $((3 * 5)) &&
	has danted.conf "to: 0/0 port 1025 - 65535\$"'

check 'ftp-proxy: its file starts an ftp-proxy that greets (check-ftp-proxy)' '
	fw-proxy render ftp-proxy >ftp-proxy.conf &&
	"$FW_DATADIR/check-ftp-proxy" ftp-proxy.conf &&
	printf "Bogus yes\n" >>ftp-proxy.conf &&
	fails 1 "$FW_DATADIR/check-ftp-proxy" ftp-proxy.conf 2>err &&
	has err "unknown option Bogus"'

check 'proxy-redirect: the FTP redirect and filter, nft -c takes it' '
	fw-proxy set transparent=squid && fw-proxy render proxy-redirect >r.nft &&
	nft_c $ns r.nft &&
	has r.nft "tcp dport 80 .* dnat ip to 127.0.0.1:3129" &&
	has r.nft "tcp dport 21 .* dnat ip to 127.0.0.1:2121" &&
	has r.nft "ip daddr 127.0.0.1 tcp dport 2121 ip saddr != { 127.0.0.1/32, 10.0.0.0/8 } drop"'

# The shipped units, each checked by its daemon for real.
only_units c-icap squid e2guardian privoxy dante ftp-proxy proxy-redirect
nft="unshare -rn nft"
! root || nft="ip netns exec $ns nft"
cat >"$settings/units.d/test-nft.conf" <<X
unit proxy-redirect {
	check = '$nft -c -f %f'
}
X
fw-proxy set cache_disk_mb=0 cache_mem_mb=8 max_object_mem_kb=256
check 'the shipped units check every file for real in a dry run and plan their start' '
	fw-apply -n >out && has out "^c-icap	" && has out "^e2guardian	" &&
	has out "^privoxy	" && has out "^dante	" && has out "^ftp-proxy	" &&
	test ! -e "$FW_ROOT/etc/c-icap/c-icap.conf"'
