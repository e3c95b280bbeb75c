#!/bin/sh -e
# IP blocks (issue 11): fail2ban, rendered by fw-svc and made live by
# fw-apply, bans an address that fails to log in to the test's sshd too
# often, as an nftables rule; the banned client's next connection fails;
# with fail2ban_mail, the ban is mailed; the jails follow the services'
# keys.  All of it in a network and mount namespace of the test's own
# (t/ns.sh): its own packet filter, its own /dev/log (busybox syslogd
# writing the auth log fail2ban reads) and a recording sendmail.
. ./ns.sh
. ./lib.sh
plan 13

ns_syslog "$FW_ROOT/var/log/auth.log"
ns_sendmail
ssh_port=$(free_port)
maint_port=$(free_port)
f2b=$FW_ROOT/etc/fail2ban

# The installed fail2ban that the rendered files go into.
mkdir -p "$FW_ROOT/etc" "$FW_ROOT/run/fail2ban" "$FW_ROOT/var/lib/fail2ban"
cp -R /etc/fail2ban "$f2b"

# The test's sshd, logging through syslog as the real one does.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey"
cat >"$tmp/sshd_config" <<X
Port $ssh_port
Port $maint_port
ListenAddress 127.0.0.1
HostKey $tmp/hostkey
PidFile $tmp/sshd.pid
SyslogFacility AUTH
LogLevel INFO
X
/usr/sbin/sshd -f "$tmp/sshd_config"

# The unit's service control, pointed at a fail2ban of this test: the
# shipped commands with fail2ban-client for `service fail2ban`.  As in
# t/0030, a reload of a server not running yet starts it.
client() { fail2ban-client -c "$f2b" "$@"; }
cat >"$tmp/f2bctl" <<X
#!/bin/sh
c() { fail2ban-client -c "$f2b" "\$@" </dev/null; }
running() { c ping >/dev/null 2>&1; }
case \$1 in
start) running || c -x start >/dev/null ;;
stop) running || exit 0; c stop >/dev/null ;;
reload) if running; then c reload >/dev/null; else c -x start >/dev/null; fi ;;
esac
X
chmod +x "$tmp/f2bctl"
only_units fail2ban
cat >"$settings/units.d/test.conf" <<X
unit fail2ban {
	reload  = '"\$FW_DATADIR/fail2ban-logs" %t && $tmp/f2bctl reload'
	restart = '"\$FW_DATADIR/fail2ban-logs" %t && $tmp/f2bctl stop && $tmp/f2bctl start'
	start   = '"\$FW_DATADIR/fail2ban-logs" %t && $tmp/f2bctl start'
	stop    = '$tmp/f2bctl stop'
}
X
cleanup() {
	"$tmp/f2bctl" stop
	[ ! -s "$tmp/sshd.pid" ] || kill "$(cat "$tmp/sshd.pid")"
	kill "$ns_syslogd"
}

# fail_login FROM: one failed login from address FROM, an unknown user.
fail_login() {
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -b "$1" \
	    -p "$ssh_port" nobody-here@127.0.0.1 true </dev/null 2>/dev/null ||
	    :
}
# connects FROM PORT: a TCP connection from FROM to the sshd succeeds.
connects() { nc -z -w 2 -s "$1" 127.0.0.1 "$2"; }
banned() { nft list set inet f2b-table addr-set-sshd 2>/dev/null | grep -q "$1"; }
jails() { client status | sed -n 's/.*Jail list:[[:space:]]*//p'; }

# An address the mail syntax allows, which a shell would run.
mail='ops`touch${IFS}'$tmp'/PWNED`$x%y@example.org'
fw-svc set lan_ip=127.0.0.1 ssh_port="$ssh_port" \
    ssh_maint_port="$maint_port" "fail2ban_mail=$mail"

check 'the first apply starts fail2ban with the sshd jail on both SSH ports' '
	fw-apply && test "$(jails)" = sshd &&
	has "$f2b/jail.local" "^port = $ssh_port,$maint_port\$" &&
	has "$f2b/jail.local" "^banaction = nftables-multiport\$"'

check 'failed logins below the limit ban nobody' '
	fail_login 127.0.0.2 && fail_login 127.0.0.2 && sleep 2 &&
	! banned 127.0.0.2 && connects 127.0.0.2 "$ssh_port"'

check 'five failed logins ban the address in nftables' '
	fail_login 127.0.0.2 && fail_login 127.0.0.2 && fail_login 127.0.0.2 &&
	wait_for 10 banned 127.0.0.2'

check 'the banned client cannot connect to either SSH port' '
	! connects 127.0.0.2 "$ssh_port" && ! connects 127.0.0.2 "$maint_port"'

check 'another address still can' 'connects 127.0.0.3 "$ssh_port"'

# The one mail that says "banned"; the jail's start is mailed too.
ban_mail() { grep -l "banned 127\.0\.0\.2" "$tmp"/mail/m.* 2>/dev/null; }
check 'the ban is mailed to fail2ban_mail, its ` $ and % as data' '
	wait_for 10 ban_mail && m=$(ban_mail) &&
	test "$(sed -n 3p "$m")" = "$mail" && grep -qxF "To: $mail" "$m" &&
	has "$m" "^Subject: \[Fail2Ban\] sshd: banned 127.0.0.2 " &&
	test ! -e "$tmp/PWNED"'

check 'mail=yes adds the Dovecot jail at the next apply, its log made' '
	fw-svc enable mail && fw-apply -n >out && has out "^fail2ban	reload\$" &&
	fw-apply && test "$(jails)" = "dovecot, sshd" &&
	test -f "$FW_ROOT/var/log/mail.log"'

check 'a reload keeps the bans' 'banned 127.0.0.2'

check 'mail=no removes the Dovecot jail at the next apply' '
	fw-svc disable mail && fw-apply && test "$(jails)" = sshd &&
	sed -n "/^\[dovecot\]/,/^\$/p" "$f2b/jail.local" >out &&
	has out "^enabled = false\$" && ! grep -q logpath out'

check 'ftp=yes adds the vsftpd jail, ssh=no takes the sshd jail away' '
	fw-svc set ftp=yes ssh=no && fw-apply && test "$(jails)" = vsftpd &&
	fw-svc set ftp=no ssh=yes && fw-apply && test "$(jails)" = sshd'

check 'without fail2ban_mail a ban mails nothing' '
	fw-svc set fail2ban_mail= && fw-apply && rm -f "$tmp"/mail/m.* &&
	! grep -q "sendmail\|destemail" "$f2b/jail.local" &&
	for i in 1 2 3 4 5; do fail_login 127.0.0.4; done &&
	wait_for 10 banned 127.0.0.4 && sleep 1 && ! ls "$tmp"/mail/m.* 2>/dev/null'

check 'fail2ban=no stops fail2ban, and its bans with it' '
	fw-svc disable fail2ban 2>/dev/null && fw-apply &&
	! client ping >/dev/null 2>&1 && ! nft list table inet f2b-table 2>/dev/null &&
	connects 127.0.0.2 "$ssh_port"'

check 'the ban has come from the auth log fail2ban reads, as syslog wrote it' '
	has "$FW_ROOT/var/log/auth.log" "sshd\[[0-9]*\]: Invalid user nobody-here from 127.0.0.2"'
