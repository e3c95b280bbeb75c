#!/bin/sh -e
# fw-apply end to end, with the real daemons on 127.0.0.1 high ports: a
# dnsmasq (and an upstream dnsmasq for TXT answers and forwarded ones,
# which logs the queries it gets) and an sshd, started and reloaded
# through a units.d in the test's root.
. ./lib.sh
plan 46

run=$tmp/run
mkdir -p "$run" /run/sshd
dns_port=$(free_port)
up_port=$(free_port)
ssh_port=$(free_port)
maint_port=$(free_port)

# ---- the daemons' controls, called by the units ----
cat >"$tmp/dnsmasqctl" <<X
#!/bin/sh
# dnsmasqctl start|stop|restart|reload CONF
pid=$run/dnsmasq.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	# until it is gone, or a zombie init has not reaped yet
	while kill -0 \$p 2>/dev/null &&
	    ! grep -q "^[0-9]* ([^)]*) Z" /proc/\$p/stat 2>/dev/null; do
		sleep 0.02
	done
	rm -f \$pid
}
start() {
	dnsmasq --conf-file="\$1" --pid-file=\$pid --user=root \
	    --log-facility=$run/dnsmasq.log --no-resolv \
	    --server=127.0.0.1#$up_port
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
reload) running && kill -HUP "\$(cat \$pid)" ;;
esac
X
cat >"$tmp/sshdctl" <<X
#!/bin/sh
# sshdctl start|stop|restart|reload CONF
pid=$run/sshd.pid
running() { [ -s \$pid ] && kill -0 "\$(cat \$pid)" 2>/dev/null; }
listening() { grep -c "Server listening on 0.0.0.0 port \$1\\." $run/sshd.log; }
stop() {
	running || return 0
	p=\$(cat \$pid); kill \$p
	# until it is gone, or a zombie init has not reaped yet
	while kill -0 \$p 2>/dev/null &&
	    ! grep -q "^[0-9]* ([^)]*) Z" /proc/\$p/stat 2>/dev/null; do
		sleep 0.02
	done
	rm -f \$pid
}
start() {
	/usr/sbin/sshd -f "\$1" -o PidFile=\$pid -E $run/sshd.log \
	    -o AuthorizedKeysFile=$tmp/authorized_keys -o StrictModes=no
	while ! running; do sleep 0.02; done
}
case \$1 in
start) running || start "\$2" ;;
stop) stop ;;
restart) stop; start "\$2" ;;
reload)
	running || { start "\$2"; exit; }
	# sshd re-executes itself on SIGHUP: wait until it listens again on
	# both ports, or a login right after the apply finds them closed.
	a=\$(listening $ssh_port) b=\$(listening $maint_port)
	kill -HUP "\$(cat \$pid)"
	while [ \$(listening $ssh_port) = \$a ] ||
	    [ \$(listening $maint_port) = \$b ]; do
		sleep 0.02
	done ;;
esac
X
chmod +x "$tmp/dnsmasqctl" "$tmp/sshdctl"

# The shipped units, with the service control pointed at these daemons;
# the others are switched off.  dns-hosts keeps its shipped files (the
# hosts directory), check and reload ('true': dnsmasq watches the
# directory itself).
only_units dnsmasq dns-hosts dns-hosts-bulk sshd
cat >"$settings/units.d/test.conf" <<X
unit dnsmasq {
	inputs  = {services}
	render  = 'fw-svc render dnsmasq'
	target  = '/etc/dnsmasq.d/mpfw.conf'
	check   = 'dnsmasq --test --conf-file=%f'
	restart = '$tmp/dnsmasqctl restart %t'
	start   = '$tmp/dnsmasqctl start %t'
	stop    = '$tmp/dnsmasqctl stop'
	soft    = restart
	enable  = 'services.dns'
}
unit dns-hosts {
	restart = '$tmp/dnsmasqctl reload'
}
unit dns-hosts-bulk {
	reload  = '$tmp/dnsmasqctl reload'
	restart = '$tmp/dnsmasqctl reload'
}
unit sshd {
	inputs  = {services}
	render  = 'fw-svc render sshd'
	target  = '/etc/ssh/sshd_config'
	check   = 'mkdir -p /run/sshd && /usr/sbin/sshd -t -f %f'
	reload  = '$tmp/sshdctl reload %t'
	restart = '$tmp/sshdctl restart %t'
	start   = '$tmp/sshdctl start %t'
	stop    = '$tmp/sshdctl stop'
	soft    = reload
	enable  = 'services.ssh'
}
X

