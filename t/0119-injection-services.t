#!/bin/sh -e
# Bad bytes against the files of NTP, fail2ban, arpwatch, the Nagios
# agent, the serial console and SMART (t/0053 does the same for the
# others): for every key, values with a newline, a carriage return,
# quotes, a backslash, command substitution and overlong text are
# refused, or stored so that each of these files, checked by its
# daemon's own parser, sees them as data, never as a directive.  And the
# values the schema takes that those daemons' syntaxes treat specially:
# a mail address with ` and $ for fail2ban's shell, % for its
# configparser.
. ./lib.sh
plan 5

svc=$settings/services
values() {
	printf 'a\nallow 0.0.0.0/0\0'
	printf '10.0.0.1\ncommand[x]=/bin/sh\0'
	printf 'ttyS0 vt100\nX0:2345:respawn:/bin/sh\0'
	common_bad_values
}
load_values values

# render_all: every file of these units, through its unit's check.
render_all() {
	d=$tmp/cand
	rm -rf "$d" && mkdir -p "$d/etc/fail2ban" "$d/etc/nagios" \
	    "$d/etc/sudoers.d" "$d/etc/default" &&
	fw-svc render chrony >"$d/chrony.conf" &&
	chronyd -p -f "$d/chrony.conf" >/dev/null 2>&1 &&
	fw-svc render fail2ban-jails >"$d/etc/fail2ban/jail.local" &&
	fw-svc render fail2ban >"$d/etc/fail2ban/fail2ban.local" &&
	"$FW_DATADIR/check-fail2ban" "$d" 2>/dev/null &&
	fw-svc render nrpe >"$d/etc/nagios/nrpe.cfg" &&
	fw-svc render nrpe-sudoers >"$d/etc/sudoers.d/mpfw-nrpe" &&
	"$FW_DATADIR/check-nrpe" "$d" 2>/dev/null &&
	fw-svc render inittab >"$d/inittab" &&
	"$FW_DATADIR/check-inittab" "$d/inittab" &&
	fw-svc render smartd >"$d/smartd.conf" &&
	"$FW_DATADIR/check-smartd" "$d/smartd.conf" 2>/dev/null &&
	fw-svc render arpwatch >"$d/arpwatch" && sh -n "$d/arpwatch" &&
	! grep -q "^allow 0\.0\.0\.0/0\|^command\[x\]\|^X0:" "$d"/chrony.conf \
	    "$d"/etc/nagios/nrpe.cfg "$d"/inittab
}

# With these on, every file holds every key it can.
fw-svc set lan_ip=127.0.0.1 nagios_from=127.0.0.1 nagios=yes \
    tgpro_ip=10.0.0.5 fail2ban_mail=root@localhost serial_console=ttyS0
cp "$svc" "$tmp/orig"

check 'these files of a clean root pass their daemons'"'"' checks' 'render_all'

inject fw-svc "$svc" render_all
check "every key, $nvalues bad values each: $refused refused, $stored stored as data, $bad wrong" \
    'test $bad = 0'

mail='ops`touch${IFS}'$tmp'/PWNED`$HOME%x@example.org'
check 'a mail address with ` $ and % reaches fail2ban'"'"'s sendmail as itself' '
	fw-svc set "fail2ban_mail=$mail" && render_all &&
	cp -R /etc/fail2ban f2b && cp "$tmp"/cand/etc/fail2ban/* f2b/ &&
	sed -i "s|^logpath = .*|logpath = /dev/null|" f2b/jail.local &&
	fail2ban-client -d -c f2b 2>/dev/null >dump &&
	cmd=$(python3 -c "
import ast, sys
for line in open(\"dump\"):
    v = ast.literal_eval(line)
    if v[:4] == [\"multi-set\", \"sshd\", \"action\", \"sendmail\"]:
        print(dict(v[4])[\"mailcmd\"].replace(\"<sender>\", \"s\").replace(\"<dest>\", dict(v[4])[\"dest\"]))
") && test -n "$cmd" &&
	printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$@\" >%s/argv\n" "$tmp" >sendmail &&
	chmod +x sendmail && cmd=$(printf %s "$cmd" | sed "s|/usr/sbin/sendmail|$tmp/sendmail|") &&
	sh -c "$cmd" && test "$(sed -n 3p argv)" = "$mail"'

check 'no command was ever run' 'test ! -e "$tmp/PWNED"'

check 'the settings are as they were' 'fw-svc set fail2ban_mail=root@localhost && same "$tmp/orig" "$svc"'
