#!/bin/sh -e
# fw-apply's history: who applied what and why, rollback to any
# generation, diff and show of any generation, the cost of keeping fifty.
. ./lib.sh
plan 18

# Units whose daemons record what they were told: the hash of the file
# they now have, one line per reload.
only_units
hosts_unit "sha256sum <%t >>$tmp/told.hosts"
cat >"$settings/units.d/test.conf" <<X
unit conf {
	inputs = {services}
	render = 'fw-svc show'
	target = '/etc/svc.conf'
	check  = 'test -s %f'
	reload = 'sha256sum <%t >>$tmp/told.conf'
	soft   = reload
}
X
told_is_installed() {
	test "$(tail -n 1 "$tmp/told.$1")" = \
	    "$(sha256sum <"$FW_ROOT/$2")"
}

i=1
while [ $i -le 50 ]; do
	fw-dns add "h$i" "10.0.0.$i"
	SUDO_USER="user$((i % 3))" fw-apply -m "add h$i"
	i=$((i + 1))
done

check 'log lists fifty generations, newest first, with user, how and comment' '
	fw-apply log >out && test "$(wc -l <out)" = 50 &&
	head -n 1 out | grep -q "^gen\.50	[0-9T:-]*Z	user2	apply	none	add h50\$" &&
	tail -n 1 out | grep -q "^gen\.1	[0-9T:-]*Z	user1	apply	none	add h1\$" &&
	test "$(cut -f1 out | sed "s/gen.//" | sort -rn | tr "\n" " ")" = \
	    "$(cut -f1 out | sed "s/gen.//" | tr "\n" " ")"'

check 'log -v adds the units and what was done to each, -n cuts it' '
	fw-apply log -v -n 2 >out && test "$(wc -l <out)" = 2 &&
	has out "^gen\.50	.*	add h50	hosts=reload\$" &&
	fw-apply log -v | tail -n 1 | grep -q "	hosts=reload conf=reload\$"'

check 'the fifty-first apply drops the oldest' '
	fw-dns add h51 10.0.0.51 && fw-apply -m "add h51" &&
	fw-apply log >out && test "$(wc -l <out)" = 50 &&
	! grep -q "^gen\.1	" out && has out "^gen\.51	" &&
	test ! -e "$FW_ROOT/var/lib/mpfw/gen.1"'

check 'a comment with a newline or a control character is refused, nothing applied' '
	fw-dns add h52 10.0.0.52 && cp "$FW_ROOT/etc/hosts.mpfw" before &&
	fails 1 fw-apply -m "two
lines" 2>err && has err "control character" &&
	fails 1 fw-apply -m "$(printf "bell\007")" &&
	same before "$FW_ROOT/etc/hosts.mpfw" && fw-apply log -n 1 | grep -q "^gen\.51	" &&
	fw-dns del h52'

check 'rollback 45: its settings and files live, the daemons told, a new generation' '
	fw-apply rollback 45 2>err && has err "rolled back to gen.45 as gen.52" &&
	test "$(fw-dns list | wc -l)" = 45 && ! fw-dns list h46 &&
	! grep -q "h46" "$FW_ROOT/etc/hosts.mpfw" &&
	told_is_installed hosts etc/hosts.mpfw &&
	fw-apply log -n 1 | grep -q "^gen\.52	.*	rollback to 45	" &&
	fw-apply status'

check 'rolling back that rollback returns to generation 51' '
	fw-apply rollback 2>err && has err "rolled back to gen.51 as gen.53" &&
	test "$(fw-dns list | wc -l)" = 51 && grep -q "h51" "$FW_ROOT/etc/hosts.mpfw" &&
	told_is_installed hosts etc/hosts.mpfw &&
	fw-apply log -n 1 | grep -q "	rollback to 51	"'

check 'the generation of a rollback has the files of its target, byte for byte' '
	fw-apply diff -g 51 >out && ! test -s out'

check 'diff -g shows exactly the lines that changed since, and exits 1' '
	fw-dns set h7 10.0.7.7 && fw-svc set ntp=no && fw-apply &&
	fails 1 fw-apply diff -g 53 >out &&
	test "$(grep -c "^[-+][^-+]" out)" = 7 &&
	has out "^-h7	10.0.0.7\$" && has out "^+h7	10.0.7.7\$" &&
	has out "^+ntp=no\$" && has out "^-ntp=yes\$" &&
	has out "^-10.0.0.7	h7.localdomain h7\$" &&
	has out "^+10.0.7.7	h7.localdomain h7\$" &&
	has out "^+++ /etc/hosts.mpfw\$" && has out "^--- gen.53:/etc/hosts.mpfw\$"'

check 'diff -g of one unit shows its files and its inputs only' '
	fails 1 fw-apply diff -g 53 conf >out &&
	! grep -q "h7" out && has out "^+ntp=no\$"'

check 'show -g prints a file of a generation as its tool shows it' '
	fw-apply show -g 53 services >out && has out "^ntp=yes\$" &&
	test "$(wc -l <out)" = "$(fw-svc show | wc -l)" &&
	fw-apply show -g 53 dns >out && has out "^h7	10.0.0.7\$"'

check 'show -g N services | fw-svc set - brings back that file alone' '
	cp "$settings/dns" dns.now &&
	fw-apply show -g 53 services | fw-svc set - &&
	test "$(fw-svc get ntp)" = yes && same dns.now "$settings/dns" &&
	fails 1 fw-apply changes >out && has out "^services	ntp	no	yes\$" &&
	test "$(wc -l <out)" = 1'