# An answer of the upstream lives 300 s in the cache of ours; the upstream
# logs every query it gets, so a query answered from that cache is seen.
dnsmasq -k --conf-file=/dev/null --port="$up_port" --listen-address=127.0.0.1 \
    --bind-interfaces --no-resolv --no-hosts --pid-file= --user=root \
    --txt-record=txt.example.org,"hello from upstream" --local-ttl=300 \
    --host-record=cached.example.org,10.9.8.7 --log-queries \
    --log-facility="$run/upstream.log" 2>/dev/null &
upstream=$!
cleanup() {
	kill "$upstream" 2>/dev/null
	"$tmp/dnsmasqctl" stop
	"$tmp/sshdctl" stop
	# The -c watcher, by the pid its countdown file names.
	w=$(cut -d" " -f3 "$FW_ROOT/var/lib/mpfw/confirm" 2>/dev/null) &&
	    [ "${w:-0}" -gt 0 ] && kill "$w" 2>/dev/null || :
}

mkdir -p "$FW_ROOT/etc/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$FW_ROOT/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id"
cp "$tmp/id.pub" "$tmp/authorized_keys"
printf '#!/bin/sh\necho asked >>%s/asked\necho not-the-password\n' "$tmp" \
    >"$tmp/askpass"
chmod +x "$tmp/askpass"

fw-svc set lan_ip=127.0.0.1 domain=example.lan dns_port="$dns_port" \
    ssh_port="$ssh_port" ssh_maint_port="$maint_port"
fw-dns add printer 192.168.1.50

q() { dig +short +time=1 +tries=2 @127.0.0.1 -p "$dns_port" "$@"; }
dnsmasq_pid() { cat "$run/dnsmasq.pid"; }
hostsd=$FW_ROOT/etc/dnsmasq-mpfw.hosts.d
bulk=$FW_ROOT/etc/dnsmasq-mpfw.hosts
# How often the upstream was asked for cached.example.org, once its log
# has all it got so far: a query of its own, logged last, is waited for.
asked_upstream() {
	_s=sent$(od -An -N4 -tu4 /dev/urandom | tr -d " ")
	dig +short +time=1 +tries=2 @127.0.0.1 -p "$up_port" "$_s.example.org" >/dev/null
	wait_for 2 grep -q "query\[A\] $_s.example.org from" "$run/upstream.log"
	grep -c "query\[A\] cached.example.org from" "$run/upstream.log" || :
}
# How often dnsmasq read the addn-hosts file: at start and on each SIGHUP.
bulk_reads() { grep -c "read $bulk - " "$run/dnsmasq.log" || :; }
sshd_pid() { cat "$run/sshd.pid"; }
# How often each daemon read its files: at start and at every reload.
sshd_reads() { grep -c "Server listening on 0.0.0.0 port $ssh_port\." "$run/sshd.log"; }
dnsmasq_reads() { grep -c "read $FW_ROOT/etc/dnsmasq-mpfw.hosts" "$run/dnsmasq.log"; }
key_login() {
	ssh -F /dev/null -i "$tmp/id" -o BatchMode=yes \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -p "$1" root@127.0.0.1 echo logged-in </dev/null 2>/dev/null
}
# password_offered PORT: true when sshd asks for a password on PORT.
password_offered() {
	rm -f "$tmp/asked"
	SSH_ASKPASS=$tmp/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	ssh -F /dev/null -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o NumberOfPasswordPrompts=1 \
	    -o PreferredAuthentications=password,keyboard-interactive \
	    -p "$1" root@127.0.0.1 true </dev/null >"$tmp/ssh.out" 2>&1 || :
	test -s "$tmp/asked"
}

check 'before any apply every unit is pending, status exits 1' '
	fails 1 fw-apply status >out &&
	has out "^pending	dnsmasq	never applied\$" &&
	has out "^pending	dns-hosts	never applied\$" &&
	has out "^pending	sshd	never applied\$"'

