#!/bin/sh -e
# fw-svc as only root can test it: the audit trail through a private
# /dev/log, and a full file system on a small tmpfs.  As a user the whole
# file is skipped, and prove says so.
. ./lib.sh
[ "$(id -u)" = 0 ] || skip_all 'not root: the audit trail and a full disk need root'
unshare -m true 2>/dev/null || skip_all 'cannot make a mount namespace here'
full=$tmp/full
mkdir "$full"
mount -t tmpfs -o size=128k mpfw-test "$full" 2>/dev/null ||
    skip_all 'cannot mount a tmpfs here'
cleanup() { umount "$full" 2>/dev/null || :; }
plan 3

# The audit trail: a private mount namespace with our own /dev/log.
check 'each change is logged: user, key, old and new; secrets as changed' '
	mkdir "$tmp/dev" && touch "$tmp/dev/null" && : >"$tmp/syslog" &&
	SUDO_USER=alice unshare -m sh -ec "
		mount --bind /dev/null \"$tmp/dev/null\"
		logsink \"$tmp/dev/log\" \"$tmp/syslog\" & sink=\$!
		while [ ! -S \"$tmp/dev/log\" ]; do sleep 0.01; done
		mount --bind \"$tmp/dev\" /dev
		fw-svc set ssh=no
		printf \"hunter2\\n\" | fw-svc passwd mysql_root_password
		sleep 0.1; kill \$sink" &&
	has "$tmp/syslog" "fw-svc\[[0-9]*\]: alice: services: ssh: .yes. -> .no." &&
	has "$tmp/syslog" "alice: services: mysql_root_password: changed" &&
	! grep -q hunter2 "$tmp/syslog"'

# A full file system.
fw-svc -R "$full" set ntp=no
cp "$full/etc/mpfw/services" "$tmp/full-before"
dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null || :
check 'on a full file system set exits 3 and the old file is intact' '
	fails 3 fw-svc -R "$full" set ssh=no dns=no 2>err &&
	has err "not written, the old file is kept" &&
	same "$tmp/full-before" "$full/etc/mpfw/services" &&
	test "$(fw-svc -R "$full" get ntp)" = no &&
	test -z "$(ls -A "$full/etc/mpfw" | grep tmp)"'
rm -f "$full/filler"
check 'after space is freed the same command succeeds' '
	fw-svc -R "$full" set ssh=no dns=no &&
	test "$(fw-svc -R "$full" get dns)" = no'
