#!/bin/sh -e
# fw-proxy, the tool: keys and labels, refused values and rules (exit 1,
# nothing changed), the rendered files read by Squid's, nft's and
# lighttpd's own parsers, and probe's usage and exit statuses.
. ./lib.sh
plan 17

proxy=$settings/proxy
fw-proxy set log_mime=no cache_mem_mb=64
cp "$proxy" "$tmp/orig"
unchanged() { same "$tmp/orig" "$proxy"; }

check 'keys lists every key with the manual label' '
	fw-proxy keys >out &&
	has out "^squid	bool	yes	Squid-HTTP-Proxy\$" &&
	has out "^squid3	bool	no	Squid3-HTTP-Proxy\$" &&
	has out "^http_ports	portlist	80 21 443 70 210 280 488 591 777 1025-65535	Erlaubte HTTP-Ports\$" &&
	has out "^transparent	enum	off	Transparenter HTTP-Proxy\$" &&
	has out "^auto_proxy_except	string		Auto-HTTP-Proxy-Ausnahmen\$" &&
	test "$(wc -l <out)" = 40'

check 'ports 0 and 70000 are refused, in lists too' '
	fails 1 fw-proxy set "http_ports=80 0" 2>err && has err "must be a port from 1 to 65535" &&
	fails 1 fw-proxy set https_ports=70000 && fails 1 fw-proxy set squid_port=0 &&
	fails 1 fw-proxy set "http_ports=80 1025-70000" && unchanged'

check 'a header name with a colon, a space or a newline is refused' '
	fails 1 fw-proxy set "headers_allowed=Accept X-Bad:Header" 2>err &&
	has err "headers_allowed: X-Bad:Header: not a header name" &&
	fails 1 fw-proxy set "squid3_request_headers=Accept \"X-Q\"" &&
	fails 1 fw-proxy set "squid3_reply_headers=Date
Set-Cookie" 2>err && has err "control character" && unchanged'

check 'Squid own words All and Other, and a header twice, are refused' '
	fails 1 fw-proxy set "headers_allowed=Accept all" 2>err &&
	has err "a word of Squid" &&
	fails 1 fw-proxy set "squid3_reply_headers=Other" &&
	fails 1 fw-proxy set "headers_allowed=Accept X-A accept" 2>err &&
	has err "Accept: listed twice" && unchanged'

check 'a user agent with control characters, non-ASCII or over 200 is refused' '
	fails 1 fw-proxy set "user_agent=$(printf "a\tb")" 2>err &&
	fails 1 fw-proxy set "user_agent=Ümlaut" 2>err &&
	has err "user_agent: only printable ASCII" &&
	fails 1 fw-proxy set "user_agent=$(printf "%0201d" 0)" 2>err &&
	has err "longer than 200" && unchanged'

check 'a user agent of 200 printable characters is taken' '
	fw-proxy set "user_agent=$(printf "%0200d" 0)" && fw-proxy reset user_agent'

check 'transparent needs its proxy on, naming both keys' '
	fails 1 fw-proxy set transparent=squid3 2>err &&
	has err "transparent=squid3: needs squid3=yes" &&
	fw-proxy set transparent=squid && fails 1 fw-proxy set squid=no 2>err &&
	has err "transparent=squid: needs squid=yes" &&
	fw-proxy set transparent=off && cp "$proxy" "$tmp/orig"'

check 'transparent and auth exclude each other' '
	fails 1 fw-proxy set transparent=squid auth=yes 2>err &&
	has err "transparent=squid: needs auth=no" && unchanged'

check 'listening ports differ, across fw-proxy and fw-svc' '
	fails 1 fw-proxy set squid3_port=3128 2>err &&
	has err "squid3_port=3128: squid_port listens on that port already" &&
	fails 1 fw-proxy set transparent_port=22 2>err &&
	has err "ssh_port of fw-svc" &&
	fails 1 fw-svc set userif_port=3129 2>err &&
	has err "transparent_port of fw-proxy" && unchanged'

check 'show | set - changes nothing' '
	fw-proxy show | fw-proxy set - && unchanged'

# The rendered files, read by the daemons' own parsers.  The User-Agent
# in Squid's quotes, its macro broken by \{:
cat >"$tmp/ua.line" <<'X'
request_header_replace "User-Agent" "It's \"quoted\" \\ $\{service_name}"
X
check 'squid and squid3 render files that squid -k parse takes, every feature on' '
	fw-proxy set squid3=yes header_filter=yes squid3_header_filter=yes \
	    auth=yes client_nets="10.0.0.0/8 fd00::/64" log_mime=yes \
	    "user_agent=It'\''s \"quoted\" \\ \${service_name}" &&
	fw-proxy render squid >squid.conf && fw-proxy render squid3 >squid3.conf &&
	squid -k parse -f squid.conf 2>err1 && ! grep -q "FATAL\|ERROR" err1 &&
	squid -k parse -f squid3.conf 2>err3 && ! grep -q "FATAL\|ERROR" err3 &&
	has squid3.conf "^reply_header_access All deny all\$" &&
	grep -Fqxf "$tmp/ua.line" squid.conf'

check 'the transparent intercept port goes to the proxy named, only' '
	fw-proxy set auth=no transparent=squid3 &&
	fw-proxy render squid3 >s3 && fw-proxy render squid >s1 &&
	has s3 "^http_port 192.168.1.1:3129 intercept\$" &&
	! grep -q intercept s1 && squid -k parse -f s3 2>/dev/null'

ns=mpfwt$$n
cleanup() { ip netns del $ns 2>/dev/null || :; }
! root || ip netns add $ns
check 'proxy-redirect: nft -c takes it, on and off (in a namespace of its own)' '
	fw-proxy render proxy-redirect >on.nft &&
	nft_c $ns on.nft &&
	has on.nft "^table inet mpfw_proxy\$" &&
	has on.nft "^delete table inet mpfw_proxy\$" &&
	fw-proxy set transparent=off && fw-proxy render proxy-redirect >off.nft &&
	nft_c $ns off.nft && ! grep -q dnat off.nft &&
	! grep -v "^#" on.nft | grep -v mpfw_proxy | grep -q "^table"'

check 'wpad: lighttpd -tt takes its file' '
	fw-proxy render wpad >wpad.conf && lighttpd -tt -f wpad.conf'

check 'probe: a bad option or no URL is a usage error (2), a bad URL refused (1)' '
	fails 2 fw-proxy probe 2>err && has err "usage: fw-proxy" &&
	fails 2 fw-proxy probe -p 0 http://127.0.0.1/ 2>/dev/null &&
	fails 2 fw-proxy probe -x http://127.0.0.1/ 2>/dev/null &&
	fails 1 fw-proxy probe "gopher://127.0.0.1/" 2>err &&
	has err "must be an http, https or ftp URL"'

check 'probe: no proxy listening is exit 3, and says why' '
	fw-svc set lan_ip=127.0.0.1 &&
	fails 3 fw-proxy probe -p "$(free_port)" http://127.0.0.1/ >out &&
	has out "^error	" && ! grep -q "^status" out'

check 'render of an unknown unit names the near one' '
	fails 1 fw-proxy render squid4 2>err && has err "did you mean squid"'
