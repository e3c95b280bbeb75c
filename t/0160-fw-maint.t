#!/bin/sh -e
# fw-maint, the tool: the support keys and their checks, open and close,
# the rules between keys, and the files it renders, checked by sshd, ssh
# and the cron check.  The real logins, the tunnel and the update check
# are in 0161-0163.
. ./lib.sh
plan 33

maint=$settings/maint
keys=$settings/maint-keys
mkdir -p "$FW_ROOT/etc/ssh" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key"
k() { ssh-keygen -q -t "$1" ${3:+-b "$3"} -N '' -C "$2" -f "$tmp/$2"; }
k ed25519 alice
k ecdsa bob
k dsa dave
k rsa short 2048
k rsa long 3072
fp() { ssh-keygen -l -E sha256 -f "$tmp/$1.pub" | cut -d' ' -f2; }
now() { date +%s; }
until_s() { date -u -d "$(fw-maint get maint_until | sed 's/T/ /; s/Z$//')" +%s; }

check 'a fresh root: defaults, no keys, access closed (status exits 1)' '
	fw-maint show >out && has out "^maint_user=support\$" &&
	has out "^maint_until=.*\$" && has out "^update=no\$" &&
	has out "^update_time=03:30\$" && fw-maint keys >out &&
	! test -s out && fails 1 fw-maint status >out &&
	has out "^access	closed\$" && has out "^keys	0\$" &&
	has out "^tunnel	off\$"'

check 'keys add FILE: the key is listed with fingerprint, type, bits, comment' '
	fw-maint keys add "$tmp/alice.pub" && fw-maint keys >out &&
	printf "%s\tssh-ed25519\t256\talice\n" "$(fp alice)" >want &&
	same want out'

check 'the keys file is never world-readable: 0600' '
	test "$(stat -c %a "$keys")" = 600'

check 'keys add - reads stdin; a key already there is no change' '
	cat "$tmp/bob.pub" "$tmp/alice.pub" | fw-maint keys add - &&
	fw-maint keys | cut -f4 >out && printf "alice\nbob\n" >want &&
	same want out && cp "$keys" before &&
	fw-maint keys add "$tmp/alice.pub" && same before "$keys"'

cp "$keys" "$tmp/keys.before"
unchanged() { same "$tmp/keys.before" "$keys"; }
check 'a malformed line: exit 1, the line named, nothing changed' '
	printf "%s\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBROKEN x\n" \
	    "$(cat "$tmp/long.pub")" >in &&
	fails 1 fw-maint keys add in 2>err && has err "in:2: not a valid" &&
	unchanged && printf "not a key at all\n" | fails 1 fw-maint keys add - 2>err &&
	has err "stdin:1: not: not a key type taken" && unchanged'

check 'a DSA key is refused: exit 1, DSA named, nothing changed' '
	fails 1 fw-maint keys add "$tmp/dave.pub" 2>err &&
	has err "a DSA key: DSA is broken" && unchanged'

check 'an RSA key of 2048 bits is refused, 3072 bits taken' '
	fails 1 fw-maint keys add "$tmp/short.pub" 2>err &&
	has err "an RSA key of 2048 bits: at least 3072" && unchanged &&
	fw-maint keys add "$tmp/long.pub" && fw-maint keys | grep -q "	ssh-rsa	3072	long\$" &&
	fw-maint keys del "$(fp long)" && unchanged'

check 'a key with options of its own is refused: fw-maint writes them' '
	printf "from=\"*\" %s\n" "$(cat "$tmp/bob.pub")" |
	    fails 1 fw-maint keys add - 2>err && has err "options before the key" &&
	printf "command=\"sh\",no-pty %s\n" "$(cat "$tmp/bob.pub")" |
	    fails 1 fw-maint keys add - && unchanged'

check 'a certificate or a control character in the comment is refused' '
	printf "ssh-ed25519-cert-v01@openssh.com AAAA x\n" |
	    fails 1 fw-maint keys add - 2>err && has err "a certificate" &&
	printf "%s \033[2J\n" "$(cut -d" " -f1,2 "$tmp/bob.pub")" |
	    fails 1 fw-maint keys add - 2>err && has err "control character" &&
	unchanged'

