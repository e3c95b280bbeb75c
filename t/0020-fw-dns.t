#!/bin/sh -e
# fw-dns: the local DNS entries, their rules, the pipelines, concurrency,
# and what dnsmasq makes of the rendered file.
. ./lib.sh
plan 40

dns=$settings/dns

check 'add stores names in lower case, sorted, one name TAB address a line' '
	fw-dns add Printer 192.168.1.50 && fw-dns add nas 192.168.1.20 &&
	fw-dns add wiki && fw-dns add phone-1 FD00:0::1 &&
	printf "nas\t192.168.1.20\nphone-1\tfd00::1\nprinter\t192.168.1.50\nwiki\t\n" >want &&
	same want "$dns" && fw-dns list >out && same want out'

check 'names are unique without regard to case; add of one exits 1' '
	cp "$dns" b && fails 1 fw-dns add PRINTER 10.0.0.1 2>err &&
	has err "printer: already an entry; change it with fw-dns set" &&
	same b "$dns"'

check 'a name is one DNS label' '
	fails 1 fw-dns add "" 10.0.0.1 2>err && has err "name: must not be empty" &&
	for n in -printer printer- printer.lan a_b "a b" \
	    a234567890123456789012345678901234567890123456789012345678901234; do
		fails 1 fw-dns add -- "$n" 10.0.0.1 2>err || exit 1
		has err "must be one DNS label" || exit 1
	done && fw-dns add a23456789012345678901234567890123456789012345678901234567890123 &&
	fw-dns del a23456789012345678901234567890123456789012345678901234567890123 &&
	same b "$dns"'

check 'an address is IPv4 or IPv6, checked' '
	for a in 300.1.1.1 1.2.3 192.168.01.1 fe80::1%eth0 printer "1.2.3.4 "; do
		fails 1 fw-dns add newhost "$a" 2>err || exit 1
		has err "must be an IPv4 or IPv6 address" || exit 1
	done && same b "$dns"'

check 'the firewall own name is refused, and so is the new one' '
	fails 1 fw-dns add firewall 10.0.0.1 2>err &&
	has err "the firewall.s own name" &&
	fw-svc set hostname=gw && fails 1 fw-dns add GW && fw-dns add firewall &&
	fw-dns del firewall && fw-svc reset hostname'

check 'fw-svc refuses a hostname that is a DNS entry' '
	fails 1 fw-svc set hostname=Printer 2>err &&
	has err "hostname=printer: a DNS entry of that name exists" &&
	test "$(fw-svc get hostname)" = firewall'

check 'set changes an address; an empty one makes an alias' '
	fw-dns set printer 192.168.1.51 && fw-dns set nas "" &&
	test "$(fw-dns list printer)" = "printer	192.168.1.51" &&
	test "$(fw-dns list nas)" = "nas	" &&
	fw-dns set nas 192.168.1.20 && fw-dns set printer 192.168.1.50 &&
	same b "$dns"'

check 'set or del of a missing name exits 1 and changes nothing' '
	fails 1 fw-dns set nosuch 10.0.0.1 2>err &&
	has err "nosuch: no such entry" &&
	fails 1 fw-dns del nosuch && same b "$dns"'

check 'del - with some missing names deletes none and names them' '
	printf "printer\nghost\nnas\nspook\n" | fails 1 fw-dns del - 2>err &&
	has err "ghost: no such entry" && has err "spook: no such entry" &&
	has err "2 names not found; nothing deleted" && same b "$dns"'

check 'list takes a glob, without regard to case' '
	fw-dns list "p*" >out && printf "phone-1\tfd00::1\nprinter\t192.168.1.50\n" >want &&
	same want out && fw-dns list "P[HR]*" >out && same want out &&
	fails 1 fw-dns list "nothing*" >out && ! test -s out'

check 'list | grep ^printer | cut -f1 | del - removes exactly those' '
	fw-dns add printer2 192.168.1.52 &&
	fw-dns list | grep ^printer | cut -f1 | fw-dns del - &&
	fw-dns list | cut -f1 >out && printf "nas\nphone-1\nwiki\n" >want &&
	same want out'

check 'del - takes whole list lines' '
	fw-dns add printer 192.168.1.50 && fw-dns list printer | fw-dns del - &&
	! grep -q ^printer "$dns"'

fw-dns add printer 192.168.1.50
cp "$dns" b
check 'list > f; import -r f changes nothing, byte for byte' '
	fw-dns list >f && fw-dns import -r f && same b "$dns"'

check 'import adds new names and changes known addresses' '
	printf "printer 192.168.1.60\n# a comment\n\nscanner\t192.168.1.61\nalias2\n" |
	    fw-dns import &&
	test "$(fw-dns list printer | cut -f2)" = 192.168.1.60 &&
	test "$(fw-dns list scanner | cut -f2)" = 192.168.1.61 &&
	test "$(fw-dns list alias2)" = "alias2	" &&
	test "$(fw-dns list | wc -l)" = 6'

