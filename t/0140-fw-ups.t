#!/bin/sh -e
# fw-ups without daemons: the models, the rules of each mode, the
# driver options, the names and passwords NUT takes, and what the NUT
# files say (checked by check-nut, NUT's own parsers).
. ./lib.sh
plan 33

ups=$settings/ups
same_file() { if [ -e "$ups" ]; then same "$1" "$ups"; else test ! -e "$1"; fi; }
keep() { cp "$ups" before 2>/dev/null || rm -f before; }

check 'keys lists every key of the manual'\''s table, with its label' '
	fw-ups keys | cut -f1 >out &&
	printf "%s\n" mode model port params master master_user \
	    master_password slaves slave_user slave_password admin_user \
	    admin_password upsd_port >want && same want out &&
	fw-ups keys | grep -q "^model	string		Modell\$"'

check 'models lists model TAB driver, one a line, as the file has them' '
	fw-ups models >out &&
	grep -v "^#" "$FW_DATADIR/ups-models" | awk "NF { print \$1 \"\t\" \$2 }" >want &&
	same want out && has out "^apc-back-ups-usb	usbhid-ups\$" &&
	has out "^generic-megatec	nutdrv_qx\$"'

check 'every model'\''s driver is installed and answers -L' '
	for d in $(fw-ups models | cut -f2 | sort -u); do
		/lib/nut/$d -L >/dev/null ||
		    { echo "$d"; exit 1; }
	done'

check 'mode=master alone is refused, naming every missing key' '
	fails 1 fw-ups set mode=master 2>err &&
	has err "mode=master: missing model, port, admin_user, admin_password" &&
	test ! -e "$ups"'

check 'mode=slave alone is refused, naming every missing key' '
	fails 1 fw-ups set mode=slave 2>err &&
	has err "mode=slave: missing master, master_user, master_password" &&
	test ! -e "$ups"'

echo 'Adm1n-pw' | fw-ups passwd admin_password
echo 'M4ster-pw' | fw-ups passwd master_password
check 'each missing key of master mode is refused alone, by name' '
	for k in model port admin_user; do
		set -- model=apc-smart-ups-serial port=ttyS0 admin_user=admin
		args=$(printf "%s\n" "$@" | grep -v "^$k=") &&
		fails 1 fw-ups set mode=master $args 2>err &&
		has err "mode=master: missing $k\$" || exit 1
	done && test ! -e "$ups"'

check 'and a missing password, with how to set it' '
	fw-ups reset admin_password &&
	fails 1 fw-ups set mode=master model=apc-smart-ups-serial port=ttyS0 \
	    admin_user=admin 2>err &&
	has err "mode=master: missing admin_password (a password is set with fw-ups passwd KEY, first)" &&
	echo Adm1n-pw | fw-ups passwd admin_password'

check 'each missing key of slave mode is refused alone, by name' '
	for k in master master_user; do
		set -- master=myups@192.168.1.2 master_user=fw
		args=$(printf "%s\n" "$@" | grep -v "^$k=") &&
		fails 1 fw-ups set mode=slave $args 2>err &&
		has err "mode=slave: missing $k\$" || exit 1
	done && fw-ups reset master_password &&
	fails 1 fw-ups set mode=slave master=myups@192.168.1.2 \
	    master_user=fw 2>err && has err "missing master_password" &&
	echo M4ster-pw | fw-ups passwd master_password'

check 'a password is never taken from argv' '
	fails 1 fw-ups set admin_password=secret 2>err &&
	has err "admin_password: a secret: set it with fw-ups passwd admin_password" &&
	! grep -rq secret "$settings"'

check 'master with every key it needs is taken' '
	fw-ups set mode=master model=apc-smart-ups-serial port=ttyS0 \
	    admin_user=admin && test "$(fw-ups get mode)" = master'