check 'the first apply is silent and exits 0' '
	fw-apply >out 2>&1 && ! test -s out'

check 'nothing is pending after it' '
	fw-apply status >out && ! test -s out'

check 'dnsmasq answers the DNS entries by full and short name' '
	test "$(q printer.example.lan)" = 192.168.1.50 &&
	test "$(q printer)" = 192.168.1.50'

check_root 'an sshd not run by root logs in only its own user' 'sshd takes a key login on both ports' '
	test "$(key_login $ssh_port)" = logged-in &&
	test "$(key_login $maint_port)" = logged-in'

pid=$(dnsmasq_pid)
gen=$(readlink "$FW_ROOT/var/lib/mpfw/current")
check 'a second apply with nothing changed does nothing' '
	fw-apply && test "$(dnsmasq_pid)" = "$pid" &&
	test "$(readlink "$FW_ROOT/var/lib/mpfw/current")" = "$gen"'

check 'a new DNS entry is pending because dns changed' '
	fw-dns add camera 192.168.1.77 &&
	fails 1 fw-apply status >out &&
	has out "^pending	dns-hosts	dns changed\$" &&
	test "$(grep -c ^pending out)" = 1'

check 'fw-apply -n shows the diff and installs nothing' '
	cp -r "$hostsd" before &&
	fw-apply -n >out && has out "^dns-hosts	reload\$" &&
	has out "^+192.168.1.77	camera.example.lan camera\$" &&
	test "$(grep -c "^+++ " out)" = 1 && diff -r before "$hostsd" &&
	test -z "$(q camera)"'

check 'fw-apply diff shows it too, and exits 1 as diff(1) does' '
	fails 1 fw-apply diff >out && has out "^+192.168.1.77"'

check 'a forwarded answer is cached: the upstream was asked once' '
	test "$(q cached.example.org)" = 10.9.8.7 &&
	test "$(q cached.example.org)" = 10.9.8.7 && test "$(asked_upstream)" = 1'

reads=$(bulk_reads)
# How many files of the hosts directory dnsmasq has re-read by itself.
rereads() { grep -c "inotify: $hostsd/[0-9]* new or modified" "$run/dnsmasq.log" || :; }
was=$(rereads)
check 'the apply answers the new entry at once, without a signal: dnsmasq re-read one file' '
	fw-apply && test "$(q camera)" = 192.168.1.77 &&
	test "$(dnsmasq_pid)" = "$pid" &&
	wait_for 2 test "$(rereads)" = $((was + 1)) &&
	test "$(bulk_reads)" = "$reads"'

check 'and the forwarded answer is still cached: the upstream was not asked again' '
	test "$(q cached.example.org)" = 10.9.8.7 && test "$(asked_upstream)" = 1'

# The upstream asked a second time, within 5 s: a query that reached
# dnsmasq before the signal was answered from the cache.
asked_again() {
	_i=0
	while [ $_i -lt 50 ]; do
		test "$(q cached.example.org)" = 10.9.8.7 &&
		    test "$(asked_upstream)" = 2 && return
		sleep 0.1
		_i=$((_i + 1))
	done
	tail -n 20 "$run/dnsmasq.log" >&2
	return 1
}
check 'a SIGHUP, the reload of old, would have flushed it: the upstream is asked again' '
	kill -HUP "$(dnsmasq_pid)" && asked_again'

check 'an alias goes with the firewall: the reverse lookup of lan_ip stays the firewall' '
	fw-dns add wiki && fw-apply && test "$(q wiki)" = 127.0.0.1 &&
	test "$(q -x 127.0.0.1)" = firewall.example.lan. &&
	fw-dns del wiki && fw-apply && test -z "$(q wiki)" &&
	test "$(q -x 127.0.0.1)" = firewall.example.lan.'

check 'with dns_txt=no a TXT query gets no records' '
	test -z "$(q TXT txt.example.org)" &&
	dig +time=1 @127.0.0.1 -p $dns_port TXT txt.example.org >out &&
	has out "status: NOERROR" && has out "ANSWER: 0"'

check 'dns_txt=yes and an apply let TXT answers through, by a restart' '
	fw-svc enable dns_txt && fw-apply &&
	test "$(q TXT txt.example.org)" = "\"hello from upstream\"" &&
	test "$(dnsmasq_pid)" != "$pid"'