cp "$dns" b
check 'one bad line and import changes nothing, naming the line and why' '
	printf "ok1 10.0.0.1\nbad 10.0.0.300\nok2 10.0.0.2\n" >in &&
	fails 1 fw-dns import in 2>err &&
	has err "in:2: address=10.0.0.300: must be an IPv4 or IPv6 address" &&
	has err "1 bad line; nothing imported" && same b "$dns"'

check 'a name twice in the input is an error, with both lines' '
	printf "dup 10.0.0.1\nother 10.0.0.2\nDUP 10.0.0.3\n" |
	    fails 1 fw-dns import -r 2>err &&
	has err "stdin:3: dup: also on line 1" && same b "$dns"'

check 'three fields on a line are an error' '
	printf "a 10.0.0.1 extra\n" | fails 1 fw-dns import 2>err &&
	has err "stdin:1: more than a name and an address" && same b "$dns"'

check 'importing the firewall own name is refused' '
	printf "x 10.0.0.1\nfirewall 10.0.0.2\n" | fails 1 fw-dns import 2>err &&
	has err "stdin:2: firewall: the firewall.s own name" && same b "$dns"'

check 'the own name is refused wherever it sorts: first, in the middle, last' '
	for names in "firewall gamma zulu" "alpha firewall zulu" "alpha beta firewall" \
	    "FireWall" "zulu alpha Firewall"; do
		for n in $names; do echo "$n"; done >in &&
		fails 1 fw-dns import in 2>err || exit 1
		has err "irewall: the firewall.s own name" || exit 1
		fails 1 fw-dns import -r in || exit 1
	done && same b "$dns"'

# The hostname changes while an import waits for the lock: the own name
# is read again under it.
check 'an import refuses the own name given while it waited for the lock' '
	printf "alpha\nbeta\ngw\n" >in &&
	flock "$settings/.lock" sh -c "touch held
	    while [ ! -e release ]; do sleep 0.02; done" &
	wait_for 5 test -e held &&
	{ fw-dns import in 2>err && echo 0 >st || echo $? >st; } &
	sleep 0.5 && sed -i "/^hostname=/d" "$settings/services" &&
	echo hostname=gw >>"$settings/services" && touch release && wait &&
	fw-svc reset hostname && test "$(cat st)" = 1 &&
	has err "in:3: gw: the firewall.s own name" && same b "$dns"'

check 'import -r makes the input the whole table' '
	printf "one 10.0.0.1\ntwo\n" | fw-dns import -r &&
	printf "one\t10.0.0.1\ntwo\t\n" >want && same want "$dns"'

check 'comments stay with the entry below them, in place' '
	printf "# the printers\nlaser\t10.0.0.5\n\n# the rest\none\t10.0.0.1\ntwo\t\n# end\n" >"$dns" &&
	fw-dns add mango 10.0.0.7 && fw-dns set one 10.0.0.9 &&
	printf "# the printers\nlaser\t10.0.0.5\nmango\t10.0.0.7\n\n# the rest\none\t10.0.0.9\ntwo\t\n# end\n" >want &&
	same want "$dns"'

check 'a table sorted by hand out of order is listed sorted' '
	printf "zeta\t10.0.0.1\nalpha\t10.0.0.2\n" >"$dns" &&
	fw-dns list | cut -f1 | tr "\n" " " >out && test "$(cat out)" = "alpha zeta "'

check 'a table out of order: list NAME finds every name, without regard to case' '
	printf "zeta\t10.0.0.1\nalpha\t10.0.0.2\nmid\t10.0.0.3\n" >"$dns" &&
	test "$(fw-dns list zeta)" = "zeta	10.0.0.1" &&
	test "$(fw-dns list alpha)" = "alpha	10.0.0.2" &&
	test "$(fw-dns list MID)" = "mid	10.0.0.3" && fails 1 fw-dns list nothing'

check 'a hand-edited bad line is warned about by list and fatal to render' '
	printf "good\t10.0.0.1\nbad\t10.0.0.999\n" >"$dns" &&
	fw-dns list >out 2>err && has err "dns:2: address=10.0.0.999" &&
	fails 1 fw-dns render >out 2>err && has err "dns:2: address=10.0.0.999"'

check 'a name twice in the file stops every verb' '
	printf "a\t10.0.0.1\na\t10.0.0.2\n" >"$dns" &&
	fails 3 fw-dns list 2>err && has err "dns:2: a: also on line 1"'

check 'wrong verbs and operands are usage errors' '
	fails 2 fw-dns && fails 2 fw-dns frob && fails 2 fw-dns add &&
	fails 2 fw-dns set a && fails 2 fw-dns del && fails 2 fw-dns import -x &&
	fails 2 fw-dns render x && fails 2 fw-dns list a b'

check 'list to a full device exits 3' '
	printf "a\t10.0.0.1\n" >"$dns" && fails 3 fw-dns list >/dev/full'

check 'a missing import file exits 1' '
	fails 1 fw-dns import "$tmp/nonexistent" 2>err && has err nonexistent'