check 'and removing one of them again is refused' '
	keep && fails 1 fw-ups reset model 2>err &&
	has err "mode=master: missing model" &&
	fails 1 fw-ups reset admin_password 2>err &&
	has err "missing admin_password" && same_file before &&
	fw-ups describe admin_password | grep -qx "set	yes"'

check 'slave_user and slave_password: both or neither' '
	fails 1 fw-ups set slave_user=slave 2>err &&
	has err "slave_user and slave_password: both or neither; slave_password is missing" &&
	echo Sl4ve-pw | fw-ups passwd slave_password &&
	fw-ups set slave_user=slave && fails 1 fw-ups reset slave_password 2>err &&
	has err "slave_user is missing\|slave_password is missing"'

check 'an unknown model is refused, with the nearest name' '
	keep && fails 1 fw-ups set model=apc-smart-ups-seriall 2>err &&
	has err "model=apc-smart-ups-seriall: unknown model; did you mean apc-smart-ups-serial?" &&
	same_file before'

check 'a USB-only model on a serial port is refused, naming both keys' '
	fails 1 fw-ups set model=apc-back-ups-usb 2>err &&
	has err "port=ttyS0: model apc-back-ups-usb is a USB UPS (driver usbhid-ups); port must be usb0 or usb1" &&
	fw-ups set model=apc-back-ups-usb port=usb1'

check 'params: each name is checked against the driver'\''s own list' '
	keep &&
	fails 1 fw-ups set params=nosuch=1 2>err &&
	has err "params: nosuch: not an option of driver usbhid-ups" &&
	fails 1 fw-ups set params=pollonly=yes 2>err &&
	has err "params: pollonly: a flag of driver usbhid-ups, given by its name alone" &&
	fails 1 fw-ups set params=pollfreq 2>err &&
	has err "params: pollfreq: needs a value, pollfreq=VALUE" &&
	fails 1 fw-ups set params=vendorid=0001 2>err &&
	has err "params: vendorid: fixed by model apc-back-ups-usb (vendorid=051d)" &&
	fails 1 fw-ups set "params=pollfreq=10 pollfreq=20" 2>err &&
	has err "params: pollfreq: given twice" && same_file before'

check 'driver options, flags and NUT'\''s generic ones are taken' '
	fw-ups set "params=pollfreq=15 pollonly override.battery.charge.low=20 ignorelb" &&
	fw-ups render ups.conf >out &&
	printf "%s\n" "[myups]" "	driver = \"usbhid-ups\"" "	port = \"auto\"" \
	    "	desc = \"apc-back-ups-usb\"" "	vendorid = \"051d\"" \
	    "	pollfreq = \"15\"" "	pollonly" \
	    "	override.battery.charge.low = \"20\"" "	ignorelb" >want &&
	sed 1,2d out >got && same want got'

check 'a serial model on a USB socket is on a USB-serial adapter' '
	fw-ups set params= model=apc-smart-ups-serial port=usb1 &&
	fw-ups render ups.conf | grep -qx "	port = \"/dev/ttyUSB1\"" &&
	fw-ups set port=ttyS1 &&
	fw-ups render ups.conf | grep -qx "	port = \"/dev/ttyS1\""'

check 'master must be UPSNAME@ADDRESS[:PORT]' '
	keep && for m in 192.168.1.2 "my ups@1.2.3.4" myups@ myups@1.2.3.4:0 \
	    myups@1.2.3.4:70000 "myups@[fe80::1" myups@-bad-.example; do
		fails 1 fw-ups set "master=$m" 2>err &&
		has err "master=.*: " || { echo "$m"; exit 1; }
	done && same_file before &&
	fw-ups set master=myups@192.168.1.2:3493 &&
	fw-ups set "master=ups-1@[fd00::2]:3494" && fw-ups set master=ups@nas.lan'

