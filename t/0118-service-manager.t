#!/bin/sh -e
# The service manager (issues 11 and 17): the shipped arpwatch and
# serial-console units make their daemons live through the one the
# machine runs.  Under systemd (ROOT/run/systemd/system exists) that is
# systemctl on the instances arpwatch@IFACE and serial-getty@PORT, which
# are enabled and started, or stopped and disabled; under sysvinit the
# init script and `telinit q`.  systemd is not PID 1 here: a stand-in
# systemctl on PATH keeps the instances' state (loaded ones, and enabled
# ones as the wants links under the root, where systemctl puts them) and
# records every call, as do stand-ins for service and telinit.  The
# shipped units run unchanged, through fw-apply.
. ./lib.sh
plan 14

mkdir "$tmp/fake"
cat >"$tmp/fake/systemctl" <<X
#!/bin/sh
echo "systemctl \$*" >>"$tmp/calls"
loaded=$tmp/loaded
touch "\$loaded"
wants() {
	case \$1 in
	serial-getty@*) echo "$FW_ROOT/etc/systemd/system/getty.target.wants" ;;
	*) echo "$FW_ROOT/etc/systemd/system/multi-user.target.wants" ;;
	esac
}
now=
case \$1 in
list-units)
	pat=\$(for a; do case \$a in -*|list-units) ;; *) echo "\$a" ;; esac; done)
	while read -r u; do
		case \$u in \$pat) echo "\$u loaded active running stand-in" ;; esac
	done <"\$loaded"
	exit 0 ;;
enable|disable)
	verb=\$1; shift
	[ "\$1" = --now ] && { now=1; shift; }
	w=\$(wants "\$1")
	mkdir -p "\$w"
	if [ \$verb = enable ]; then
		ln -sf /lib/systemd/system/x.service "\$w/\$1"
		[ -z "\$now" ] || echo "\$1" >>"\$loaded"
	else
		rm -f "\$w/\$1"
		[ -z "\$now" ] || { grep -vxF "\$1" "\$loaded" >"\$loaded.new" || :; mv "\$loaded.new" "\$loaded"; }
	fi ;;
start|restart) grep -qxF "\$2" "\$loaded" || echo "\$2" >>"\$loaded" ;;
stop) grep -vxF "\$2" "\$loaded" >"\$loaded.new" || :; mv "\$loaded.new" "\$loaded" ;;
*) echo "systemctl: \$1: not in the stand-in" >&2; exit 1 ;;
esac
X
for c in service telinit; do
	printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$c" "$tmp/calls" >"$tmp/fake/$c"
