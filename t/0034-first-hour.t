#!/bin/sh -e
# The admin's first hour (issue 21): nothing saved is lost without a
# word, status names what is saved but not live, errors say what is
# wrong, an apply can be tried in a scratch root, export and import.
. ./lib.sh
plan 28

only_units
hosts_unit true
fw-dns add printer 192.168.1.50
fw-apply

# ---- 1. nothing saved is lost without a word ----

check 'rollback refuses to drop unapplied settings, naming them, and changes nothing' '
	fw-dns add nas 192.168.1.20 && fw-dns add new1 && fw-svc set ntp=no &&
	fw-dns add cam 192.168.1.77 && fw-apply && fw-dns del cam &&
	cp "$settings/dns" dns.before && cp "$settings/services" svc.before &&
	fails 1 fw-apply rollback 2>err &&
	has err "^dns	cam	192.168.1.77	(none)\$" &&
	has err "rollback would drop 1 unapplied change" &&
	same dns.before "$settings/dns" && same svc.before "$settings/services"'

check 'rollback -f drops them, keeps them, and says so in one line' '
	fw-apply rollback -f 2>err &&
	test "$(wc -l <err)" = 1 &&
	has err "^fw-apply: rolled back to gen.1 as gen.3; dropped 1 unapplied change, kept in .*/var/lib/mpfw/dropped/.*-rollback.export (fw-apply import brings them back)\$" &&
	! fw-dns list cam'

check 'what was kept comes back with import' '
	kept=$(sed -n "s/.*kept in \([^ ]*\) .*/\1/p" err) &&
	fw-apply import -f "$kept" 2>/dev/null && ! fw-dns list cam >/dev/null &&
	fw-dns list nas >/dev/null && fw-dns list new1 >/dev/null &&
	test "$(fw-svc get ntp)" = yes && fw-apply'

check 'three drops in a row, in one second or not, keep three files' '
	for k in k1 k2 k3; do
		fw-dns add $k 192.168.1.99 && fw-apply revert -f 2>>drops || exit 1
	done &&
	sed -n "s/.*kept in \([^ ]*\) .*/\1/p" drops >kept &&
	test "$(sort -u kept | wc -l)" = 3 &&
	for i in 1 2 3; do
		grep -q "^k$i	192.168.1.99\$" "$(sed -n "${i}p" kept)" || exit 1
	done'

check 'revert with nothing to revert says so and exits 0' '
	fw-apply revert -f 2>/dev/null && fw-apply revert 2>err &&
	has err "nothing to revert"'

# ---- 3. status names what is saved but not live ----

check 'changes: file, key, applied value, saved value; DNS entries by name' '
	fw-svc set imap_max_conn=20 && fw-dns set printer 192.168.1.51 &&
	fw-dns add scanner 192.168.1.60 && fw-dns del nas &&
	fails 1 fw-apply changes >out &&
	printf "services\timap_max_conn\t10\t20\ndns\tnas\t192.168.1.20\t(none)\ndns\tprinter\t192.168.1.50\t192.168.1.51\ndns\tscanner\t(none)\t192.168.1.60\n" >want &&
	same want out'

check 'status tells settings that reach no file (stale) from files that differ (pending)' '
	fw-apply && fw-svc set imap_max_conn=30 &&
	fw-apply status >out && has out "^stale	hosts	services changed; no file differs\$" &&
	fw-dns add more 10.1.1.1 && fails 1 fw-apply status >out &&
	has out "^pending	hosts	services changed, dns changed\$" && fw-apply &&
	fw-apply status && fw-apply changes'

# ---- 4. errors that say what is wrong ----

check 'a wrong verb suggests the right one, before the usage' '
	fails 2 fw-svc sett ntp=no 2>err &&
	head -n 1 err | grep -q "^fw-svc: unknown verb .sett.; did you mean .set.?\$" &&
	has err "^usage: fw-svc" &&
	fails 2 fw-dns lsit 2>err && has err "did you mean .list.?"'

check 'a missing operand is named' '
	fails 2 fw-svc get 2>err && head -n 1 err | grep -q "^fw-svc: get: a key is missing\$" &&
	fails 2 fw-dns add 2>err && has err "^fw-dns: add: a name is missing\$"'

