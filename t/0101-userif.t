#!/bin/sh -e
# The user interface end to end: ManageSieve of the real Dovecot on
# userif_port (t/mail.sh), scripts uploaded with sieve-connect, mail
# delivered by dovecot-lda, which runs them; the users' rights
# (user_vacation, user_sort, user_forward) taken away and given back by
# soft applies.
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP runs daemons as root"; exit 0; }
[ -n "${MPFW_UNSHARED-}" ] ||
    MPFW_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
. ./lib.sh
plan 20

. "$top/t/mail.sh"
SIEVE_PORT=$(free_port)
export SIEVE_PORT

# A redirect goes out through sendmail_path: here, into a log.
mkdir -m 1777 "$tmp/sent"
install -m 666 /dev/null "$tmp/sent/log"
printf '#!/bin/sh\necho "sendmail $*" >>%s/sent/log\ncat >>%s/sent/log\n' \
    "$tmp" "$tmp" >"$tmp/sendmail"
chmod 755 "$tmp/sendmail"
echo "sendmail_path = $tmp/sendmail" >>"$tmp/dovecot-test.conf"

printf 'alice-pw\n' >"$tmp/alice.pw"
sieve() {
	sieve-connect -s 127.0.0.2 -p "$SIEVE_PORT" -u alice --notlsverify \
	    --passwordfd 3 "$@" 3<"$tmp/alice.pw"
}
upload() { sieve --upload --localsieve "$tmp/$1.sieve" --remotesieve "$1"; }
stored() { test -s "$tmp/home/alice/sieve/$1.sieve"; }
echo 0 >"$tmp/n"
# deliver: a new message to alice, through dovecot-lda and her script;
# each its own Message-ID, or Dovecot would not forward it twice.
# deliver FROM: from another sender than carol (a vacation notice
# answers each sender once).  -a: the address it was sent to, as an MTA
# passes it ($RECIPIENT); a vacation notice answers only mail sent to it.
deliver() {
	n=$(($(cat "$tmp/n") + 1))
	echo $n >"$tmp/n"
	printf 'From: %s\nTo: alice@example.lan\nSubject: %s\nMessage-ID: <%s@example.org>\n\nhello\n' \
	    "${1:-carol@example.org}" "$n" "$n" |
	    /usr/lib/dovecot/dovecot-lda -c "$conf" -d alice \
	    -a alice@example.lan -f "${1:-carol@example.org}"
}
# count FOLDER: its messages, "" being the inbox.
count() {
	find "$tmp/home/alice/Maildir/$1/new" "$tmp/home/alice/Maildir/$1/cur" \
	    -type f 2>/dev/null | wc -l
}
sent() { grep -c '^sendmail' "$tmp/sent/log" || :; }

printf 'require "vacation";\nvacation "I am away.";\n' >"$tmp/away.sieve"
printf 'require "fileinto";\nfileinto "Lists";\n' >"$tmp/sort.sieve"
printf 'redirect "bob@example.lan";\n' >"$tmp/forward.sieve"
printf 'require "enotify";\nnotify "mailto:bob@example.lan";\n' \
    >"$tmp/notify.sieve"

fw-svc set lan_ip=127.0.0.2 lan_nets=127.0.0.0/30 dmz_net=127.0.1.0/24 \
    userif_port="$SIEVE_PORT"
cp "$settings/services" before

check 'userif=yes without mail is refused, naming both keys' '
	fails 1 fw-svc set userif=yes 2>err && has err "userif=yes: needs mail=yes" &&
	same before "$settings/services"'

fw-apply
check 'userif=yes and mail=yes: ManageSieve on userif_port, on lan_ip' '
	fw-svc set userif=yes mail=yes && fw-apply &&
	test "$(cat $actions)" = start && sieve --list &&
	fails 1 nc -z 127.0.0.1 $SIEVE_PORT'

check 'from the internal networks only: not from the DMZ, where IMAP works' '
	client sieve starttls 127.0.0.1 alice alice-pw &&
	client imap starttls 127.0.1.5 alice alice-pw &&
	fails 1 client sieve starttls 127.0.1.6 alice alice-pw >out &&
	has out "Authentication failed" &&
	has "$tmp/dovecot.log" "allow_nets check failed: IP 127.0.1.6"'

check 'mail_plaintext=no: a ManageSieve login without STARTTLS is refused' '
	fails 1 client sieve plain 127.0.0.1 alice alice-pw >out &&
	has out "Plaintext authentication disabled" &&
	client sieve starttls 127.0.0.1 alice alice-pw'