check 'user names are words NUT takes, and not the firewall'\''s monitor' '
	keep && fails 1 fw-ups set "admin_user=ad min" 2>err &&
	has err "admin_user=ad min: a NUT user name is letters, digits and _.-" &&
	fails 1 fw-ups set "slave_user=a]b" 2>err &&
	fails 1 fw-ups set admin_user=mpfw-monitor 2>err &&
	has err "the firewall'\''s own monitor has that name" &&
	fails 1 fw-ups set slave_user=admin 2>err &&
	has err "slave_user=admin: must differ from admin_user (admin)" &&
	same_file before'

check 'a password NUT cannot take stops render, naming it' '
	printf "%s\n" "two words" | fw-ups passwd slave_password &&
	fails 1 fw-ups render upsd.users 2>err &&
	has err "slave_password: NUT takes printable ASCII without blanks" &&
	for bad in "a\"b" "a\\\\b" "a#b" "a=b" "pässwort"; do
		printf "%s\n" "$bad" | fw-ups passwd slave_password &&
		fails 1 fw-ups render upsd.conf 2>/dev/null || { echo "$bad"; exit 1; }
	done && echo Sl4ve-pw | fw-ups passwd slave_password'

check 'master: upsd.users has the admin, the slaves'\'' account, the own monitor' '
	fw-ups render upsd.users >out &&
	grep -v "^#" out | sed "s/\"[0-9a-f]\{64\}\"/\"HEX\"/" >got &&
	printf "%s\n" "[admin]" "	password = \"Adm1n-pw\"" "	actions = SET" \
	    "	instcmds = ALL" "[slave]" "	password = \"Sl4ve-pw\"" \
	    "	upsmon secondary" "[mpfw-monitor]" "	password = \"HEX\"" \
	    "	upsmon primary" >want && same want got'

check 'the own monitor'\''s password is the same on every render' '
	fw-ups render upsmon.conf >a && fw-ups render upsmon.conf >b &&
	same a b && m=$(grep -o "[0-9a-f]\{64\}" a) &&
	grep -q "\"$m\"" out && ! grep -q Adm1n-pw a'

check 'upsd listens on localhost, and with slaves on the internal address' '
	fw-svc set lan_ip=192.168.7.1 &&
	fw-ups render upsd.conf | grep -c "^LISTEN" | grep -qx 1 &&
	fw-ups set "slaves=192.168.7.0/24 10.0.0.5 fd00::/64" &&
	fw-ups render upsd.conf | grep "^LISTEN" >out &&
	printf "LISTEN 127.0.0.1 3493\nLISTEN 192.168.7.1 3493\n" >want &&
	same want out'

check 'hosts.allow lets in the firewall and the slaves, no one else (tcpdmatch)' '
	mkdir -p wrap && fw-ups render hosts.allow >wrap/hosts.allow &&
	has wrap/hosts.allow "^upsd: 127.0.0.1 \[::1\] 192.168.7.0/255.255.255.0 10.0.0.5 \[fd00::\]/64 : allow\$" &&
	for a in 127.0.0.1 192.168.7.9 10.0.0.5; do
		(cd wrap && tcpdmatch -d upsd $a) | grep -q "access: *granted" ||
		    { echo "$a"; exit 1; }
	done &&
	for a in 192.168.8.1 10.0.0.6 127.0.0.2; do
		(cd wrap && tcpdmatch -d upsd $a) | grep -q "access: *denied" ||
		    { echo "$a"; exit 1; }
	done'

check 'every NUT file of master and slave mode passes check-nut' '
	fw-ups set master_user=fw && for mode in master slave none; do
		fw-ups set mode=$mode && rm -rf stage &&
		mkdir -p stage/etc/nut &&
		for f in ups.conf upsd.conf upsd.users upsmon.conf nut.conf; do
			fw-ups render $f >stage/etc/nut/$f || exit 1
		done &&
		fw-ups render hosts.allow >stage/etc/hosts.allow &&
		"$FW_DATADIR/check-nut" stage || { echo "$mode"; exit 1; }
	done'