check 'keys del: by fingerprint, or piped from keys; an unknown one is refused' '
	fails 1 fw-maint keys del SHA256:nosuchkey 2>err &&
	has err "no such key" && unchanged &&
	fw-maint keys | grep "	bob\$" | fw-maint keys del - &&
	fw-maint keys | cut -f4 >out && echo alice >want && same want out &&
	fw-maint keys add "$tmp/bob.pub"'

check 'a hand-made keys file keeps its mode, but loses world access' '
	chmod 0644 "$keys" && fw-maint keys add "$tmp/long.pub" &&
	test "$(stat -c %a "$keys")" = 640 && fw-maint keys del "$(fp long)" &&
	chmod 0600 "$keys"'

check 'a bad line put in by hand is named by keys (exit 1) and stops render' '
	cp "$keys" saved && echo "ssh-dss AAAAB3NzaC1kc3M= old" >>"$keys" &&
	fails 1 fw-maint keys >out 2>err && has err "maint-keys:3: a DSA key" &&
	test "$(wc -l <out)" = 2 &&
	fails 1 fw-maint render maint-keys >/dev/null 2>err &&
	has err "maint-keys:3: a DSA key" && cp saved "$keys"'

fw-maint set update_time=04:15
cp "$maint" "$tmp/maint.before"
check 'open -t: a year, 8 days, 0s, a bare number, 1y: exit 1, nothing changed' '
	for t in 365d 8d 8760h 1y 0s 10 "" 2x 1w1s; do
		fails 1 fw-maint open -t "$t" 2>err || exit 1
	done && has err "1w1s: at most a week" &&
	fails 1 fw-maint open -t 1y 2>err && has err "needs its unit" &&
	same "$tmp/maint.before" "$maint"'

check 'open -t 7d is the most; open alone is 4 hours' '
	fw-maint open -t 7d && d=$(( $(until_s) - $(now) )) &&
	test $d -ge $((7 * 86400 - 5)) && test $d -le $((7 * 86400)) &&
	fw-maint open && d=$(( $(until_s) - $(now) )) &&
	test $d -ge $((4 * 3600 - 5)) && test $d -le $((4 * 3600))'

check 'open -t 1h30m: the rendered keys carry that expiry-time and restrict' '
	fw-maint open -t 1h30m && e=$(date -u -d @$(until_s) +%Y%m%d%H%M%SZ) &&
	fw-maint render maint-keys >out &&
	test "$(grep -c "^expiry-time=\"$e\",restrict,pty,port-forwarding [a-z]" out)" = 2 &&
	has out "^# Generated by fw-maint render maint-keys"'

check 'maint_from becomes every key from=, the loopback too with the tunnel' '
	fw-maint set "maint_from=10.1.0.0/16 192.0.2.7" &&
	fw-maint render maint-keys >out &&
	test "$(grep -c "\",from=\"10.1.0.0/16,192.0.2.7[/0-9]*\",restrict" out)" = 2'

check 'close: the rendered file lets no key in; status says closed' '
	fw-maint close && test -z "$(fw-maint get maint_until)" &&
	fw-maint render maint-keys >out && ! grep -q "^[^#]" out &&
	has out "closed" && fails 1 fw-maint status >/dev/null'

check 'open without a support key is refused' '
	mv "$keys" "$tmp/k" && fails 1 fw-maint open 2>err &&
	has err "no support key" && mv "$tmp/k" "$keys"'

check 'maint_until: a time of UTC, at most a week ahead; a past one is closed' '
	fails 1 fw-maint set maint_until=tomorrow 2>err &&
	has err "maint_until=tomorrow: must be a time in UTC" &&
	fails 1 fw-maint set maint_until=$(date -u -d "+8 days" +%Y-%m-%dT%H:%M:%SZ) 2>err &&
	has err "at most a week ahead" &&
	fw-maint set maint_until=2020-01-01T00:00:00Z &&
	fw-maint render maint-keys >out && ! grep -q "^[^#]" out && fw-maint close'

check 'maint_user: never root, never an account mpfw did not make' '
	cp "$maint" before && fails 1 fw-maint set maint_user=root 2>err && has err "never root" &&
	fails 1 fw-maint set maint_user=daemon 2>err &&
	has err "maint_user=daemon: an account of this machine that mpfw did not create" &&
	same before "$maint"'