done
chmod +x "$tmp/fake"/*
PATH=$tmp/fake:$PATH
: >"$tmp/calls"
only_units arpwatch serial-console
systemd() { mkdir -p "$FW_ROOT/run/systemd/system"; }
sysvinit() { rm -rf "$FW_ROOT/run/systemd"; }
calls() { cat "$tmp/calls"; : >"$tmp/calls"; }
enabled() { test -L "$FW_ROOT/etc/systemd/system/$1.wants/$2"; }
loaded() { grep -qxF "$1" "$tmp/loaded"; }
cleanup() { [ ! -s "$tmp/sleeper" ] || kill "$(cat "$tmp/sleeper")" 2>/dev/null || :; }

# lo carries 127.0.0.1: arpwatch is to watch lo.
fw-svc set lan_ip=127.0.0.1 arpwatch=no
fw-apply
: >"$tmp/calls"

systemd
# An instance on an interface lan_ip has left, running and enabled.
echo arpwatch@eth9.service >"$tmp/loaded"
mkdir -p "$FW_ROOT/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/arpwatch@.service \
    "$FW_ROOT/etc/systemd/system/multi-user.target.wants/arpwatch@eth9.service"

check 'systemd: arpwatch=yes enables and starts arpwatch@lo, not the dummy arpwatch.service' '
	fw-svc set arpwatch=yes && fw-apply && calls >c &&
	has c "^systemctl enable arpwatch@lo\.service\$" &&
	has c "^systemctl start arpwatch@lo\.service\$" &&
	! grep -q "^service\|arpwatch\.service\|telinit" c &&
	enabled multi-user.target arpwatch@lo.service && loaded arpwatch@lo.service'

check 'and stops and disables the instance of the interface lan_ip left' '
	has c "^systemctl disable --now arpwatch@eth9\.service\$" &&
	! enabled multi-user.target arpwatch@eth9.service && ! loaded arpwatch@eth9.service'

check 'restart and reload restart the instance, and keep it enabled' '
	"$FW_DATADIR/arpwatch-ctl" restart "$FW_ROOT/etc/default/arpwatch" &&
	"$FW_DATADIR/arpwatch-ctl" reload "$FW_ROOT/etc/default/arpwatch" &&
	calls >c && test "$(grep -c "^systemctl restart arpwatch@lo\.service\$" c)" = 2 &&
	! grep -q "disable\|^service" c && enabled multi-user.target arpwatch@lo.service'

check 'systemd: arpwatch=no stops and disables it' '
	fw-svc set arpwatch=no && fw-apply && calls >c &&
	has c "^systemctl disable --now arpwatch@lo\.service\$" &&
	! grep -q "systemctl \(enable\|start\)" c &&
	! enabled multi-user.target arpwatch@lo.service && ! loaded arpwatch@lo.service'

check 'systemd: serial_console=ttyS0 enables and starts serial-getty@ttyS0, no telinit' '
	echo serial-getty@hvc0.service >>"$tmp/loaded" &&
	fw-svc set serial_console=ttyS0 && fw-apply && calls >c &&
	has c "^systemctl enable --now serial-getty@ttyS0\.service\$" &&
	! grep -q "telinit\|disable" c &&
	enabled getty.target serial-getty@ttyS0.service && loaded serial-getty@ttyS0.service'

check 'switching to ttyS1 stops and disables ttyS0, and leaves other consoles alone' '
	fw-svc set serial_console=ttyS1 && fw-apply && calls >c &&
	has c "^systemctl disable --now serial-getty@ttyS0\.service\$" &&
	has c "^systemctl enable --now serial-getty@ttyS1\.service\$" &&
	! grep -q hvc0 c && loaded serial-getty@hvc0.service &&
	! enabled getty.target serial-getty@ttyS0.service && ! loaded serial-getty@ttyS0.service &&
	enabled getty.target serial-getty@ttyS1.service'

check 'off stops and disables it, also one only enabled (not running)' '
	ln -s /lib/systemd/system/serial-getty@.service \
	    "$FW_ROOT/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service" &&
	fw-svc set serial_console=off && fw-apply && calls >c &&
	has c "^systemctl disable --now serial-getty@ttyS1\.service\$" &&
	has c "^systemctl disable --now serial-getty@ttyS0\.service\$" &&
	! grep -q "enable " c && ! ls "$FW_ROOT/etc/systemd/system/getty.target.wants" | grep -q ttyS'

sysvinit
check 'sysvinit: arpwatch=yes runs the init script, no systemctl' '
	fw-svc set arpwatch=yes && fw-apply && calls >c &&
	has c "^service arpwatch start\$" && ! grep -q systemctl c'

# An arpwatch the init script started on an interface the file no longer
# names, with its pid file.
mkdir -p "$FW_ROOT/var/run"
sleep 600 &
echo $! >"$tmp/sleeper"
cp "$tmp/sleeper" "$FW_ROOT/var/run/arpwatch-eth9.pid"

check 'sysvinit: restart ends every instance by its pid file, then starts' '
	"$FW_DATADIR/arpwatch-ctl" restart "$FW_ROOT/etc/default/arpwatch" &&
	wait_for 5 sh -c "! kill -0 $(cat "$tmp/sleeper") 2>/dev/null" &&
	test ! -e "$FW_ROOT/var/run/arpwatch-eth9.pid" &&
	calls >c && has c "^service arpwatch start\$" && ! grep -q systemctl c'

check 'sysvinit: arpwatch=no ends them, not through the init script' '
	sleep 600 & echo $! >"$tmp/sleeper" &&
	cp "$tmp/sleeper" "$FW_ROOT/var/run/arpwatch-lo.pid" &&
	fw-svc set arpwatch=no && fw-apply &&
	wait_for 5 sh -c "! kill -0 $(cat "$tmp/sleeper") 2>/dev/null" &&
	test ! -e "$FW_ROOT/var/run/arpwatch-lo.pid" &&
	calls >c && ! grep -q "systemctl\|service" c'

check 'sysvinit: the serial console has init read its table, no systemctl' '
	fw-svc set serial_console=ttyS0 && fw-apply && calls >c &&
	has c "^telinit q\$" && ! grep -q systemctl c &&
	has "$FW_ROOT/etc/inittab" "^S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100\$"'

check 'a failing systemctl fails the apply' '
	systemd && fw-svc set arpwatch=yes &&
	printf "#!/bin/sh\necho \"systemctl \$*\" >>%s\nexit 1\n" "$tmp/calls" >"$tmp/fake/systemctl" &&
	fails 3 fw-apply 2>err && calls >c && has c "^systemctl enable arpwatch@lo\.service\$"'

check 'the scripts refuse a wrong verb, with their usage' '
	fails 2 "$FW_DATADIR/arpwatch-ctl" reboot x 2>err && has err "usage: arpwatch-ctl" &&
	fails 2 "$FW_DATADIR/serial-console-ctl" start x 2>err && has err "usage: serial-console-ctl"'

check 'arpwatch-ctl refuses a file that is not sh' '
	printf "INTERFACES=\x27lo\n" >bad && fails 1 "$FW_DATADIR/arpwatch-ctl" start bad 2>err &&
	has err "arpwatch-ctl: bad: cannot read INTERFACES"'