check 'mail_plaintext=yes: the plaintext ManageSieve login works' '
	fw-svc enable mail_plaintext 2>/dev/null && fw-apply &&
	client sieve plain 127.0.0.1 alice alice-pw &&
	fw-svc disable mail_plaintext && fw-apply &&
	fails 1 client sieve plain 127.0.0.3 alice alice-pw >out &&
	has out "Plaintext authentication disabled"'

check 'user_vacation=no: a vacation script is refused at upload' '
	fails 1 upload away >out 2>&1 &&
	has out "unknown Sieve capability .vacation." && ! stored away'

pid=$(master)
: >"$actions"
check 'user_vacation=yes and a soft apply (a reload): it is stored' '
	fw-svc enable user_vacation && fw-apply &&
	test "$(cat $actions)" = reload && test "$(master)" = "$pid" &&
	upload away && stored away && sieve --list | grep -qx "\"away\""'

check 'user_sort=no: a fileinto script is refused at upload' '
	fails 1 upload sort >out 2>&1 &&
	has out "unknown Sieve capability .fileinto." && ! stored sort'

check 'user_sort=yes: it is stored, and delivery files mail into the folder' '
	fw-svc enable user_sort && fw-apply && upload sort && stored sort &&
	sieve --activate --remotesieve sort && deliver &&
	test "$(count .Lists)" = 1 && test "$(count "")" = 0'

check 'user_sort=no again: the stored script no longer files anything' '
	fw-svc disable user_sort && fw-apply && deliver &&
	test "$(count .Lists)" = 1 && test "$(count "")" = 1 &&
	has "$tmp/dovecot.log" "requires unknown extension .fileinto."'

check 'user_forward=no: a notification by mail is refused at upload' '
	fails 1 upload notify >out 2>&1 &&
	has out "unknown Sieve capability .enotify." && ! stored notify'

check 'user_forward=no: a redirect is stored, but never carried out' '
	upload forward && sieve --activate --remotesieve forward && deliver &&
	test "$(sent)" = 0 && test "$(count "")" = 2 &&
	has "$tmp/home/alice/.dovecot.sieve.log" \
	    "local policy prohibits the use of a redirect"'

check 'user_forward=yes and a soft apply: the redirect is carried out' '
	fw-svc enable user_forward && fw-apply && deliver &&
	test "$(sent)" = 1 && has "$tmp/sent/log" "^sendmail .*bob@example.lan" &&
	has "$tmp/sent/log" "^Subject: $(cat "$tmp/n")\$" &&
	test "$(count "")" = 2'

check 'one forward a message: a script with two redirects does not send' '
	printf "redirect \"bob@example.lan\";\nredirect \"carol@example.org\";\n" \
	    >"$tmp/two.sieve" && upload two && sieve --activate --remotesieve two &&
	deliver && test "$(sent)" = 1 && test "$(count "")" = 3'

check 'user_forward=no again: the redirect is not carried out' '
	sieve --activate --remotesieve forward &&
	fw-svc disable user_forward && fw-apply && deliver &&
	test "$(sent)" = 1 && test "$(count "")" = 4'

# The vacation notice goes out through sendmail_path, as a redirect does
# (its lines end in CR LF).
: >"$tmp/sent/log"
check 'user_vacation=yes: the stored vacation script answers the sender' '
	sieve --activate --remotesieve away && deliver &&
	test "$(sent)" = 1 && has "$tmp/sent/log" "^sendmail .* -- carol@example.org\$" &&
	has "$tmp/sent/log" "^To: <carol@example.org>" &&
	has "$tmp/sent/log" "^Subject: Auto: $(cat "$tmp/n")[[:space:]]*\$" &&
	has "$tmp/sent/log" "^I am away\.[[:space:]]*\$" && test "$(count "")" = 5'

check 'user_vacation=no after the script was stored: it no longer answers' '
	fw-svc disable user_vacation && fw-apply && deliver dave@example.org &&
	test "$(sent)" = 1 && test "$(count "")" = 6 &&
	has "$tmp/dovecot.log" "requires unknown extension .vacation."'

check 'every right changed by a reload of one master, nothing deferred' '
	test "$(sort -u $actions)" = reload && test "$(master)" = "$pid" &&
	fw-apply status >out && ! test -s out'

check 'userif=no and a soft apply close ManageSieve; IMAP goes on' '
	fw-svc disable userif && fw-apply && test "$(master)" = "$pid" &&
	fails 1 nc -z 127.0.0.2 $SIEVE_PORT &&
	client imap starttls 127.0.0.1 alice alice-pw'

check 'mail=no is refused while userif=yes, and both go off together' '
	fw-svc enable userif && fails 1 fw-svc disable mail 2>err &&
	has err "userif=yes: needs mail=yes" &&
	fw-svc disable mail userif && fw-apply && ! kill -0 "$pid" 2>/dev/null'