check 'update_url: an http URL is refused, naming https' '
	cp "$maint" before &&
	fails 1 fw-maint set update_url=http://updates.example.com/index 2>err &&
	has err "update_url=http://updates.example.com/index: must be an https URL" &&
	same before "$maint"'

check 'update=yes needs update_url; update_time is HH:MM; update_ca must exist' '
	cp "$maint" before &&
	fails 1 fw-maint set update=yes 2>err && has err "update=yes: needs update_url" &&
	fails 1 fw-maint set update_time=24:00 2>err && has err "update_time=24:00" &&
	fails 1 fw-maint set update_time=3:30 && fails 1 fw-maint set update_time=0330 &&
	fails 1 fw-maint set update_ca=/etc/ssl/nosuch.pem 2>err &&
	has err "update_ca=/etc/ssl/nosuch.pem: no such file" &&
	fails 1 fw-maint set update_ca=relative.pem && same before "$maint"'

check 'the cron unit file: an entry at update_time, only with update=yes' '
	fw-maint render cron >out && ! grep -q "^[0-9]" out &&
	fw-maint set update=yes update_url=https://updates.example.com/mpfw/index \
	    update_time=04:07 && fw-maint render cron >out &&
	has out "^7 4 \* \* \* root fw-maint -R $FW_ROOT check -l >/dev/null 2>&1\$" &&
	"$FW_DATADIR/check-cron" out'

check 'check-cron refuses what cron would skip' '
	printf "61 4 * * * root true\n" >bad && fails 1 "$FW_DATADIR/check-cron" bad &&
	printf "1 4 * * * nosuchuser true\n" >bad && fails 1 "$FW_DATADIR/check-cron" bad 2>err &&
	has err nosuchuser && printf "1 4 * * root\n" >bad &&
	fails 1 "$FW_DATADIR/check-cron" bad'

ssh-keygen -q -t ed25519 -N '' -f "$tmp/server"
hostkey=$(cut -d' ' -f1,2 "$tmp/server.pub")
check 'maint_tunnel=yes needs a host, a remote port and a host key' '
	cp "$maint" before &&
	fails 1 fw-maint set maint_tunnel=yes 2>err &&
	has err "maint_tunnel=yes: needs maint_tunnel_host" &&
	fails 1 fw-maint set maint_tunnel=yes maint_tunnel_host=support.example.com \
	    maint_tunnel_remote_port=20022 2>err &&
	has err "needs maint_tunnel_hostkey" && same before "$maint"'

check 'the host key: a DSA key, a broken one, a host name in front: refused' '
	cp "$maint" before &&
	fails 1 fw-maint set "maint_tunnel_hostkey=$(cut -d" " -f1,2 "$tmp/dave.pub")" 2>err &&
	has err DSA &&
	fails 1 fw-maint set "maint_tunnel_hostkey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBROKEN" &&
	fails 1 fw-maint set "maint_tunnel_hostkey=host.example.com $hostkey" &&
	fails 1 fw-maint set "maint_tunnel_hostkey=$hostkey comment" &&
	same before "$maint"'

check 'the tunnel files: the key pinned under the alias, ssh reads the config' '
	fw-maint set maint_tunnel=yes maint_tunnel_host=support.example.com \
	    maint_tunnel_remote_port=20022 "maint_tunnel_hostkey=$hostkey" &&
	mkdir -p st/etc/ssh && fw-maint render tunnel-config >st/etc/ssh/mpfw-tunnel.conf &&
	fw-maint render tunnel-known-hosts >st/etc/ssh/mpfw-tunnel.known_hosts &&
	"$FW_DATADIR/maint-tunnel" check "$tmp/st" &&
	has st/etc/ssh/mpfw-tunnel.known_hosts "^mpfw-support $hostkey\$" &&
	ssh -G -F st/etc/ssh/mpfw-tunnel.conf mpfw-support >g &&
	has g "^hostname support.example.com\$" &&
	has g "^remoteforward \[127.0.0.1\]:20022 \[127.0.0.1\]:22222\$" &&
	has g "^stricthostkeychecking true\$" &&
	has g "^userknownhostsfile $FW_ROOT/etc/ssh/mpfw-tunnel.known_hosts\$"'