rm -f "$dns"
check '100 fw-dns add at once: all exit 0, all 100 entries are there' '
	i=0; pids=
	while [ $i -lt 100 ]; do
		fw-dns add "host$i" "10.1.0.$i" & pids="$pids $!"; i=$((i + 1))
	done
	bad=0; for p in $pids; do wait $p || bad=$((bad + 1)); done
	test $bad = 0 && test "$(fw-dns list | wc -l)" = 100 &&
	test "$(fw-dns list "host*" | cut -f1 | sort -u | wc -l)" = 100'

check 'render: the firewall first, full names first, aliases to lan_ip' '
	printf "printer 192.168.1.50\nwiki\nv6 fd00::5\n" | fw-dns import -r &&
	fw-svc set domain=example.lan &&
	fw-dns render >hosts && sed 1d hosts >body &&
	printf "192.168.1.1\tfirewall.example.lan firewall\n192.168.1.50\tprinter.example.lan printer\nfd00::5\tv6.example.lan v6\n192.168.1.1\twiki.example.lan wiki\n" >want &&
	same want body'

check 'render NN: the 16 files of the hosts directory hold each line once, the firewall first in its own, with its aliases' '
	fw-dns render | sed 1d | sort >all &&
	for s in 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15; do
		fw-dns render $s >shard.$s &&
		has shard.$s "^# Generated by fw-dns render $s from /etc/mpfw/dns" ||
		    exit 1
	done &&
	cat shard.* | grep -v "^#" | sort >union && same all union &&
	f=$(grep -l "firewall.example.lan" shard.*) && test "$(echo $f | wc -w)" = 1 &&
	test "$(grep -v "^#" $f | head -n 1)" = "192.168.1.1	firewall.example.lan firewall" &&
	has $f "^192.168.1.1	wiki.example.lan wiki" &&
	fw-dns render bulk >bulk && ! grep -qv "^#" bulk'

check 'more than 4000 entries: all in render bulk, none in the hosts directory' '
	awk "BEGIN { for (i = 0; i < 4001; i++) printf \"b%04d 10.7.%d.%d\\n\", i, int(i / 250), i % 250 + 1 }" |
	    fw-dns import &&
	test "$(fw-dns render bulk | grep -vc "^#")" = 4005 &&
	for s in 00 07 15; do
		test "$(fw-dns render $s | grep -vc "^#")" = 0 || exit 1
	done &&
	fw-dns list "b*" | fw-dns del - && fw-dns render | sed 1d | sort >again &&
	same all again'

check 'a hand edit that keeps the size and the times is seen by its change time' '
	fw-dns list >/dev/null && cp -p "$dns" saved &&
	sed "s/^printer	192.168.1.50\$/printer	192.168.1.5x/" saved >edited &&
	test "$(wc -c <edited)" = "$(wc -c <saved)" && ! cmp -s edited saved &&
	cat edited >"$dns" && touch -r saved "$dns" &&
	fw-dns list printer >out 2>err && has err "address=192.168.1.5x" &&
	fails 1 fw-dns render >/dev/null 2>err && has err "address=192.168.1.5x" &&
	cp saved "$dns" && fw-dns render >/dev/null'

# The real dnsmasq, on 127.0.0.1 and a free high port.
port=$(free_port)
fw-svc set lan_ip=127.0.0.1
fw-dns render >"$tmp/hosts"
cat >"$tmp/dnsmasq.conf" <<X
port=$port
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
user=root
addn-hosts=$tmp/hosts
pid-file=$tmp/dnsmasq.pid
log-facility=$tmp/dnsmasq.log
X
check 'dnsmasq --test accepts the config that loads the rendered file' '
	dnsmasq --test --conf-file="$tmp/dnsmasq.conf"'

dnsmasq -k --conf-file="$tmp/dnsmasq.conf" &
dnsmasq_pid=$!
cleanup() { kill "$dnsmasq_pid" 2>/dev/null || :; }
q() { dig +short +time=1 +tries=2 @127.0.0.1 -p "$port" "$@"; }

check 'dnsmasq reads every name of the rendered file, two a line' '
	wait_for 5 grep -q "read $tmp/hosts - 8 names" "$tmp/dnsmasq.log"'

check 'dig answers an entry by full and by short name' '
	test "$(q printer.example.lan)" = 192.168.1.50 &&
	test "$(q printer)" = 192.168.1.50 && test "$(q AAAA v6)" = fd00::5'

check 'an alias answers the firewall address' '
	test "$(q wiki.example.lan)" = 127.0.0.1'

check 'the reverse lookup of lan_ip answers the firewall, never an alias' '
	test "$(q -x 127.0.0.1)" = firewall.example.lan.'

check 'a new entry is answered after a SIGHUP, same pid' '
	fw-dns add camera 192.168.1.77 && fw-dns render >"$tmp/hosts.new" &&
	mv "$tmp/hosts.new" "$tmp/hosts" && kill -HUP "$dnsmasq_pid" &&
	wait_for 5 test "$(q camera)" = 192.168.1.77 &&
	kill -0 "$dnsmasq_pid"'
