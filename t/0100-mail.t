#!/bin/sh -e
# Mail end to end: the real Dovecot, started, reloaded and stopped by
# fw-apply through units.d, on 127.0.0.2 high ports, proven with
# python's imaplib and poplib (t/mail.sh, t/mailclient).
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP runs daemons as root"; exit 0; }
[ -n "${MPFW_UNSHARED-}" ] ||
    MPFW_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
. ./lib.sh
plan 18

. "$top/t/mail.sh"

fw-svc set lan_ip=127.0.0.2 lan_nets=127.0.0.0/30 dmz_net=127.0.1.0/24
fw-apply

check 'mail=yes and an apply start Dovecot, on lan_ip only' '
	test ! -s "$actions" &&
	fw-svc enable mail && fw-apply && test "$(cat $actions)" = start &&
	kill -0 "$(master)" && has "$conf" "^listen = \"127.0.0.2\"\$" &&
	fails 1 nc -z 127.0.0.1 $IMAP_PORT'

check 'mail_plaintext=no: IMAP LOGIN without TLS is refused' '
	fails 1 client imap plain 127.0.0.1 alice alice-pw >out &&
	has out "PRIVACYREQUIRED\\] Plaintext authentication disallowed"'

check 'and so is POP3 USER/PASS' '
	fails 1 client pop3 plain 127.0.0.1 alice alice-pw >out &&
	has out "Plaintext authentication disallowed"'

check 'STARTTLS and TLS still log in, IMAP and POP3' '
	client imap starttls 127.0.0.1 alice alice-pw &&
	client imaps plain 127.0.0.1 alice alice-pw &&
	client pop3 starttls 127.0.0.1 alice alice-pw'

# Dovecot delays the next login from an address where one failed: the
# failures come from addresses of their own.
check 'a wrong password is refused, so the logins above were real' '
	fails 1 client imap starttls 127.0.0.3 alice bob-pw >out &&
	has out AUTHENTICATIONFAILED'

check 'a system account (uid below 1000) gets no mail access' '
	useradd -r -M -s /usr/sbin/nologin daemonuser &&
	echo daemonuser:daemon-pw | chpasswd &&
	fails 1 client imap starttls 127.0.1.9 daemonuser daemon-pw >out &&
	has "$tmp/dovecot.log" "Mail access for users with UID [0-9]* not permitted"'

check 'clients from the DMZ log in, from an unknown network not' '
	client imap starttls 127.0.1.5 alice alice-pw &&
	fails 1 client imap starttls 127.0.2.5 alice alice-pw >out &&
	has out AUTHENTICATIONFAILED && has "$tmp/dovecot.log" "allow_nets check failed: IP 127.0.2.5"'

pid=$(master)
: >"$actions"
check 'extra_net and a soft apply let that network in, by a reload' '
	fw-svc set extra_net=127.0.2.0/24 && fw-apply &&
	test "$(cat $actions)" = reload && test "$(master)" = "$pid" &&
	client imap starttls 127.0.2.6 alice alice-pw'

: >"$actions"
check 'mail_plaintext=yes and a soft apply: a session open meanwhile goes on' '
	client imap starttls 127.0.0.1 bob bob-pw -- \
	    sh -c "fw-svc enable mail_plaintext 2>/dev/null && fw-apply" >out &&
	has out "^command exit 0\$" && has out "^session answers: OK\$"'

check 'the apply was a reload: the same master process' '
	test "$(cat $actions)" = reload && test "$(master)" = "$pid"'

check 'now a plaintext login from another address works, IMAP and POP3' '
	client imap plain 127.0.0.1 alice alice-pw &&
	client pop3 plain 127.0.0.1 alice alice-pw'

check 'imap_max_conn=2: the third IMAP connection of a user is refused' '
	fw-svc set imap_max_conn=2 && fw-apply &&
	fails 1 client imap plain 127.0.0.1 alice alice-pw 3 >out &&
	test "$(grep -c ^ok out)" = 2 &&
	has out "LIMIT\\] Maximum number of connections from user+IP exceeded"'

check 'from another address, or for another user, it is not' '
	client imap plain 127.0.1.5 alice alice-pw 2 &&
	client imap plain 127.0.0.1 bob bob-pw 2'

check 'imap_max_conn=3 takes a third connection again' '
	fw-svc set imap_max_conn=3 && fw-apply &&
	client imap plain 127.0.0.1 alice alice-pw 3'

check 'every change so far was a reload of one master, nothing deferred' '
	test "$(sort -u $actions)" = reload && test "$(master)" = "$pid" &&
	fw-apply status >out && ! test -s out'

check 'mail_plaintext=no again refuses the plaintext login' '
	fw-svc disable mail_plaintext && fw-apply &&
	fails 1 client imap plain 127.0.0.1 alice alice-pw >out &&
	has out PRIVACYREQUIRED'

: >"$actions"
check 'mail=no stops Dovecot; mail=yes starts it' '
	fw-svc disable mail && fw-apply && ! kill -0 "$pid" 2>/dev/null &&
	fails 1 nc -z 127.0.0.2 $IMAP_PORT &&
	fw-svc enable mail && fw-apply &&
	test "$(cat $actions | tr "\n" " ")" = "stop start " &&
	client imap starttls 127.0.0.1 alice alice-pw'

check 'a file Dovecot refuses is caught by doveconf: exit 3, nothing installed' '
	cp "$conf" before &&
	echo "no_such_setting = 1" >>"$tmp/dovecot-test.conf" &&
	fw-svc set imap_max_conn=4 && fails 3 fw-apply 2>err &&
	has err "dovecot: check failed" &&
	has err "Unknown setting: no_such_setting" && same before "$conf"'
