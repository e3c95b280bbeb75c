#!/bin/sh -e
# fw-svc: the verbs, the rules, the file format's promises, secrets,
# locking.  A full disk and the audit trail need root: t/0057.
. ./lib.sh
plan 54

svc=$settings/services

# A file as an admin may have left it: comments, a blank line, a key the
# schema does not know.
mkdir -p "$settings"
cat >"$svc" <<'X'
# set up by the installer
ntp=no

site_contact='Jane Doe'
X
cp "$svc" "$tmp/orig"

check 'an invalid bool is refused, naming the key and the values' '
	fails 1 fw-svc set ssh_password=maybe 2>err &&
	has err "fw-svc: ssh_password=maybe: must be yes or no" &&
	same "$tmp/orig" "$svc"'

check 'one bad value among several changes nothing' '
	fails 1 fw-svc set ntp=yes imap_max_conn=500 2>err &&
	has err "imap_max_conn=500: must be an integer from 1 to 100" &&
	same "$tmp/orig" "$svc"'

check 'every bad value is reported, not just the first' '
	fails 1 fw-svc set ssh=perhaps lan_ip=1.2.3 2>err &&
	has err "ssh=perhaps" && has err "lan_ip=1.2.3"'

check 'a key given twice is refused by set, reset, enable and disable' '
	fails 1 fw-svc set ntp=yes ntp=no 2>err && has err "ntp: given twice" &&
	fails 1 fw-svc set ssh=no ntp=yes ntp=yes 2>err &&
	has err "ntp: given twice" &&
	printf "ntp=yes\nntp=no\n" | fails 1 fw-svc set - 2>err &&
	has err "ntp: given twice" &&
	fails 1 fw-svc reset ntp ntp 2>err && has err "ntp: given twice" &&
	fails 1 fw-svc enable ntp irc ntp 2>err && has err "ntp: given twice" &&
	fails 1 fw-svc disable ntp ntp 2>err && has err "ntp: given twice" &&
	same "$tmp/orig" "$svc"'

check 'set ssh=on stores ssh=yes' '
	fw-svc set ssh=off && has "$svc" "^ssh=no\$" &&
	fw-svc set ssh=on && has "$svc" "^ssh=yes\$"'

check 'comments and unknown keys stay where they were' '
	head -4 "$svc" >head && same "$tmp/orig" head'

check 'show reports an unknown key on stderr and keeps it' '
	fw-svc show >out 2>err &&
	has err "services:4: site_contact: unknown key, kept" &&
	has "$svc" "^site_contact=.Jane Doe.\$"'

cp "$svc" "$tmp/before"
check 'show | set - leaves the file byte for byte as it was' '
	fw-svc show | fw-svc set - && same "$tmp/before" "$svc"'

check 'setting a default that is not in the file writes nothing' '
	fw-svc set dns_txt=no ssh_password=off && same "$tmp/before" "$svc"'

check 'set - takes quoted values, comments and blank lines' '
	printf "# from a script\n\nlan_nets=%s\n" "'"'10.0.0.0/8 192.168.1.0/24'"'" |
	    fw-svc set - &&
	test "$(fw-svc get lan_nets)" = "10.0.0.0/8 192.168.1.0/24"'

check 'sourcing the file in sh gives what get gives, for every key' '
	fw-svc set "dmz_net=172.16.0.0/24 172.16.1.0/24" \
	    fail2ban_mail=ops@example.com domain=example.com &&
	for k in $(fw-svc keys | awk -F"\t" "\$2 != \"secret\" {print \$1}"); do
		v=$(fw-svc get $k) &&
		s=$(. "$svc"; eval "printf %s \"\${$k-\$v}\"") &&
		from_show=$(eval "$(fw-svc show)"; eval "printf %s \"\$$k\"") &&
		[ "$v" = "$s" ] && [ "$v" = "$from_show" ] ||
		    { echo "$k: get=$v sh=$s show=$from_show"; exit 1; }
	done'

check 'lists are normalised: commas, extra spaces' '
	fw-svc set "nagios_from=10.1.1.1/32,  10.1.1.2" &&
	test "$(fw-svc get nagios_from)" = "10.1.1.1/32 10.1.1.2/32"'

check 'a network with host bits set is refused with the right network' '
	fails 1 fw-svc set lan_nets=192.168.1.1/24 2>err &&
	has err "host bits set; the network is 192.168.1.0/24"'

