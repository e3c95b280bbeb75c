#!/bin/sh -e
# fw-proxy auth=yes with the real Squid: the system's accounts, through
# PAM, as for mail.  The accounts are made in a private mount namespace,
# over copies of /etc/passwd, /etc/shadow, /etc/group and /etc/gshadow:
# the machine's own are never touched.
[ "$(id -u)" = 0 ] || { echo '1..0 # SKIP not root: Squid runs as the proxy user, its helpers in a mount namespace'; exit 0; }
if [ -z "${MPFW_MOUNTNS-}" ]; then
	MPFW_MOUNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi
. ./lib.sh
. "$top/t/proxy.sh"
plan 10

mkdir "$tmp/etc"
for f in passwd shadow group gshadow; do
	cp -p "/etc/$f" "$tmp/etc/$f"
	mount --bind "$tmp/etc/$f" "/etc/$f"
done
# The files are bind mounts: written in place, never renamed over.
add_account() {
	printf '%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' "$1" "$2" "$2" \
	    >>/etc/passwd
	printf '%s:%s:19000:0:99999:7:::\n' "$1" "$(openssl passwd -6 -stdin)" \
	    >>/etc/shadow
	printf '%s:x:%s:\n' "$1" "$2" >>/etc/group
}
printf '%s\n' 'secret' | add_account alice 64001
printf '%s\n' 'with space:and%' | add_account bob 64002

p1=$(free_port) o1=$(free_port)
only_units squid
squid_units
cleanup() { stop_proxies; stop_squids; stop_origins; }
start_origin 127.0.0.1 "$o1"
fw-svc set lan_ip=127.0.0.1 lan_nets=127.0.0.1/32
fw-proxy set squid_port="$p1" transparent_port="$(free_port)" \
    auto_proxy_http_port="$(free_port)" cache_disk_mb=0 cache_mem_mb=8 \
    max_object_mem_kb=256 auth=yes
code() { curl -s -m 10 -o /dev/null -w '%{http_code}' -x "127.0.0.1:$p1" \
    "$@" "http://127.0.0.1:$o1/"; }

check 'auth=yes without the proxy user in group shadow: the check says how' '
	fails 3 fw-apply 2>err &&
	has err "auth=yes: the proxy user cannot read /etc/shadow" &&
	has err "adduser proxy shadow" && test ! -e "$FW_ROOT/run/squid.pid"'

g=$(awk -F: -v OFS=: '$1 == "shadow" { $4 = $4 ? $4 ",proxy" : "proxy" } 1' \
    /etc/group)
printf '%s\n' "$g" >/etc/group
check 'with it, the apply starts squid' '
	fw-apply && kill -0 "$(squid_pid squid)"'

check 'no credentials: 407, asking for Basic' '
	curl -s -i -m 10 -x 127.0.0.1:$p1 http://127.0.0.1:$o1/ >out &&
	has out "^HTTP/1.1 407" && has out "^Proxy-Authenticate: Basic realm"'

check 'an account and its password: 200' '
	test "$(code -U alice:secret)" = 200'

check 'a wrong password or an unknown user: 407' '
	test "$(code -U alice:wrong)" = 407 && test "$(code -U mallory:secret)" = 407'

check 'a password with a space and a percent sign works' '
	test "$(code -U "bob:with space:and%")" = 200'

check 'fw-proxy probe without credentials: exit 1, status 407' '
	fails 1 fw-proxy probe http://127.0.0.1:$o1/ >out &&
	has out "^status	407\$"'

check 'auth=no: no login asked any more' '
	fw-proxy set auth=no && fw-apply && test "$(code)" = 200'

# The youth filter chained to Squid: the login is still Squid's, which
# e2guardian passes on both ways.
py=$(free_port)
only_units squid e2guardian
squid_units
proxy_units e2guardian
fw-proxy set auth=yes youth_filter_port="$py"
fw-apply
check 'through the youth filter: no credentials, Squid asks for them (407)' '
	fw-proxy enable youth_filter && fw-apply && listening 127.0.0.1 $py &&
	curl -s -i -m 20 -x 127.0.0.1:$py http://127.0.0.1:$o1/ >out &&
	has out "^HTTP/1.1 407" && has out "^Proxy-Authenticate: Basic realm"'

check 'and with an account, the page, logged under its name' '
	test "$(curl -s -m 20 -o /dev/null -w "%{http_code}" -U alice:secret \
	    -x 127.0.0.1:$py http://127.0.0.1:$o1/)" = 200 &&
	wait_for 5 grep -q " alice HIER_DIRECT" "$FW_ROOT/var/log/squid/access.log"'