check 'a generation that is not kept, or a bad number, is refused' '
	fails 1 fw-apply rollback -f 1 2>err && has err "gen.1: not kept" &&
	fails 1 fw-apply diff -g 999 && fails 2 fw-apply show -g x services &&
	fails 1 fw-apply show -g 53 ../secrets'

# Fifty generations of a 100,000-entry table, one entry changing each time.
mkdir "$tmp/big"
(
	FW_ROOT=$tmp/big
	settings=$FW_ROOT/etc/mpfw
	only_units
	hosts_unit true
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "b%06d 10.%d.%d.%d\n", i, int(i / 65536), int(i / 256) % 256, i % 256 }' |
	    fw-dns import
	fw-apply
	i=0
	while [ $i -lt 50 ]; do
		fw-dns set "b$(printf %06d $((i * 1999)))" "10.200.0.$i"
		fw-apply
		i=$((i + 1))
	done
) >/dev/null
# Blocks on the disk, not bytes: a small file takes a block all the same.
table=$(du -k "$tmp/big/etc/mpfw/dns" | cut -f1)
state=$(du -sk "$tmp/big/var/lib/mpfw" | cut -f1)
check "fifty generations of a 100k table cost at most 1.5 tables ($state KiB, table $table KiB)" '
	test $((state * 10)) -le $((table * 15)) &&
	test "$(FW_ROOT=$tmp/big fw-apply log | wc -l)" = 50'

check 'and any of them is there whole' '
	FW_ROOT=$tmp/big fw-apply show -g 3 dns >out && test "$(wc -l <out)" = 100000 &&
	has out "^b001999	10.200.0.1\$" && ! grep -q "10.200.0.2\$" out'

# The store: what a rollback puts back is what was kept, or nothing.
lib=$FW_ROOT/var/lib/mpfw
check 'a damaged stored settings file is refused by a rollback, never put back' '
	g=$(fw-apply log | tail -n 1 | cut -f1) &&
	h=$(sed -n "s/^tree:settings\/dns	//p" "$lib/$g") &&
	test -f "$lib/objects/$h" && cp "$lib/objects/$h" obj.saved &&
	sed -i "1s/^/x/" "$lib/objects/$h" && cp "$settings/dns" dns.now &&
	fails 3 fw-apply rollback -f "$g" 2>err; st=$?; cp obj.saved "$lib/objects/$h";
	test $st = 0 && has err "object $h: damaged" && same dns.now "$settings/dns"'

# One left by hand, or restored from a copy of the state: numbers only grow.
check 'a generation number is never used again, even one current does not name' '
	g=$(readlink "$lib/current") && n=${g#gen.} &&
	cp "$lib/$g" "$lib/gen.$((n + 1))" && cp "$lib/$g" stray &&
	fw-dns add stray1 10.9.9.1 && fw-apply &&
	test "$(readlink "$lib/current")" = "gen.$((n + 2))" &&
	same stray "$lib/gen.$((n + 1))"'

# The prune after each apply takes what each generation names in the
# store from var/lib/mpfw/named, one line a generation, instead of
# reading all fifty; a line is used only for the very file it saw, and
# only if it passes its own check.  named_as G HASHES...: the line of
# G's file as it is now, naming HASHES, its check right.
named_as() {
	_g=$1
	shift
	_line="$_g $(stat -c '%d:%i:%s:%.9Y:%.9Z' "$lib/$_g") $#${*:+ $*}"
	printf '%s %s\n' "$_line" "$(printf %s "$_line" | sha256sum | cut -c1-64)"
}
# A generation of the middle, never pruned by the next few applies, whose
# table of DNS entries no other generation names: its object's only hold.
lone=
for g in $(fw-apply log | sed -n '20,40p' | cut -f1); do
	h=$(sed -n "s/^tree:settings\/dns	//p" "$lib/$g")
	if [ "$(grep -l "^tree:settings/dns	$h\$" "$lib"/gen.* | wc -l)" = 1 ]; then
		lone=$g
		break
	fi
done
forge() { { grep -v "^$lone " "$lib/named"; named_as "$lone" "$@"; } >named.new &&
	cp named.new "$lib/named"; }

check 'a line of the cache of what generations name is not used once its file changed' '
	test -n "$lone" && test -f "$lib/objects/$h" &&
	test "$(grep -c "^$lone " "$lib/named")" = 1 &&
	test "$(wc -l <"$lib/named")" -le $((50 + 17)) &&
	forge && touch -d "1 hour ago" "$lib/$lone" &&
	fw-svc set hostname=named1 && fw-apply && test -f "$lib/objects/$h" &&
	grep -q "^$lone .* 1 $h " "$lib/named" &&
	fw-apply show -g "${lone#gen.}" dns >/dev/null'

check 'nor one that fails its check; one that passes is, for that very file' '
	{ grep -v "^$lone " "$lib/named"; named_as "$lone" "$h" | sed "s/ 1 $h / 0 /"; } >named.torn &&
	cp named.torn "$lib/named" && fw-svc set hostname=named2 && fw-apply &&
	test -f "$lib/objects/$h" && grep -q "^$lone .* 1 $h " "$lib/named" &&
	forge && fw-svc set hostname=named3 && fw-apply && test ! -e "$lib/objects/$h"'