check 'and dns_txt=no filters them again' '
	fw-svc disable dns_txt && fw-apply && test -z "$(q TXT txt.example.org)"'

pid=$(sshd_pid)
check 'ssh_password=yes: port 22 asks for a password' '
	fw-svc enable ssh_password && fw-apply &&
	password_offered $ssh_port'

check 'the maintenance port never asks for one, keyboard-interactive included' '
	! password_offered $maint_port &&
	has "$tmp/ssh.out" "Permission denied (publickey)"'

check 'ssh_password=no: the password is refused' '
	fw-svc disable ssh_password && fw-apply &&
	! password_offered $ssh_port &&
	has "$tmp/ssh.out" "Permission denied (publickey)"'

check_root 'an sshd not run by root logs in only its own user' 'and the key still works' '
	test "$(key_login $ssh_port)" = logged-in'

check 'sshd was reloaded, never restarted: same pid' '
	test "$(sshd_pid)" = "$pid"'

# A check that fails: an sshd unit whose rendered file sshd refuses.
cat >"$settings/units.d/zz-broken.conf" <<X
unit sshd {
	inputs  = {services}
	render  = 'fw-svc render sshd; echo "NoSuchOption yes"'
	target  = '/etc/ssh/sshd_config'
	check   = 'mkdir -p /run/sshd && /usr/sbin/sshd -t -f %f'
	reload  = '$tmp/sshdctl reload %t'
	restart = '$tmp/sshdctl restart %t'
	soft    = reload
}
X
fw-dns add scanner 192.168.1.88
for f in etc/ssh/sshd_config etc/dnsmasq-mpfw.hosts.d etc/dnsmasq.d/mpfw.conf; do
	mkdir -p "$tmp/was/$(dirname $f)"; cp -r "$FW_ROOT/$f" "$tmp/was/$f"
done
pid=$(dnsmasq_pid) spid=$(sshd_pid) sreads=$(sshd_reads) dreads=$(dnsmasq_reads)
# A check that fails must stop the apply at once; were it to go on, sshd
# would reload a file it refuses: the timeout keeps that short.
check 'a failed check: exit 3, the unit and sshd own message' '
	FW_APPLY_TIMEOUT=15 fails 3 fw-apply 2>err && has err "sshd: check failed" &&
	has err "NoSuchOption"'

check 'and no file anywhere changed, no daemon was touched' '
	for f in etc/ssh/sshd_config etc/dnsmasq.d/mpfw.conf; do
		same "$tmp/was/$f" "$FW_ROOT/$f" || exit 1
	done && diff -r "$tmp/was/etc/dnsmasq-mpfw.hosts.d" "$hostsd" &&
	test -z "$(q scanner)" && test "$(dnsmasq_pid)" = "$pid" &&
	test "$(sshd_pid)" = "$spid" && test "$(sshd_reads)" = "$sreads" &&
	test "$(dnsmasq_reads)" = "$dreads" && ! grep -q "restored\|undo" err &&
	fails 1 fw-apply status >/dev/null'

check 'fw-apply -n with a failing check exits 3' '
	fails 3 fw-apply -n >/dev/null 2>&1'
rm "$settings/units.d/zz-broken.conf"

# A reload that fails: every file of the apply goes back.
cat >"$settings/units.d/zz-noreload.conf" <<X
unit dns-hosts {
	reload  = 'echo "reload refused" >&2; exit 7'
	restart = 'exit 7'
}
X
dreads=$(dnsmasq_reads)
check 'a failed reload: exit 3 with its message, the old file back' '
	fails 3 fw-apply 2>err &&
	has err "dns-hosts: reload failed (exit 7): reload refused" &&
	test "$(grep -c "reload" err)" = 1 &&
	has err "the files of this apply are restored" &&
	diff -r "$tmp/was/etc/dnsmasq-mpfw.hosts.d" "$hostsd" &&
	test -z "$(q scanner)" && fails 1 fw-apply status >/dev/null'
rm "$settings/units.d/zz-noreload.conf"

check 'with the unit mended the same apply goes through' '
	fw-apply && test "$(q scanner)" = 192.168.1.88'