check 'a mistyped key suggests the nearest' '
	fails 1 fw-svc set imap_max_con=3 2>err &&
	has err "imap_max_con: unknown key; did you mean imap_max_conn?" &&
	fails 1 fw-svc get ssh_pasword 2>err && has err "did you mean ssh_password?"'

check '-h and --help print the usage on stdout and exit 0; --version the version' '
	fw-svc -h >out && has out "^usage: fw-svc" && fw-dns --help >out &&
	has out "^usage: fw-dns" && fw-apply --help >out && has out "unit ..." &&
	fw-svc --version | grep -q "^fw-svc [0-9]"'

check 'an option after the verb says options go before the verb' '
	fails 2 fw-svc set -R /x ntp=no 2>err &&
	has err "set -R: options of the tool go before the verb" &&
	fails 2 fw-dns list -R /x 2>err && has err "options go before the verb"'

check 'fw-apply: a word neither verb nor unit says so and suggests' '
	fails 1 fw-apply stauts 2>err &&
	has err "stauts: no such unit, nor a verb; did you mean .status.?"'

check 'fw-apply units lists the catalogue: name, files, soft action, enable key' '
	fw-apply units >out && has out "^hosts	/etc/hosts.mpfw	reload	\$" &&
	fw-apply units -v >out && has out "^unit hosts {\$" &&
	has out "render = .fw-dns render.\$"'

check 'a port clash names the key being set first' '
	fails 1 fw-svc set ssh_maint_port=22 2>err &&
	has err "^fw-svc: ssh_maint_port=22: ssh_port listens"'

check 'fw-dns import -x names the tool' '
	fails 2 fw-dns import -x 2>err && has err "^fw-dns: import: unknown option -x\$"'

check 'describe takes several keys; keys -l adds the help' '
	fw-svc describe ssh ssh_password >out && test "$(grep -c "^key	" out)" = 2 &&
	has out "^\$" && fw-svc keys -l >out &&
	test "$(awk -F"\t" "NF != 5" out | wc -l)" = 0 &&
	has out "^ssh	bool	yes	SSH-Fernwartung (Ports 22 und 22222)	Run the SSH server"'

# A key saved that changes nothing is a broken promise: describe would
# say "this setting reaches no daemon yet"; today every key reaches one.
awk '/^unit [a-z0-9_-]+ *\{/ { print $2 }' "$FW_DATADIR/units.conf" >shipped
check 'every key of every tool names the units it reaches, each a shipped one' '
	for t in fw-svc fw-proxy fw-ups fw-maint; do
		for k in $($t keys | cut -f1); do
			u=$($t describe $k | sed -n "s/^units	//p")
			[ -n "$u" ] || { echo "$t $k: no unit"; exit 1; }
			for w in $(echo "$u" | tr "," " "); do
				grep -qx "$w" shipped || { echo "$t $k: $w?"; exit 1; }
			done
		done
	done'

# ---- 5. trying an apply safely ----

check 'fw-apply -n works in a scratch root without host keys, shipped units and all' '
	mkdir "$tmp/scratch" && FW_ROOT=$tmp/scratch fw-apply -n >out 2>err &&
	has out "^sshd	" && ! test -s err'

check 'a drop-in amends only the control commands of a shipped unit' '
	mkdir -p "$tmp/s2/etc/mpfw/units.d" &&
	printf "unit sshd {\n\treload = %s\n}\n" "'"'true'"'" >"$tmp/s2/etc/mpfw/units.d/ctl.conf" &&
	FW_ROOT=$tmp/s2 fw-apply units -v >out &&
	has out "reload  = .true.\$" && has out "render = .fw-svc render sshd.\$" &&
	has out "check   = .\"\$FW_DATADIR/check-sshd\" %f.\$"'

# ---- 6. export and import of a whole firewall ----

check 'export is one text stream of every settings file and table, no secrets' '
	printf "s3cret\n" | fw-svc passwd mysql_root_password &&
	fw-apply export >exp && head -n 1 exp | grep -q "^# mpfw export " &&
	has exp "^%settings services\$" && has exp "^%settings dns\$" &&
	has exp "^imap_max_conn=30\$" && has exp "^printer	192.168.1.51\$" &&
	tail -n 1 exp | grep -q "^%end\$" && ! grep -q "^%secrets" exp &&
	! grep -qF "$(cut -d= -f2 "$settings/secrets/services")" exp'