check 'the tunnel until file: 0 when closed, the end of the window when open' '
	test "$(fw-maint render tunnel-until | grep -v "^#")" = 0 &&
	fw-maint open -t 1h && test "$(fw-maint render tunnel-until | grep -v "^#")" = "$(until_s)" &&
	fw-maint close'

check 'sshd_config: the account on the maintenance port only, keys only' '
	fw-svc set ssh_password=yes && fw-svc render sshd >sshd_config &&
	/usr/sbin/sshd -t -f sshd_config &&
	T() { /usr/sbin/sshd -T -f sshd_config -C "user=$1,lport=$2,addr=127.0.0.1,host=x,laddr=127.0.0.1" |
	    grep -E "^(authorizedkeysfile|passwordauthentication|authenticationmethods) "; } &&
	T support 22222 >out && has out "^authorizedkeysfile $FW_ROOT/etc/ssh/mpfw-maint.keys\$" &&
	has out "^passwordauthentication no" && has out "^authenticationmethods publickey" &&
	T support 22 >out && has out "^authorizedkeysfile none" &&
	has out "^passwordauthentication no" &&
	T alice 22 >out && has out "^passwordauthentication yes"'

check 'the maintenance account named root is never rendered' '
	echo maint_user=root >>"$maint" && fails 1 fw-svc render sshd 2>err &&
	has err "maint_user=root" && sed -i "/^maint_user=root/d" "$maint"'

# Bad bytes into every key, as t/0053 does for fw-svc: refused with the
# file untouched, or stored so that sh and every rendered file see data.
values() {
	printf 'a\nPasswordAuthentication yes\0'
	printf 'x",command="touch %s/PWNED\0' "$tmp"
	printf '10.0.0.1\nssh-ed25519 AAAA evil\0'
	printf "it's\0"
	printf 'a\\b\0'
	printf '$(touch %s/PWNED)\0' "$tmp"
	printf 'x; touch %s/PWNED\0' "$tmp"
	printf 'https://x.example/%%0a\0'
	printf '\033[2Jclear\0'
	printf '%%h%%n\0'
}
values | tr '\0' '\036' >"$tmp/values"
nvalues=$(tr -cd '\036' <"$tmp/values" | wc -c)
value() { awk -v RS='\036' -v n="$1" 'NR == n { printf "%s", $0 }' "$tmp/values"; }
render_all() {
	fw-maint render maint-keys >r.keys && fw-maint render cron >r.cron &&
	fw-maint render tunnel-config >r.conf && fw-svc render sshd >r.sshd &&
	/usr/sbin/sshd -t -f r.sshd 2>/dev/null && ssh -G -F r.conf mpfw-support >/dev/null &&
	"$FW_DATADIR/check-cron" r.cron &&
	! grep -q "^PasswordAuthentication yes" r.sshd r.conf &&
	! grep -q "evil\|command=" r.keys r.conf
}
fw-svc reset ssh_password
fw-maint open -t 1h
allkeys=$(fw-maint show | cut -d= -f1)
refused=0 stored=0 bad=0
for key in $allkeys; do
	n=1
	while [ $n -le "$nvalues" ]; do
		v=$(value $n)
		n=$((n + 1))
		cp "$maint" before
		if fw-maint set "$key=$v" 2>/dev/null; then
			stored=$((stored + 1))
			got=$(. "$maint"; eval "printf %s \"\$$key\"")
			if [ "$got" != "$v" ] || ! render_all; then
				echo "# $key: stored but not as data: $v" >&2
				bad=$((bad + 1))
			fi
			cp before "$maint"
		else
			st=$?
			refused=$((refused + 1))
			if [ $st != 1 ] || ! cmp -s before "$maint"; then
				echo "# $key: exit $st or file changed" >&2
				bad=$((bad + 1))
			fi
		fi
	done
done
check "every key, $nvalues bad values each: $refused refused, $stored stored as data, $bad wrong" \
    'test $bad = 0 && test $((refused + stored)) = $(( $(echo $allkeys | wc -w) * nvalues ))'

check 'no command was ever run, and every file still renders' '
	test ! -e "$tmp/PWNED" && render_all'

check 'a bad verb use: exit 2' '
	fails 2 fw-maint keys frob && fails 2 fw-maint keys add &&
	fails 2 fw-maint open -x && fails 2 fw-maint open extra &&
	fails 2 fw-maint close now && fails 2 fw-maint check -z'