check 'an unknown unit exits 1, a wrong option 2' '
	fails 1 fw-apply nosuchunit 2>err && has err "nosuchunit: no such unit" &&
	fails 2 fw-apply -x && fails 2 fw-apply -c 0 && fails 2 fw-apply confirm x'

check 'a named unit is applied alone' '
	fw-dns add named 192.168.1.90 && fw-svc set domain=example.net &&
	fw-apply dns-hosts && test "$(q named.example.net)" = 192.168.1.90 &&
	fails 1 fw-apply status >out && has out "^pending	dnsmasq	services changed" &&
	fw-apply && fw-apply status'

# -c: apply, and roll back unless confirmed.
check 'fw-apply -c 2 applies at once' '
	fw-dns add temp 192.168.1.99 && fw-apply -c 2 &&
	test "$(q temp)" = 192.168.1.99'

check 'meanwhile a writer is refused with the seconds left' '
	fails 1 fw-svc set ntp=no 2>err &&
	has err "an apply awaits confirmation, [0-2] seconds left\|an unconfirmed apply is being rolled back" &&
	fails 1 fw-dns add other 10.0.0.1 && fails 1 fw-apply'

check 'and status shows the countdown' '
	fw-apply status >out && has out "^countdown	[0-9]*	gen\."'

check 'without confirm the old state is back within 2 seconds and a margin' '
	wait_for 5 test ! -e "$FW_ROOT/var/lib/mpfw/confirm" &&
	test -z "$(q temp)" && ! fw-dns list | grep -q ^temp &&
	fails 1 fw-apply status >out &&
	has out "^rolledback	gen\.[0-9]*	[0-9T:Z-]*	not confirmed	dropped 1 change, kept in " &&
	test "$(wc -l <out)" = 1'

check 'a writer is taken again after the rollback' '
	fw-svc set ntp=no && fw-svc reset ntp'

check 'with confirm the apply stays' '
	fw-dns add kept 192.168.1.98 && fw-apply -c 2 && fw-apply confirm &&
	sleep 2.5 && test "$(q kept)" = 192.168.1.98 &&
	fw-dns list kept | grep -q kept && fails 1 fw-apply confirm'

check 'fw-apply boot after a reboot rolls back an apply never confirmed, files only' '
	fw-dns add reboot 192.168.1.97 && fw-apply -c 60 &&
	kill "$(cut -d" " -f3 "$FW_ROOT/var/lib/mpfw/confirm")" &&
	test "$(q reboot)" = 192.168.1.97 &&
	fw-apply boot && test -e "$FW_ROOT/var/lib/mpfw/confirm" &&
	FW_BOOT_ID=after-a-reboot fw-apply boot &&
	! grep -q reboot "$FW_ROOT/etc/dnsmasq-mpfw.hosts" &&
	"$tmp/dnsmasqctl" reload && test -z "$(q reboot)" &&
	! fw-dns list | grep -q ^reboot &&
	test ! -e "$FW_ROOT/var/lib/mpfw/confirm"'

check 'rollback goes back to the apply before, settings and files' '
	fw-dns add roll 192.168.1.96 && fw-apply && test "$(q roll)" = 192.168.1.96 &&
	fw-apply rollback && test -z "$(q roll)" && ! fw-dns list | grep -q ^roll &&
	fw-apply status >out && ! test -s out'

check 'revert refuses to drop unapplied settings, naming them' '
	fw-dns add unsaved 192.168.1.95 && fw-svc set ntp=no &&
	cp "$settings/dns" dns.before &&
	fails 1 fw-apply revert 2>err && has err "^dns	unsaved	(none)	192.168.1.95\$" &&
	has err "^services	ntp	yes	no\$" && same dns.before "$settings/dns"'

check 'revert -f drops them, keeping them to import again' '
	fw-apply revert -f 2>err && ! fw-dns list | grep -q ^unsaved &&
	test "$(fw-svc get ntp)" = yes && fw-apply status &&
	has err "dropped 2 unapplied changes, kept in " &&
	kept=$(sed -n "s/.*kept in \([^ ]*\) .*/\1/p" err) &&
	fw-apply import "$kept" 2>/dev/null && fw-dns list unsaved &&
	test "$(fw-svc get ntp)" = no && fw-apply revert -f 2>/dev/null'