check 'import on another root gives the same settings, secrets only with -s' '
	mkdir "$tmp/spare" && FW_ROOT=$tmp/spare fw-apply import exp 2>/dev/null &&
	same "$settings/dns" "$tmp/spare/etc/mpfw/dns" &&
	same "$settings/services" "$tmp/spare/etc/mpfw/services" &&
	test ! -e "$tmp/spare/etc/mpfw/secrets/services" &&
	fw-apply export -s | FW_ROOT=$tmp/spare fw-apply import -f 2>/dev/null &&
	same "$settings/secrets/services" "$tmp/spare/etc/mpfw/secrets/services" &&
	test "$(stat -c %a "$tmp/spare/etc/mpfw/secrets/services")" = 600'

check 'import checks everything first: one bad value and nothing is written' '
	mkdir "$tmp/spare2" && FW_ROOT=$tmp/spare2 fw-svc set ntp=no &&
	cp "$tmp/spare2/etc/mpfw/services" svc.was &&
	sed "s/^imap_max_conn=30\$/imap_max_conn=999/" exp >bad &&
	FW_ROOT=$tmp/spare2 fails 1 fw-apply import -f bad 2>err &&
	has err "imap_max_conn=999: must be an integer from 1 to 100" &&
	has err "nothing imported" && same svc.was "$tmp/spare2/etc/mpfw/services" &&
	test ! -e "$tmp/spare2/etc/mpfw/dns"'

# Every unit off here: the tables go in the stream all the same.
ssh-keygen -q -t ed25519 -N "" -C support@example.org -f "$tmp/support"
mkdir -p "$tmp/sys/module"
printf '#!/bin/sh\nmkdir -p %s/sys/module/$1\n' "$tmp" >"$tmp/modprobe"
chmod +x "$tmp/modprobe"
check 'the support keys and the sensor modules go through export and import, and changes names a key' '
	fw-maint keys add "$tmp/support.pub" >/dev/null &&
	FW_MODPROBE=$tmp/modprobe FW_SYSFS=$tmp/sys fw-sensors add coretemp &&
	fw-apply changes >out; has out "^maint-keys	ssh-ed25519 [^	]* support@example.org	(none)	present\$" &&
	has out "^sensors	coretemp	" &&
	fw-apply export >exp2 && has exp2 "^%settings maint-keys\$" &&
	has exp2 "^%settings sensors\$" && mkdir "$tmp/spare3" &&
	FW_ROOT=$tmp/spare3 fw-apply import exp2 2>/dev/null &&
	same "$settings/maint-keys" "$tmp/spare3/etc/mpfw/maint-keys" &&
	same "$settings/sensors" "$tmp/spare3/etc/mpfw/sensors"'

check 'a stream with a support key fw-maint refuses is refused whole' '
	sed "/^%settings maint-keys\$/a ssh-rsa AAAAnotakey x@y" exp2 >badkey &&
	mkdir "$tmp/spare4" && FW_ROOT=$tmp/spare4 fails 1 fw-apply import badkey 2>err &&
	has err "maint-keys: refused by fw-maint" && has err "nothing imported" &&
	test ! -e "$tmp/spare4/etc/mpfw/maint-keys"'

check 'a stream cut short, or with a section it does not know, is refused' '
	head -n 3 exp >cut && fails 1 fw-apply import cut 2>err && has err "cut short" &&
	printf "%%settings passwd\nroot=x\n%%end\n" >odd &&
	fails 1 fw-apply import odd 2>err && has err "passwd: no settings file of that name"'

# ---- 7. small mismatches ----

check 'fw-dns list PATTERN matches whole names and exits 1 when none matches' '
	fw-dns list "print*" >/dev/null && fails 1 fw-dns list "print" >out &&
	! test -s out'

check 'fw-dns import names every bad line in one pass, the own name too' '
	printf "firewall 10.0.0.1\nbad_name 10.0.0.2\nok1 10.0.0.3\n" |
	    fails 1 fw-dns import 2>err &&
	has err "stdin:1: firewall: the firewall.s own name" &&
	has err "stdin:2: name=bad_name" && has err "2 bad lines; nothing imported"'
