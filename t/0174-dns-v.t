#!/bin/sh -e
# fw-dns -v (add, set, del, import): each change, once written, as name
# TAB old TAB new, (none) for an entry that was not or is no more; nothing
# when nothing changed: what a script (the Ansible role) takes for
# "changed".
. ./lib.sh
plan 8

check 'add -v prints the new entry; an alias has an empty address' '
	fw-dns add -v printer 192.168.1.50 >out &&
	printf "printer\t(none)\t192.168.1.50\n" >want && same want out &&
	fw-dns add -v intranet >out &&
	printf "intranet\t(none)\t\n" >want && same want out &&
	fw-dns add scanner 192.168.1.52 >out && ! test -s out'

check 'set -v prints the old and new address, nothing when it is the same' '
	fw-dns set -v printer 192.168.1.50 >out && ! test -s out &&
	fw-dns set -v printer 192.168.1.51 >out &&
	printf "printer\t192.168.1.50\t192.168.1.51\n" >want && same want out &&
	fw-dns set -v intranet 10.0.0.1 >out &&
	printf "intranet\t\t10.0.0.1\n" >want && same want out'

check 'del -v prints each deleted entry, from operands or stdin' '
	fw-dns del -v scanner >out &&
	printf "scanner\t192.168.1.52\t(none)\n" >want && same want out &&
	fw-dns list | grep ^intranet | fw-dns del -v - >out &&
	printf "intranet\t10.0.0.1\t(none)\n" >want && same want out'

check 'import -v prints only what changed; the same input again prints nothing' '
	printf "printer 192.168.1.51\nnas 192.168.1.60\nwiki\n" >in &&
	fw-dns import -v in >out &&
	printf "nas\t(none)\t192.168.1.60\nwiki\t(none)\t\n" >want &&
	same want out &&
	fw-dns import -v in >out && ! test -s out &&
	fw-dns list >all && fw-dns import -v <all >out && ! test -s out'

check 'import -rv prints the entries the input drops as deleted' '
	printf "nas 192.168.1.61\n" | fw-dns import -rv >out &&
	printf "nas\t192.168.1.60\t192.168.1.61\nprinter\t192.168.1.51\t(none)\nwiki\t\t(none)\n" >want &&
	same want out && printf "nas\t192.168.1.61\n" >want && fw-dns list >got &&
	same want got'

check 'a refused command prints no change' '
	fails 1 fw-dns add -v nas 192.168.1.62 >out 2>err && ! test -s out &&
	fails 1 fw-dns set -v nobody 192.168.1.62 >out 2>err && ! test -s out &&
	printf "a 10.0.0.1\nb 300.0.0.1\n" >bad &&
	fails 1 fw-dns import -v bad >out 2>err && ! test -s out &&
	fails 1 fw-dns del -v nas nobody >out 2>err && ! test -s out &&
	fw-dns list | grep -qx "nas	192.168.1.61"'

# The lock is held by flock(1), of util-linux (contrib/install-deps): a
# machine without it skips this check, saying so.
if command -v flock >/dev/null; then
	check 'a write that fails (the lock is held) prints no change and exits 3' '
	sh -c "exec 9>\"\$1\" && flock -x 9 && touch held && exec sleep 5" sh "$settings/.lock" &
	holder=$! && wait_for 5 test -e held &&
	FW_LOCK_TIMEOUT=1 fails 3 fw-dns add -v late 10.0.0.9 >out 2>err;
	st=$?; kill $holder; wait $holder 2>/dev/null;
	[ $st = 0 ] && ! test -s out && has err lock &&
	! fw-dns list | grep -q "^late"'
else
	skip 'a write that fails (the lock is held): flock(1) not installed (util-linux)'
fi

check '-v goes before the operands; the usage shows it' '
	fails 2 fw-dns add printer 10.0.0.1 -v 2>err && has err "too many operands" &&
	fails 2 fw-dns set -x printer 10.0.0.1 2>err && has err "unknown option -x" &&
	fails 2 fw-dns set 2>err && has err "set: a name is missing" &&
	fails 2 fw-dns set printer 2>err && has err "set: an address is missing" &&
	fw-dns -h >out && has out "add \[-v\] name \[address\]" &&
	has out "del \[-v\] name ... | del \[-v\] -" &&
	has out "import \[-rv\] \[file | -\]"'
