#!/bin/sh -e
# Bad bytes for every key of fw-proxy, generated from its schema as
# t/0053 does for fw-svc: each value is refused with the file untouched,
# or stored so that sh and every rendered file see it as data: Squid's
# parser takes both squid.conf files, node the PAC file, lighttpd its
# file, nft the redirect, and e2guardian, Privoxy, Dante and ftp-proxy
# theirs, and no value became a directive or a macro
# (Squid shows each line after expanding its macros: it must be as written).
. ./lib.sh
plan 3

proxy=$settings/proxy
fw-proxy set cache_mem_mb=64
cp "$proxy" "$tmp/orig"
ns=mpfwt$$n
cleanup() { ip netns del $ns 2>/dev/null || :; }
! root || ip netns add $ns

values() {
	printf 'a\nhttp_access allow all\0'
	printf 'a" allow all\0'
	printf 'a\\\0'
	printf '${service_name}\0'
	printf 'x # comment\0'
	printf 'a\377\376b\0'
	printf '\033[2Jclear\0'
	common_bad_values
}
load_values values

# Every file, through its parser; the access rules exactly as rendered.
# c-icap's check starts a c-icap, which takes a second: it reads the base
# settings' file only (the last check), as no key of c-icap.conf is free
# text.
# The allow rules of each file: the clients, and the chained filters
# (youth and ad filter, on) that only the first instance serves.
allows() {
	printf "http_access allow mpfw_clients "
	[ "$1" != squid.conf ] || printf "http_access allow mpfw_filters "
}
render_all() {
	fw-proxy render squid >squid.conf && fw-proxy render squid3 >squid3.conf &&
	for f in squid.conf squid3.conf; do
		squid -k parse -f $f >parse.out 2>&1 &&
		! grep -q "FATAL\|ERROR\|Bungled" parse.out &&
		test "$(grep "^http_access allow" $f | sort | tr "\n" " ")" = \
		    "$(allows $f)" &&
		test "$(grep "^request_header_replace" $f)" = \
		    "$(sed -n "s/.*Processing: \(request_header_replace\)/\1/p" parse.out)" ||
		    return 1
	done &&
	fw-proxy pac >pac.js && node --check pac.js &&
	fw-proxy render wpad >wpad.conf && lighttpd -tt -f wpad.conf &&
	fw-proxy render proxy-redirect >r.nft && nft_c $ns r.nft &&
	mkdir -p e2 && fw-proxy render e2guardian >e2/e2guardian.conf &&
	fw-proxy render e2guardianf1 >e2/e2guardianf1.conf &&
	"$FW_DATADIR/check-e2guardian" e2/e2guardian.conf &&
	fw-proxy render privoxy >privoxy.conf &&
	"$FW_DATADIR/check-privoxy" privoxy.conf &&
	fw-proxy render dante >danted.conf &&
	sed "s/^logoutput:.*/logoutput: stderr/" danted.conf >danted.check &&
	danted -V -f danted.check &&
	fw-proxy render ftp-proxy >ftp-proxy.conf &&
	"$FW_DATADIR/check-ftp-proxy" ftp-proxy.conf
}
# Every feature that writes free text is on, and every daemon's file is
# written.  Dante checks that it can bind lan_ip.
fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.0/8
fw-proxy set header_filter=yes squid3=yes squid3_header_filter=yes \
    auto_proxy=yes transparent=squid scanner=yes youth_filter=yes \
    ad_filter=yes socks=yes ftp_proxy=yes ftp_transparent=yes

quiet_render() { render_all >/dev/null 2>&1; }
inject fw-proxy "$proxy" quiet_render
check "every key, $nvalues bad values each: $refused refused, $stored stored as data, $bad wrong" \
    'test $bad = 0 && test $((refused + stored)) = $(( $(echo $keys | wc -w) * nvalues )) &&
     test $stored -gt 0'

check 'no command was ever run' 'test ! -e "$tmp/PWNED"'

check 'the files of the base settings pass their parsers' '
	render_all && fw-proxy render c-icap >c-icap.conf &&
	"$FW_DATADIR/check-c-icap" c-icap.conf'
