#!/bin/sh -e
# The boot hook (fw-apply(1) BOOT): the systemd unit and the sysvinit
# script, as built (bin/init/) and with BINDIR pointing at this tree's
# tools, roll back an apply made with -c that the reboot left unconfirmed,
# once a boot.  The init script runs in a private mount namespace with its
# own /run, so it neither sees the machine's systemd nor leaves its
# once-a-boot mark in the machine's /run.
. ./lib.sh
plan 7

only_units dns-hosts
# The entries in one file, as before the hosts directory (a drop-in's
# render and target replace the unit's files); a dnsmasq that "runs"
# while $tmp/running exists: its reload fails
# when it does not, as `kill -HUP $(cat pidfile)` does before it started.
cat >"$settings/units.d/dns.conf" <<'X'
unit dns-hosts {
	render  = 'fw-dns render'
	target  = '/etc/dnsmasq-mpfw.hosts'
	check   = 'true'
	reload  = 'test -f "$FW_ROOT/../running"'
	restart = 'test -f "$FW_ROOT/../running"'
}
X
hosts=$FW_ROOT/etc/dnsmasq-mpfw.hosts

# The unit and the script as make built them, and as they would be were
# BINDIR this tree's bin.
unit=$top/bin/init/mpfw-boot.service
script=$top/bin/init/mpfw-boot
sed "s|@BINDIR@|$top/bin|g" "$top/contrib/init/mpfw-boot.service.in" >unit
sed "s|@BINDIR@|$top/bin|g" "$top/contrib/init/mpfw-boot.in" >script

# unconfirmed ADDRESS: an apply of printer=ADDRESS with -c whose watcher
# then dies with the system; the daemon is stopped.
unconfirmed() {
	touch "$tmp/running" &&
	fw-dns set printer "$1" && fw-apply -c 300 2>/dev/null &&
	kill "$(cut -d' ' -f3 "$FW_ROOT/var/lib/mpfw/confirm")" &&
	grep -q "$1" "$hosts"
}
fw-dns add printer 192.168.1.50
touch "$tmp/running"
fw-apply

check 'the unit runs BINDIR/fw-apply boot, early: before sysinit.target, after the local file systems' '
	grep -qx "ExecStart=$(cat "$top/bin/init/.bindir")/fw-apply boot" "$unit" &&
	grep -qx "FW_APPLY=$(cat "$top/bin/init/.bindir")/fw-apply" "$script" &&
	grep -qx "Environment=PATH=$(cat "$top/bin/init/.bindir"):.*" "$unit" &&
	grep -qx "PATH=$(cat "$top/bin/init/.bindir"):.*" "$script" &&
	grep -qx "DefaultDependencies=no" "$unit" &&
	grep -qx "After=local-fs.target" "$unit" &&
	grep -Eqx "Before=sysinit.target.*" "$unit" &&
	grep -qx "WantedBy=sysinit.target" "$unit" &&
	grep -qx "Type=oneshot" "$unit" && grep -qx "RemainAfterExit=yes" "$unit"'

if command -v systemd-analyze >/dev/null; then
	check 'systemd-analyze verify finds nothing wrong with the unit' '
		cp unit mpfw-boot.service &&
		systemd-analyze verify --man=no ./mpfw-boot.service'
else
	skip 'systemd-analyze not installed (systemd)'
fi

check 'the init script: an LSB header for runlevel S after $local_fs, and sh reads it' '
	sh -n "$script" &&
	grep -q "^# Provides: *mpfw-boot\$" "$script" &&
	grep -q "^# Required-Start: *\$local_fs\$" "$script" &&
	grep -q "^# Default-Start: *S\$" "$script" &&
	grep -q "^FW_APPLY=.*/fw-apply\$" "$script"'

check 'the unit'\''s command rolls back an apply the reboot left unconfirmed' '
	unconfirmed 192.168.1.60 &&
	cmd=$(sed -n "s/^ExecStart=//p" unit) &&
	env FW_BOOT_ID=rebooted PATH="$(sed -n "s/^Environment=PATH=//p" unit)" \
	    $cmd 2>err &&
	has err "not confirmed in time and is rolled back" &&
	has "$hosts" "^192.168.1.50	" && ! grep -q 192.168.1.60 "$hosts" &&
	fw-dns list | grep -qx "printer	192.168.1.50" &&
	fw-apply log >log && has log "not confirmed" &&
	fails 1 fw-apply status >st && has st "^rolledback	gen.2	.*not confirmed"'

if [ "$(id -u)" = 0 ]; then
	# boot SCRIPT-ARGS: the init script in a namespace of its own, with
	# an empty /run that lasts across calls (one "boot"): $tmp/run.
	mkdir "$tmp/run"
	boot() {
		unshare -m --propagation private sh -c \
		    'mount --bind "$1" /run && shift && exec sh "$@"' \
		    boot "$tmp/run" ./script "$@"
	}
	check 'the init script rolls back an apply the reboot left unconfirmed' '
		unconfirmed 192.168.1.61 &&
		FW_BOOT_ID=rebooted boot start >out 2>err &&
		has err "not confirmed in time and is rolled back" &&
		has "$hosts" "^192.168.1.50	" &&
		fails 1 fw-apply status >st && has st "^rolledback	" &&
		test -e "$tmp/run/mpfw-boot.done" && test ! -e /run/mpfw-boot.done'

	check 'it acts once a boot: a second start leaves a running countdown alone' '
		touch "$tmp/running" && fw-dns set printer 192.168.1.62 &&
		fw-apply -c 300 2>/dev/null &&
		FW_BOOT_ID=rebooted boot start >out 2>&1 && has out "has run" &&
		test -s "$FW_ROOT/var/lib/mpfw/confirm" &&
		has "$hosts" "192.168.1.62" && fw-apply confirm &&
		boot status >out && boot stop && boot restart &&
		fails 2 boot frobnicate'
else
	skip 'the init script: needs root for a private /run'
	skip 'the init script: needs root for a private /run'
fi

# At boot the daemons have not started: a rollback there puts the files
# back without a reload (each daemon reads them when it starts).
check 'the rollback at boot does not need the daemons to be running' '
	unconfirmed 192.168.1.63 && rm "$tmp/running" &&
	cmd=$(sed -n "s/^ExecStart=//p" unit) &&
	env FW_BOOT_ID=rebooted PATH="$(sed -n "s/^Environment=PATH=//p" unit)" \
	    $cmd && p=$(fw-dns list printer | cut -f2) &&
	has "$hosts" "^$p	" && ! grep -q 192.168.1.63 "$hosts"'
