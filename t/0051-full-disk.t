#!/bin/sh -e
# A full file system: every writer and fw-apply exits 3 and leaves every
# file as it was; once space is freed the same commands succeed.  Needs
# root to mount a small tmpfs; as a user the whole file is skipped, and
# prove says so.
. ./lib.sh
[ "$(id -u)" = 0 ] || skip_all 'not root: a full disk needs a tmpfs mounted'
full=$tmp/full
mkdir "$full"
mount -t tmpfs -o size=1m mpfw-test "$full" 2>/dev/null ||
    skip_all 'cannot mount a tmpfs here'
cleanup() { umount -l "$full" 2>/dev/null || :; }
plan 8
FW_ROOT=$full
export FW_ROOT
settings=$full/etc/mpfw
only_units dns-hosts
cat >"$full/etc/mpfw/units.d/test.conf" <<X
unit dns-hosts {
	inputs = {services, dns}
	render = 'fw-dns render'
	target = '/etc/dnsmasq-mpfw.hosts'
	check = 'test -s %f'
	reload = 'touch $tmp/reloaded'
	soft = reload
}
X
fw-svc set ntp=no
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "h%04d 10.0.%d.%d\n", i, int(i / 250), i % 250 }' >"$tmp/hosts"
fw-dns import "$tmp/hosts"
fw-apply
fw-dns add pending 10.9.9.9
rm -f "$tmp/reloaded"

# What every file holds, but the filler and the lock.
snapshot() {
	(cd "$full" && find . -type f ! -name filler ! -name .lock | sort |
	    xargs sha256sum) >"$1"
	(cd "$full" && find . ! -name filler | sort) >>"$1"
}
snapshot "$tmp/before"
dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null || :

check 'fw-svc set exits 3, saying the old file is kept' '
	fails 3 fw-svc set ssh=no 2>err && has err "not written, the old file is kept"'

check 'fw-dns add and import exit 3' '
	fails 3 fw-dns add newhost 10.8.8.8 &&
	printf "x1 10.7.7.1\nx2 10.7.7.2\n" | fails 3 fw-dns import'

check 'fw-apply exits 3 and reloads nothing' '
	fails 3 fw-apply 2>err && test ! -e "$tmp/reloaded"'

check 'passwd exits 3' '
	printf "pw\n" | fails 3 fw-svc passwd mysql_root_password'

check 'every file is as it was, and nothing was left behind' '
	snapshot "$tmp/after" && same "$tmp/before" "$tmp/after"'

check 'the settings still parse' '
	test "$(fw-svc get ntp)" = no && test "$(fw-dns list | wc -l)" = 2001'

rm -f "$full/filler"
check 'with space freed the same commands succeed' '
	fw-svc set ssh=no && fw-dns add newhost 10.8.8.8 &&
	printf "x1 10.7.7.1\nx2 10.7.7.2\n" | fw-dns import &&
	printf "pw\n" | fw-svc passwd mysql_root_password'

check 'and so does fw-apply' '
	fw-apply && test -e "$tmp/reloaded" &&
	grep -q "^10.9.9.9	pending" "$full/etc/dnsmasq-mpfw.hosts"'