odd='a"b#c\d'
printf '\toverride.ups.mfr = "a\\"b\\#c\\\\d"\n' >quoted
check 'a value with quotes, # and \ stays one value in NUT'\''s syntax' '
	fw-ups set mode=master "params=override.ups.mfr=$odd" &&
	fw-ups render ups.conf | grep "^	override" >out && same quoted out'

check 'upsd_port may not be a port another service listens on' '
	keep && fails 1 fw-ups set upsd_port=22 2>err &&
	has err "upsd_port=22: .*ssh_port" && same_file before'

check 'nut-ctl under another root will not touch the host'\''s daemons' '
	fails 1 env -u NUT_STATEPATH "$FW_DATADIR/nut-ctl" upsd stop 2>err &&
	has err "FW_ROOT=$FW_ROOT: set NUT_STATEPATH"'

check 'describe mode names every NUT unit it feeds, nut-mode too' '
	fw-ups describe mode >out &&
	has out "^units	nut-driver nut-server nut-access nut-monitor nut-mode\$" &&
	units=" $(sed -n "s/^units	//p" out) " &&
	for u in $(awk "/^unit nut-/ { print \$2 }" "$FW_DATADIR/units.conf"); do
		case $units in *" $u "*) ;; *) echo "$u"; exit 1 ;; esac
	done'

# The mode table again at apply, on a settings file written by hand (as
# an import or an editor may): fw-apply renders nothing it would install.
# Only the NUT units, whose controls (nut-ctl) refuse to run under a
# root without NUT_STATEPATH: no daemon of the machine is touched.
only_units nut-driver nut-server nut-access nut-monitor nut-mode
rm -f "$settings/secrets/ups"
check 'fw-apply refuses mode=master without its keys, naming them, installs nothing' '
	printf "mode=master\nslaves=10.0.0.5\n" >"$ups" &&
	fails 3 fw-apply 2>err &&
	has err "mode=master: missing model, port, admin_user, admin_password" &&
	test ! -e "$FW_ROOT/etc/nut" && test ! -e "$FW_ROOT/etc/hosts.allow"'

check 'and mode=slave without its keys, naming them' '
	printf "mode=slave\nmaster_user=fw\n" >"$ups" &&
	fails 3 fw-apply 2>err &&
	has err "mode=slave: missing master, master_password" &&
	test ! -e "$FW_ROOT/etc/nut" && test ! -e "$FW_ROOT/etc/hosts.allow"'

# nut-access installs the whole of /etc/hosts.allow (libwrap has no
# include of rules): an admin's own lines are kept by the drop-in that
# fw-ups(1) and fw-units(5) show, which appends them after mpfw's.
echo Adm1n-pw | fw-ups passwd admin_password
printf "%s\n" mode=master model=apc-smart-ups-serial port=ttyS0 \
    admin_user=admin slaves=10.0.0.5 >"$ups"
printf 'sshd: 192.168.1.0/255.255.255.0 : allow\n' >"$settings/hosts.allow.local"
cat >"$settings/units.d/site.conf" <<'X'
unit nut-access {
	render = 'fw-ups render hosts.allow && cat "$FW_ROOT/etc/mpfw/hosts.allow.local"'
	target = '/etc/hosts.allow'
}
X
wrap() { (cd "$FW_ROOT/etc" && tcpdmatch -d "$1" "$2") | grep -q "access: *$3"; }
check 'the drop-in of fw-ups(1) keeps an admin'\''s own hosts.allow lines' '
	fw-apply nut-access && wrap sshd 192.168.1.7 granted &&
	wrap upsd 10.0.0.5 granted && wrap upsd 192.168.1.7 denied &&
	test "$(stat -c "%a %U" "$FW_ROOT/etc/hosts.allow")" = "644 $(id -un)"'

check 'and a change to them is installed when the unit is named' '
	printf "sshd: 192.168.2.0/255.255.255.0 : allow\n" \
	    >>"$settings/hosts.allow.local" &&
	fw-apply nut-access && wrap sshd 192.168.2.7 granted &&
	wrap upsd 192.168.2.7 denied'
