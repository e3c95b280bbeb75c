#!/bin/sh -e
# Many writers at once, and a lock held too long.  uci keeps 68 to 89 of
# 100 such writes and exits 0 for all; every one must be here.
. ./lib.sh
plan 6

# 40 keys of fw-svc with values that are not their defaults and break no
# rule together, and 60 DNS entries: 100 writers.
cat >"$tmp/pairs" <<'X'
domain=example.org
lan_ip=10.0.0.1
lan_nets=10.0.0.0/16
dmz_net=172.16.0.0/24
extra_net=172.17.0.0/24
serial_console=ttyS0
ssh=no
ssh_password=yes
ssh_port=2222
ssh_maint_port=2223
dns=no
dns_txt=yes
dns_port=5353
ntp=no
disk_temp=no
disk_smart=no
userif=yes
userif_port=9443
user_forward=yes
user_sort=yes
user_vacation=yes
mail=yes
mail_plaintext=yes
imap_max_conn=20
ftp=yes
ftpupload_shell=yes
irc=yes
mysql=yes
fail2ban=no
fail2ban_mail=ops@example.org
arpwatch=yes
nagios=yes
nagios_from=10.9.0.0/24
disk_temp_warn=40
disk_temp_crit=70
tgpro_ip=10.0.0.99
X
# nagios=yes needs nagios_from, whichever writer comes first.
fw-svc set nagios_from=10.9.0.0/24
check 'the pairs are all keys, each off its default' '
	while IFS== read -r k v; do
		test "$(fw-svc describe $k | sed -n "s/^default	//p")" != "$v" || exit 1
	done <"$tmp/pairs"'

# userif=yes needs mail=yes, whichever writer comes first.
fw-svc set mail=yes
pids=
while IFS== read -r k v; do
	fw-svc set "$k=$v" 2>>"$tmp/errors" & pids="$pids $!"
done <"$tmp/pairs"
i=0
while [ $i -lt 64 ]; do
	fw-dns add "host$i" "10.1.0.$i" 2>>"$tmp/errors" & pids="$pids $!"
	i=$((i + 1))
done
failed=0
for p in $pids; do wait $p || failed=$((failed + 1)); done
check "100 writers at once: every one exits 0 ($failed failed)" '
	test $failed = 0 && test "$(echo $pids | wc -w)" = 100 &&
	! grep -v "warning: " "$tmp/errors"'

check 'every fw-svc change is there' '
	while IFS== read -r k v; do
		test "$(fw-svc get $k)" = "$v" || { echo "$k: $(fw-svc get $k)"; exit 1; }
	done <"$tmp/pairs"'

check 'every DNS entry is there' '
	test "$(fw-dns list "host*" | wc -l)" = 64 &&
	test "$(fw-dns list host63)" = "host63	10.1.0.63"'

cp "$settings/services" b
cp "$settings/dns" d
flock "$settings/.lock" sleep 5 >/dev/null 2>&1 &
holder=$!
sleep 0.3
check 'a lock held past FW_LOCK_TIMEOUT: every writer exits 3 with a message' '
	FW_LOCK_TIMEOUT=0.3; export FW_LOCK_TIMEOUT;
	fails 3 fw-svc set ntp=yes 2>err && has err "still locked after 0.3 seconds" &&
	fails 3 fw-dns add late 10.0.0.5 2>err && has err "by pid $holder (flock)" &&
	fails 3 fw-apply 2>err && has err "FW_LOCK_TIMEOUT"'
# flock(1) runs sleep as its child: both go, by their pids.
kill $(ps -o pid= --ppid $holder) $holder 2>/dev/null || :

check 'and nothing was written' 'same b "$settings/services" && same d "$settings/dns"'
