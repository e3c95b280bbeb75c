#!/bin/sh -e
# Bad bytes, generated from the schema so that every new key is covered
# without a new test: for every key, values with a newline, a carriage
# return, a NUL, quotes, a backslash, command substitution, overlong text
# and invalid UTF-8 are refused with the file untouched, or stored so that
# sh and every rendered file see them as data, never as a directive.
. ./lib.sh
plan 8

svc=$settings/services
fw-svc set ntp=no
cp "$svc" "$tmp/orig"
mkdir -p "$FW_ROOT/etc/ssh"

# The bad values: newlines with the directives of sshd and dnsmasq,
# invalid UTF-8, a terminal escape, and those of every test (t/lib.sh).
values() {
	printf 'a\nPasswordAuthentication yes\0'
	printf '10.0.0.1\nfilter-rr=A\0'
	printf 'a\377\376b\0'
	printf '\033[2Jclear\0'
	common_bad_values
}
load_values values

# render_all: every unit's file, checked by its daemon where it can be.
render_all() {
	fw-svc render dnsmasq >"$tmp/dnsmasq.conf" &&
	dnsmasq --test --conf-file="$tmp/dnsmasq.conf" 2>/dev/null &&
	fw-svc render sshd >"$tmp/sshd_config" &&
	fw-dns render >"$tmp/hosts" &&
	fw-svc render dovecot >"$tmp/dovecot.conf" &&
	doveconf -n -c "$tmp/dovecot.conf" >/dev/null 2>&1 &&
	fw-svc render vsftpd >"$tmp/vsftpd.conf" &&
	fw-svc render vsftpd-pam >"$tmp/vsftpd.pam" &&
	"$FW_DATADIR/check-vsftpd" "$tmp/vsftpd.conf" 2>/dev/null &&
	fw-svc render ftpupload >"$tmp/ftpupload" &&
	"$FW_DATADIR/ftpupload-account" -n "$tmp/ftpupload" &&
	fw-svc render ngircd >"$tmp/ngircd.conf" &&
	"$FW_DATADIR/check-ngircd" "$tmp/ngircd.conf" 2>/dev/null &&
	fw-svc render mariadb >"$tmp/mariadb.cnf" &&
	fw-svc render mariadb-root >"$tmp/mariadb-root.sql" &&
	"$FW_DATADIR/check-mariadb-root" "$tmp/mariadb-root.sql"
}

# clean: the files render and their daemons take them; no directive came
# in (sshd's, dnsmasq's).
clean() {
	render_all &&
	    ! grep -q "^PasswordAuthentication yes" "$tmp"/*.conf \
	    "$tmp/sshd_config" "$tmp/ftpupload" &&
	    ! grep -q "^filter-rr=A" "$tmp/dnsmasq.conf"
}
inject fw-svc "$svc" clean
check "every key, $nvalues bad values each: $refused refused, $stored stored as data, $bad wrong" \
    'test $bad = 0 && test $((refused + stored)) = $(( $(echo $keys | wc -w) * nvalues ))'

check 'no command was ever run' 'test ! -e "$tmp/PWNED"'

check 'a NUL through set - is refused for every key, the file untouched' '
	for k in $keys; do
		printf "%s=a\0b\n" "$k" | fails 1 fw-svc set - 2>/dev/null || exit 1
	done && same "$tmp/orig" "$svc"'

# As set - reads them.  Broken quoting is refused outright; well-quoted
# tricks may be refused or stored, and then sh reads them back as data.
cat >"$tmp/broken" <<'X'
=$(touch PWNED)
=`touch PWNED`
='a'b'
='x
=a b
X
cat >"$tmp/quoted" <<'X'
='$(touch PWNED)'
='a'\''b'
='`touch PWNED`; x'
X
check 'set - refuses broken quoting for every key, the file untouched' '
	for k in $keys; do
		while IFS= read -r t; do
			printf "%s%s\n" "$k" "$t" | fails 1 fw-svc set - 2>/dev/null ||
			    { echo "$k$t"; exit 1; }
		done <"$tmp/broken"
	done && test ! -e PWNED && same "$tmp/orig" "$svc"'

check 'set - keeps well-quoted tricks as data, or refuses them' '
	for k in $keys; do
		while IFS= read -r t; do
			cp "$svc" before
			if printf "%s%s\n" "$k" "$t" | fw-svc set - 2>/dev/null; then
				want=$(eval "x$t"; printf %s "$x") &&
				got=$(. "$svc"; eval "printf %s \"\$$k\"") &&
				test "$got" = "$want" && fw-svc reset $k || exit 1
			else
				same before "$svc" || exit 1
			fi
		done <"$tmp/quoted"
	done && test ! -e PWNED'

cp "$settings/dns" "$tmp/dns.orig" 2>/dev/null || : >"$tmp/dns.orig"
check 'fw-dns refuses every bad value as a name or an address' '
	n=1
	while [ $n -le "$nvalues" ]; do
		v=$(value $n)
		fails 1 fw-dns add "$v" 10.0.0.1 2>/dev/null || exit 1
		fails 1 fw-dns add host "$v" 2>/dev/null || exit 1
		printf "%s 10.0.0.1\n" "$v" | fails 1 fw-dns import 2>/dev/null || exit 1
		n=$((n + 1))
	done && test ! -s "$settings/dns"'

check 'the rendered files of a clean root pass their daemons checks' '
	ssh-keygen -q -t ed25519 -N "" -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key" &&
	render_all && mkdir -p /run/sshd && /usr/sbin/sshd -t -f "$tmp/sshd_config" &&
	mariadbd --defaults-extra-file="$tmp/mariadb.cnf" --help --verbose \
	    >/dev/null 2>&1'

# The MySQL root password reaches its file only as a hash: whatever it
# holds, nothing but the one statement, which its check lets through.
check 'a password of SQL and quotes is rendered as a hash only' '
	printf "%s\n" "x'"'"'; DROP DATABASE mysql; -- \"\\" |
	    fw-svc passwd mysql_root_password &&
	render_all && ! grep -q DROP "$tmp/mariadb-root.sql" &&
	grep -Eq "^ALTER USER .* USING .\*[0-9A-F]{40}. OR unix_socket;\$" \
	    "$tmp/mariadb-root.sql"'