cp "$svc" "$tmp/before"
check 'a newline in a value is refused' '
	fails 1 fw-svc set "domain=a
b" 2>err && has err "control character 0x0a" && same "$tmp/before" "$svc"'

check 'a carriage return, a tab, an escape are refused' '
	fails 1 fw-svc set "$(printf "fail2ban_mail=a\r@example.com")" &&
	fails 1 fw-svc set "$(printf "domain=a\tb")" &&
	fails 1 fw-svc set "$(printf "domain=\033[2J")" &&
	same "$tmp/before" "$svc"'

check 'a NUL through set - is refused' '
	printf "domain=a\0b\n" | fails 1 fw-svc set - 2>err &&
	has err NUL && same "$tmp/before" "$svc"'

check 'an unknown key is refused with exit 1' '
	fails 1 fw-svc set colour=red 2>err && has err "colour: unknown key" &&
	fails 1 fw-svc get colour && fails 1 fw-svc describe colour'

check 'a wrong verb or a missing operand is a usage error' '
	fails 2 fw-svc frobnicate 2>err && has err "^usage: fw-svc" &&
	fails 2 fw-svc get && fails 2 fw-svc set && fails 2 fw-svc &&
	fails 2 fw-svc -x show'

check 'a root that does not exist is a usage error' '
	fails 2 fw-svc -R "$tmp/nonexistent" show 2>err &&
	test ! -e "$tmp/nonexistent"'

check 'warn above crit is refused, naming both keys and values' '
	fails 1 fw-svc set disk_temp_warn=65 2>err &&
	has err "disk_temp_warn=65: must be below disk_temp_crit=60"'

check 'warn equal to crit is refused: below means below' '
	cp "$svc" b && fails 1 fw-svc set disk_temp_warn=60 2>err &&
	has err "disk_temp_warn=60: must be below disk_temp_crit=60" &&
	fails 1 fw-svc set disk_temp_crit=50 2>err &&
	has err "disk_temp_warn=50: must be below disk_temp_crit=50" &&
	fw-svc set disk_temp_warn=59 && fw-svc reset disk_temp_warn &&
	same b "$svc"'

check 'changing crit below warn is refused as well' '
	fails 1 fw-svc set disk_temp_crit=45 2>err &&
	has err "disk_temp_warn=50: must be below disk_temp_crit=45"'

check 'a set of both is judged on the result' '
	fw-svc set disk_temp_warn=65 disk_temp_crit=70 &&
	test "$(fw-svc get disk_temp_warn)" = 65'

check 'userif_port may not take another service port' '
	for p in 21 22 22222 25 53 110 123 143 1080 3128 3131 3132 3133 3138 \
	    3306 3493 5666 6667; do
		fails 1 fw-svc set userif_port=$p 2>err || exit 1
		has err "port $p is used by another service" || exit 1
	done && fw-svc set userif_port=9443'

check 'turning on mail_plaintext warns with the reason, and does it' '
	fw-svc set mail_plaintext=yes 2>err &&
	has err "warning: mail_plaintext=yes: passwords then cross" &&
	test "$(fw-svc get mail_plaintext)" = yes'

check 'setting it again changes nothing and warns no more' '
	fw-svc set mail_plaintext=yes 2>err && ! test -s err'

check 'turning off fail2ban warns' '
	fw-svc disable fail2ban 2>err && has err "warning: fail2ban=no"'

check 'enable and disable set booleans, and only booleans' '
	fw-svc enable irc mysql && fw-svc disable ntp &&
	test "$(fw-svc get irc)$(fw-svc get mysql)$(fw-svc get ntp)" = yesyesno &&
	fails 1 fw-svc enable imap_max_conn 2>err && has err "not a yes/no key"'

check 'reset removes the line and brings back the default' '
	fw-svc reset irc mysql && ! grep -q "^irc=" "$svc" &&
	test "$(fw-svc get irc)" = no'

check 'reset of a key not in the file changes nothing' '
	cp "$svc" b && fw-svc reset arpwatch && same b "$svc"'

check 'keys lists key, type, default and label, tab separated' '
	fw-svc keys >out &&
	has out "^imap_max_conn	int	10	IMAP max Verb. / Ben.+IP\$" &&
	has out "^dmz_net	cidrlist		DMZ-Netz\$" &&
	test "$(awk -F"\t" "NF != 4" out | wc -l)" = 0'

check 'describe gives type, range, default, value, help' '
	fw-svc describe imap_max_conn >out &&
	has out "^type	int\$" && has out "^range	1 to 100\$" &&
	has out "^default	10\$" && has out "^help	The most IMAP"'

check 'passwd stores a secret in a 0600 file under etc/mpfw/secrets' '
	printf "s3cr3t pass\n" | fw-svc passwd mysql_root_password &&
	test "$(stat -c %a "$settings/secrets")" = 700 &&
	test "$(stat -c %a "$settings/secrets/services")" = 600 &&
	has "$settings/secrets/services" "^mysql_root_password=.\*[0-9A-F]\{40\}.\$" &&
	! grep -r s3cr3t "$settings" && cp "$settings/secrets/services" secret.was'

check 'show leaves the secret out, get of it exits 1' '
	fw-svc show >out && ! grep -q mysql_root_password out &&
	! grep -q s3cr3t out &&
	fails 1 fw-svc get mysql_root_password 2>err && ! grep -q s3cr3t err'

check 'describe says a secret is set, never what it is' '
	fw-svc describe mysql_root_password >out && has out "^set	yes\$" &&
	! grep -q s3cr3t out'

check 'a secret cannot be set on the command line' '
	fails 1 fw-svc set mysql_root_password=x 2>err &&
	has err "a secret: set it with fw-svc passwd"'

check 'an empty password or a control character is refused' '
	printf "\n" | fails 1 fw-svc passwd mysql_root_password &&
	printf "a\033b\n" | fails 1 fw-svc passwd mysql_root_password &&
	fails 1 fw-svc passwd ssh </dev/null &&
	same secret.was "$settings/secrets/services"'

# At a terminal, as an admin types it (t/ptyrun): asked twice, echo off.
check 'passwd at a terminal asks twice, naming the key, and echoes nothing' '
	"$top/t/ptyrun" "Tty-pass 1" "Tty-pass 1" -- fw-svc passwd mysql_root_password >out &&
	has out "^New mysql_root_password: " && has out "^Retype mysql_root_password: " &&
	! grep -q Tty-pass out && ! same secret.was "$settings/secrets/services" &&
	cp "$settings/secrets/services" secret.was'

check 'at a terminal an empty first answer or two that differ change nothing' '
	"$top/t/ptyrun" "" -- fw-svc passwd mysql_root_password >out; test $? = 1 &&
	has out "mysql_root_password: empty password refused; fw-svc reset mysql_root_password removes it" &&
	! grep -q "^Retype" out &&
	"$top/t/ptyrun" one two -- fw-svc passwd mysql_root_password >out; test $? = 1 &&
	has out "the passwords differ; nothing changed" &&
	same secret.was "$settings/secrets/services"'

check 'reset removes a secret' '
	fw-svc reset mysql_root_password &&
	fw-svc describe mysql_root_password | grep -q "^set	no\$"'

check 'a file keeps its mode; a new one is 0644, its directory 0755, whatever the umask' '
	chmod 640 "$svc" && fw-svc set ntp=yes &&
	test "$(stat -c %a "$svc")" = 640 &&
	mkdir -p "$tmp/r2" && (umask 077 && fw-svc -R "$tmp/r2" set ntp=no) &&
	test "$(stat -c %a "$tmp/r2/etc/mpfw/services")" = 644 &&
	test "$(stat -c %a "$tmp/r2/etc/mpfw")" = 755'

check 'a broken line in the file stops every verb with exit 3' '
	mkdir -p "$tmp/r3/etc/mpfw" && echo "ntp no" >"$tmp/r3/etc/mpfw/services" &&
	fails 3 fw-svc -R "$tmp/r3" get ntp 2>err &&
	has err "services:1: not a comment nor key=value" &&
	fails 3 fw-svc -R "$tmp/r3" set ntp=yes'

check 'a key starting with a digit, which sh would run, stops every verb with exit 3' '
	mkdir -p "$tmp/r5/etc/mpfw" && printf "ntp=no\n1abc=x\n" >"$tmp/r5/etc/mpfw/services" &&
	fails 3 fw-svc -R "$tmp/r5" get ntp 2>err &&
	has err "services:2: not a comment nor key=value" &&
	fails 3 fw-svc -R "$tmp/r5" set ntp=yes'

check 'an invalid value in the file is shown with a warning, never rendered' '
	mkdir -p "$tmp/r4/etc/mpfw" && echo "ssh=maybe" >"$tmp/r4/etc/mpfw/services" &&
	test "$(fw-svc -R "$tmp/r4" get ssh 2>err)" = maybe &&
	has err "ssh=maybe: must be yes or no" &&
	fails 1 fw-svc -R "$tmp/r4" render sshd >out 2>err && ! test -s out &&
	has err "ssh=maybe: must be yes or no"'

# The lock is held until the file "release" appears; the holder notes
# when it lets go, the writer when it is done.
check 'two services on one port, made by hand, are never rendered' '
	mkdir -p "$tmp/r6/etc/mpfw" &&
	printf "ssh_port=2222\ndns_port=2222\n" >"$tmp/r6/etc/mpfw/services" &&
	fails 1 fw-svc -R "$tmp/r6" render sshd >out 2>err && ! test -s out &&
	has err "ssh_port=2222: dns_port listens on that port already"'

check 'a second writer waits for the lock, and finishes after it is released' '
	flock "$settings/.lock" sh -c "touch held
	    while [ ! -e release ]; do sleep 0.02; done; date +%s%N >released" &
	wait_for 5 test -e held &&
	{ fw-svc set userif_port=9444 && date +%s%N >done; } & w=$! &&
	sleep 0.5 && test ! -e done && pid_alive $w &&
	test "$(fw-svc get userif_port)" != 9444 &&
	touch release && wait $w && test -s done &&
	test "$(cat done)" -gt "$(cat released)" &&
	test "$(fw-svc get userif_port)" = 9444'

check 'after FW_LOCK_TIMEOUT a writer gives up with exit 3, naming the holder' '
	cp "$svc" b &&
	(flock "$settings/.lock" sleep 3 >/dev/null 2>&1 & sleep 0.2 &&
	fails 3 env FW_LOCK_TIMEOUT=0.5 fw-svc set userif_port=9445 2>err) &&
	has err "still locked after 0.5 seconds (FW_LOCK_TIMEOUT) by pid [0-9]* (flock)" &&
	same b "$svc"'

check 'output to a full device is an error' '
	fails 3 fw-svc show >/dev/full 2>err && has err "stdout"'

# -v of the writing verbs: each change as key TAB old TAB new, effective
# values (the default for a key absent from the file), nothing when
# nothing changed (fw-svc(1) set).
fw-svc reset arpwatch ssh_port mail nagios_port mysql_root_password

check 'set -v prints each change as key, old and new value, tab-separated' '
	fw-svc set -v arpwatch=on ssh_port=2222 >out &&
	printf "arpwatch\tno\tyes\nssh_port\t22\t2222\n" >want && same want out &&
	test "$(fw-svc get ssh_port)" = 2222 &&
	fw-svc set ssh_port=2223 >out && test ! -s out'

check 'set -v prints nothing when nothing changed, also after normalising' '
	cp "$svc" b && fw-svc set -v arpwatch=on ssh_port=02223 >out &&
	test ! -s out && same b "$svc" &&
	fw-svc set -v arpwatch=yes nagios_port=5667 >out &&
	printf "nagios_port\t5666\t5667\n" >want && same want out'

check 'reset -v prints the value going and the default coming; nothing for an absent key' '
	fw-svc reset -v ssh_port nagios_port >out &&
	printf "ssh_port\t2223\t22\nnagios_port\t5667\t5666\n" >want && same want out &&
	! grep -q "^ssh_port=" "$svc" &&
	fw-svc reset -v ssh_port >out && test ! -s out'

check 'enable -v and disable -v print the switch, and nothing when it was already so' '
	fw-svc enable -v mail >out && printf "mail\tno\tyes\n" >want && same want out &&
	fw-svc enable -v mail >out && test ! -s out &&
	fw-svc disable -v mail arpwatch >out &&
	printf "mail\tyes\tno\narpwatch\tyes\tno\n" >want && same want out &&
	fw-svc disable -v mail >out && test ! -s out'

check 'reset -v of a secret prints that it changed, never its value' '
	echo "Very-s3cret-pw" | fw-svc passwd mysql_root_password &&
	fw-svc reset -v mysql_root_password >out 2>err &&
	printf "mysql_root_password\tchanged\tchanged\n" >want && same want out &&
	! grep -q "Very-s3cret" out err'

check 'a refused value under -v prints no change and writes nothing' '
	cp "$svc" b && fails 1 fw-svc set -v ssh_port=2224 ssh=maybe >out 2>err &&
	test ! -s out && same b "$svc" && has err "ssh=maybe" &&
	fails 1 fw-svc enable -v nagios_port >out 2>/dev/null && test ! -s out'