# More than 4000 entries: the table goes whole to the addn-hosts file,
# which dnsmasq re-reads on SIGHUP; the hosts directory holds none.
awk 'BEGIN { for (i = 0; i < 4001; i++)
	printf "big%04d 10.7.%d.%d\n", i, int(i / 250), i % 250 + 1 }' >big
check 'a table of more than 4000 entries goes to the addn-hosts file, by a SIGHUP' '
	fw-dns list >small && fw-dns import big && reads=$(bulk_reads) &&
	fw-apply && test "$(q big4000)" = 10.7.16.1 &&
	test "$(q printer)" = 192.168.1.50 &&
	test "$(bulk_reads)" = $((reads + 1)) &&
	test "$(grep -c "	big" "$bulk")" = 4001 &&
	test "$(cat "$hostsd"/* | grep -vc "^#")" = 0'

check 'and back to 4000 or fewer: the hosts directory again, the others gone' '
	fw-dns import -r small && fw-apply && test -z "$(q big4000)" &&
	test "$(q printer)" = 192.168.1.50 && test "$(grep -vc "^#" "$bulk")" = 0 &&
	test "$(q -x 127.0.0.1)" = "firewall.$(fw-svc get domain)."'

check 'dns=no stops dnsmasq, dns=yes starts it' '
	p=$(dnsmasq_pid) && fw-svc disable dns && fw-apply &&
	! pid_alive $p && test ! -e "$run/dnsmasq.pid" &&
	fw-apply log -v -n 1 | grep -q "[	 ]dnsmasq=stop\( \|\$\)" &&
	fw-svc enable dns && fw-apply && test "$(q printer)" = 192.168.1.50 &&
	fw-apply log -v -n 1 | grep -q "[	 ]dnsmasq=start\( \|\$\)"'

# A unit after dnsmasq in the catalogue, whose reload fails while
# $tmp/fail exists: an apply that stopped or started dnsmasq first must
# undo that too.
cat >"$settings/units.d/zz-fail.conf" <<X
unit zz-fail {
	inputs  = {services}
	render  = 'fw-svc show'
	target  = '/etc/zz-fail.conf'
	check   = 'true'
	reload  = 'test ! -e $tmp/fail'
	soft    = reload
}
X
fw-apply
check 'a failed apply starts again the dnsmasq it stopped' '
	fw-svc disable dns && touch "$tmp/fail" && fails 3 fw-apply 2>err &&
	rm "$tmp/fail" && has err "zz-fail: reload failed" &&
	kill -0 "$(dnsmasq_pid)" && test "$(q printer)" = 192.168.1.50 &&
	fails 1 fw-apply status >out && has out "^pending	dnsmasq	"'

check 'and stops again the dnsmasq it started' '
	fw-apply && test ! -e "$run/dnsmasq.pid" && fw-svc enable dns &&
	touch "$tmp/fail" && fails 3 fw-apply 2>err && rm "$tmp/fail" &&
	has err "zz-fail: reload failed" && test ! -e "$run/dnsmasq.pid" &&
	test "$(q printer)" != 192.168.1.50 && fw-apply && test "$(q printer)" = 192.168.1.50'
rm "$settings/units.d/zz-fail.conf"

# A unit whose restart waits for a full apply.
cat >"$settings/units.d/zz-defer.conf" <<X
unit later {
	inputs  = {services}
	render  = 'fw-svc show'
	target  = '/etc/later.conf'
	check   = 'test -s %f'
	restart = 'echo restarted >>$tmp/later.log'
	soft    = defer
}
X
check 'soft = defer installs the file and defers the restart' '
	fw-apply && test -s "$FW_ROOT/etc/later.conf" && test ! -e later.log &&
	fails 1 fw-apply status >out && has out "^deferred	later	restart\$" &&
	fw-apply log -v -n 1 | grep -q "	apply	.*[	 ]later=defer\$"'

check 'a full apply restarts it, and nothing is deferred after' '
	fw-apply -f && has later.log restarted &&
	fw-apply status >out && ! grep -q deferred out &&
	fw-apply log -v -n 1 | grep -q "	full apply	.*[	 ]later=restart\$"'
rm "$settings/units.d/zz-defer.conf"
