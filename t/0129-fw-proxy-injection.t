#!/bin/sh -e
# Bad bytes for every key of fw-proxy, generated from its schema as
# t/0053 does for fw-svc: each value is refused with the file untouched,
# or stored so that sh and every rendered file see it as data: Squid's
# parser takes both squid.conf files, node the PAC file, lighttpd its
# file and nft the redirect, and no value became a directive or a macro
# (Squid shows each line after expanding its macros: it must be as written).
. ./lib.sh
plan 3

proxy=$settings/proxy
fw-proxy set cache_mem_mb=64
cp "$proxy" "$tmp/orig"
ns=mpfwt$$n
cleanup() { ip netns del $ns 2>/dev/null || :; }
ip netns add $ns

values() {
	printf 'a\nhttp_access allow all\0'
	printf 'a\rb\0'
	printf "it's\0"
	printf 'a"b\0'
	printf 'a" allow all\0'
	printf 'a\\\0'
	printf 'a\\b\0'
	printf '${service_name}\0'
	printf '$(touch %s/PWNED)\0' "$tmp"
	printf '`touch %s/PWNED`\0' "$tmp"
	printf 'x; touch %s/PWNED\0' "$tmp"
	printf 'x # comment\0'
	printf 'a\377\376b\0'
	printf '\033[2Jclear\0'
	awk 'BEGIN { while (i++ < 5000) printf "a"; printf "%c", 0 }'
}
values | tr '\0' '\036' >"$tmp/values"
nvalues=$(tr -cd '\036' <"$tmp/values" | wc -c)
value() { awk -v RS='\036' -v n="$1" 'NR == n { printf "%s", $0 }' "$tmp/values"; }

# Every file, through its parser; the access rules exactly as rendered.
render_all() {
	fw-proxy render squid >squid.conf && fw-proxy render squid3 >squid3.conf &&
	for f in squid.conf squid3.conf; do
		squid -k parse -f $f >parse.out 2>&1 &&
		! grep -q "FATAL\|ERROR\|Bungled" parse.out &&
		test "$(grep -c "^http_access allow" $f)" = 1 &&
		test "$(grep "^request_header_replace" $f)" = \
		    "$(sed -n "s/.*Processing: \(request_header_replace\)/\1/p" parse.out)" ||
		    return 1
	done &&
	fw-proxy pac >pac.js && node --check pac.js &&
	fw-proxy render wpad >wpad.conf && lighttpd -tt -f wpad.conf &&
	fw-proxy render proxy-redirect >r.nft && ip netns exec $ns nft -c -f r.nft
}
# Every feature that writes free text is on.
fw-proxy set header_filter=yes squid3=yes squid3_header_filter=yes \
    auto_proxy=yes transparent=squid
cp "$proxy" "$tmp/base"

keys=$(fw-proxy keys | awk -F'\t' '$2 != "secret" { print $1 }')
refused=0 stored=0 bad=0
for k in $keys; do
	n=1
	while [ $n -le "$nvalues" ]; do
		v=$(value $n)
		n=$((n + 1))
		cp "$proxy" "$tmp/before"
		if fw-proxy set "$k=$v" 2>/dev/null; then
			stored=$((stored + 1))
			got=$(. "$proxy"; eval "printf %s \"\$$k\"")
			if [ "$got" != "$v" ] || ! render_all >/dev/null 2>&1; then
				echo "# $k=$v: stored but not as data" >&2
				bad=$((bad + 1))
			fi
			cp "$tmp/base" "$proxy"
		else
			st=$?
			refused=$((refused + 1))
			if [ $st != 1 ] || ! cmp -s "$tmp/before" "$proxy"; then
				echo "# $k: exit $st or file changed" >&2
				bad=$((bad + 1))
			fi
		fi
	done
done
check "every key, $nvalues bad values each: $refused refused, $stored stored as data, $bad wrong" \
    'test $bad = 0 && test $((refused + stored)) = $(( $(echo $keys | wc -w) * nvalues )) &&
     test $stored -gt 0'

check 'no command was ever run' 'test ! -e "$tmp/PWNED"'

check 'the files of the base settings pass their parsers' 'render_all'
