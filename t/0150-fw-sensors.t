#!/bin/sh -e
# fw-sensors show and check on fake hardware: sensor chips and a
# drivetemp disk in a tmpfs over /sys/class, in a private mount namespace
# (DAEMONS.md), read by libsensors as real ones are, and by lm-sensors'
# own `sensors` for comparison; and show's SMART verdict of the disks, as
# smartd's problems are kept by the real smart-report.
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root: the fake chips need a mount namespace"
	exit 0
fi
if [ -z "${MPFW_T_NS-}" ]; then
	unshare -m --propagation private true 2>/dev/null ||
	    { echo "1..0 # SKIP unshare -m: no mount namespace here"; exit 0; }
	MPFW_T_NS=1 exec unshare -m --propagation private /bin/sh -e "$0" "$@"
fi
. ./lib.sh
plan 27

hw=/sys/class/hwmon
smart=$FW_ROOT/var/lib/smartmontools/mpfw
cleanup() {
	umount /sys/class 2>/dev/null || :
	umount /usr/share/smartmontools 2>/dev/null || :
}

# attrs DIR NAME=VALUE...: sysfs attribute files, one value each.
attrs() {
	_d=$1
	shift
	mkdir -p "$_d"
	for _a; do
		printf '%s\n' "${_a#*=}" >"$_d/${_a%%=*}"
	done
}

# The fake machine: a virtual chip with most kinds of sensor, a Super I/O
# chip on the ISA bus, and a hard disk seen by drivetemp.
fake_machine() {
	umount /sys/class 2>/dev/null || :
	mount -t tmpfs -o mode=755 fake /sys/class
	f=/sys/class/fake
	mkdir -p $hw $f/bus/scsi $f/bus/platform $f/devices/0:0:0:0/block/sda \
	    $f/devices/fakesio.656
	ln -s $f/bus/scsi $f/devices/0:0:0:0/subsystem
	ln -s $f/bus/platform $f/devices/fakesio.656/subsystem
	attrs $hw/hwmon0 name=fakecpu temp1_input=42500 temp1_max=80000 \
	    temp1_crit=95000 'temp1_label=Core 0' temp2_input=47000 \
	    temp2_max=80000 temp2_crit=95000 'temp2_label=Core 1' \
	    in0_input=1200 in0_min=1100 in0_max=1300 fan1_input=2000 \
	    fan1_min=500 power1_input=15000000 curr1_input=1500 \
	    humidity1_input=45500
	attrs $hw/hwmon1 name=fakesio temp1_input=30000 temp1_label=SYSTIN \
	    in1_input=3312 in1_min=3000 in1_max=3600 fan2_input=900 fan2_min=0
	ln -s $f/devices/fakesio.656 $hw/hwmon1/device
	attrs $hw/hwmon2 name=drivetemp temp1_input=38000 temp1_max=65000 \
	    temp1_crit=70000
	ln -s $f/devices/0:0:0:0 $hw/hwmon2/device
}
fake_machine
disk=$hw/hwmon2/temp1_input

# A Nagios plugin line: text, then label=value[;warn[;crit]] items.
perfdata_ok() {
	[ "$(wc -l <"$1")" -eq 1 ] || { echo "not one line" >&2; return 1; }
	sed -n 's/^[^|]*| //p' "$1" | tr ' ' '\n' | awk '
	    BEGIN { q = 0 }
	    # rejoin quoted labels that hold blanks
	    { if (q) { item = item " " $0 } else item = $0
	      q = (gsub(/'\''/, "'\''", item) % 2)
	      if (!q) print item }' >perf.items
	test -s perf.items || { echo "no performance data" >&2; return 1; }
	if grep -Ev "^('[^'=]+'|[^' =]+)=-?[0-9]+(\.[0-9]+)?(;(-?[0-9.]+(:(-?[0-9.]+)?)?)?){0,2}\$" \
	    perf.items >&2; then
		echo "^ not Nagios performance data" >&2
		return 1
	fi
}

check 'show prints every reading: chip, feature, value, unit, limits' '
	fw-sensors show >out &&
	printf "%s\t%s\t%s\t%s\t%s\n" \
	    drivetemp-scsi-0-0 sda 38.0 °C "max=65 crit=70" \
	    fakecpu-virtual-0 "Core 0" 42.5 °C "max=80 crit=95" \
	    fakecpu-virtual-0 "Core 1" 47.0 °C "max=80 crit=95" \
	    fakecpu-virtual-0 curr1 1.50 A "" \
	    fakecpu-virtual-0 fan1 2000 RPM min=500 \
	    fakecpu-virtual-0 humidity1 45.5 %RH "" \
	    fakecpu-virtual-0 in0 1.20 V "min=1.1 max=1.3" \
	    fakecpu-virtual-0 power1 15.00 W "" \
	    fakesio-isa-0290 SYSTIN 30.0 °C "" \
	    fakesio-isa-0290 fan2 900 RPM min=0 \
	    fakesio-isa-0290 in1 3.31 V "min=3 max=3.6" \
	    smart sda ok "" "" | sort >want &&
	sort out >got && same want got'

check 'show lists the chips in the order lm-sensors reads them, then SMART' '
	sensors >s.out && grep -E "^[a-z]+-[a-z]+-" s.out >want && echo smart >>want &&
	fw-sensors show | cut -f1 | uniq >got && same want got &&
	test "$(wc -l <got)" -eq 4'

check 'the values are those lm-sensors reads' '
	sensors -u fakecpu-virtual-0 >s.out &&
	grep -q "temp1_input: 42.500" s.out && grep -q "in0_input: 1.200" s.out &&
	fw-sensors show fakecpu-virtual-0 >out &&
	has out "^fakecpu-virtual-0	Core 0	42.5	" &&
	has out "^fakecpu-virtual-0	in0	1.20	"'

check 'show takes chip names with wildcards, as sensors does' '
	fw-sensors show "fakesio-*" >out && test "$(cut -f1 out | sort -u)" = fakesio-isa-0290 &&
	fw-sensors show fakecpu-virtual-0 drivetemp-scsi-0-0 | cut -f1 | sort -u >got &&
	printf "drivetemp-scsi-0-0\nfakecpu-virtual-0\nsmart\n" >want && same want got'

check 'a chip that is not there is reported, exit 1; the others are shown' '
	fails 1 fw-sensors show "nosuch-*" fakesio-isa-0290 >out 2>err &&
	has err "nosuch-\*: no such chip" && test "$(wc -l <out)" -eq 3'

check 'fw-svc disk_temp=no leaves the disks out of show, unless named' '
	fw-svc set disk_temp=no && fw-sensors show >out &&
	! grep -q drivetemp out && test "$(wc -l <out)" -eq 11 &&
	fw-sensors show "drivetemp-*" >out && has out "^drivetemp-scsi-0-0	sda	38.0" &&
	fw-svc reset disk_temp'

# smart-report as smartd runs it, for DEVICE FAILTYPE MESSAGE.  Debian's
# smartd-runner, which it hands over to and which mails, is hidden.
if [ -d /usr/share/smartmontools ]; then
	mount -t tmpfs -o mode=755 nosmartd /usr/share/smartmontools
fi
smartd_reports() {
	SMARTD_DEVICE=$1 SMARTD_FAILTYPE=$2 SMARTD_MESSAGE=$3 \
	    "$FW_DATADIR/smart-report"
}
line() { printf "%s\t%s\t%s\t%s\t%s\n" "$@"; }

check 'a disk smartd reported no problem of shows SMART ok, last' '
	fw-sensors show >out && line smart sda ok "" "" >want &&
	tail -n 1 out >got && same want got &&
	mkdir -p $smart && fw-sensors show >out && tail -n 1 out >got && same want got'

check 'disk_temp=no hides the temperature, not the SMART verdict' '
	fw-svc set disk_temp=no && fw-sensors show >out && fw-svc reset disk_temp &&
	! grep -q "^drivetemp" out && has out "^smart	sda	ok		\$"'

check 'the problem smart-report kept shows: failure type, smartd'\''s message' '
	smartd_reports /dev/sda FailedHealthCheck \
	    "Device: /dev/sda [SAT], FAILED SMART self-check. BACK UP DATA NOW!" &&
	test -f $smart/sda && fw-sensors show >out &&
	line smart sda FailedHealthCheck "" \
	    "Device: /dev/sda [SAT], FAILED SMART self-check. BACK UP DATA NOW!" >want &&
	grep "^smart" out >got && same want got && test "$(wc -l <out)" -eq 12'

check 'as the agent'\''s user reads it: no root needed' '
	chmod 755 "$tmp" && su -s /bin/sh nobody -c \
	    "FW_ROOT=$FW_ROOT $top/bin/fw-sensors show" >out &&
	has out "^smart	sda	FailedHealthCheck		Device: /dev/sda"'

check 'a disk without a temperature is shown while a problem is; 25 h later, over' '
	smartd_reports /dev/nvme0 Temperature "Device: /dev/nvme0, Temperature 71 Celsius reached limit of 70 Celsius" &&
	touch -d "25 hours ago" $smart/sda && echo "x	y" >$smart/.sdb &&
	fw-sensors show >out && grep "^smart" out >got &&
	{ line smart nvme0 Temperature "" \
	    "Device: /dev/nvme0, Temperature 71 Celsius reached limit of 70 Celsius" &&
	  line smart sda ok "" ""; } >want && same want got &&
	fails 2 "$FW_DATADIR/check-smart" $smart >cs && has cs "^SMART CRITICAL - nvme0: " &&
	! grep -q "sda" cs &&
	touch -d "24 hours ago" $smart/sda && fw-sensors show >out &&
	has out "^smart	sda	FailedHealthCheck	" && has out "^smart	nvme0	"'

check 'with chip operands, only the SMART lines of the disks they name' '
	fw-sensors show "drivetemp-*" >out && cut -f1,2,3 out >got &&
	printf "drivetemp-scsi-0-0\tsda\t38.0\nsmart\tsda\tFailedHealthCheck\n" >want &&
	same want got && fw-sensors show fakesio-isa-0290 >out &&
	! grep -q "^smart" out && test "$(wc -l <out)" -eq 3'

check 'fw-svc disk_smart=no: no SMART line at all; back on, they are back' '
	fw-svc set disk_smart=no && fw-sensors show >out &&
	fw-sensors show "drivetemp-*" >>out && ! grep -q "^smart" out &&
	test "$(wc -l <out)" -eq 12 &&
	fw-svc reset disk_smart && fw-sensors show >out && has out "^smart	sda	"'

check 'a SMART directory that cannot be read is said, exit 1; the rest is shown' '
	rm -r $smart && echo no >$smart && fails 1 fw-sensors show >out 2>err &&
	has err "fw-sensors: .*/var/lib/smartmontools/mpfw: Not a directory" &&
	! grep -q "^smart" out && test "$(wc -l <out)" -eq 11 && rm $smart'

check 'check: the disk below disk_temp_warn is OK, exit 0, one line' '
	echo 45000 >$disk && fw-sensors check >out && perfdata_ok out &&
	has out "^SENSORS OK - 11 sensors within limits |" &&
	has out " sda=45;50;60" && has out " '\''fakecpu-virtual-0 Core 0'\''=42.5;80;95" &&
	has out " '\''fakecpu-virtual-0 in0'\''=1.2;1.1:1.3"'

check 'check: above disk_temp_warn is WARNING, exit 1, naming the disk' '
	echo 55000 >$disk && fails 1 fw-sensors check >out && perfdata_ok out &&
	has out "^SENSORS WARNING - sda 55 C |" && has out " sda=55;50;60"'

check 'check: above disk_temp_crit is CRITICAL, exit 2' '
	echo 61500 >$disk && fails 2 fw-sensors check >out && perfdata_ok out &&
	has out "^SENSORS CRITICAL - sda 61.5 C |" && has out " sda=61.5;50;60"'

check 'the thresholds are fw-svc'\''s, not the disk'\''s own limits' '
	echo 66000 >$disk && fails 2 fw-sensors check >out &&
	fw-svc set disk_temp_warn=65 disk_temp_crit=68 &&
	fails 1 fw-sensors check >out && has out "^SENSORS WARNING - sda 66 C" &&
	has out " sda=66;65;68" && fw-svc reset disk_temp_warn disk_temp_crit'

check 'exactly at disk_temp_warn is still OK: the limit is "above"' '
	echo 50000 >$disk && fw-sensors check sda >out &&
	test "$(cat out)" = "SENSORS OK - 1 sensor within limits | sda=50;50;60"'

check 'disk_temp=no: the disks are not checked unless named' '
	echo 70000 >$disk && fw-svc set disk_temp=no &&
	fw-sensors check >out && has out "^SENSORS OK - 10 sensors" &&
	fails 2 fw-sensors check sda >out && has out "^SENSORS CRITICAL - sda 70 C" &&
	fw-svc reset disk_temp && echo 38000 >$disk'

check 'other sensors against their chip limits; the worst state wins' '
	echo 85000 >$hw/hwmon0/temp2_input &&
	fails 1 fw-sensors check >out && perfdata_ok out &&
	has out "^SENSORS WARNING - fakecpu-virtual-0 Core 1 85 C |" &&
	echo 61000 >$disk && fails 2 fw-sensors check >out &&
	has out "^SENSORS CRITICAL - sda 61 C, fakecpu-virtual-0 Core 1 85 C |" &&
	echo 300 >$hw/hwmon0/fan1_input && fails 1 fw-sensors check fakecpu-virtual-0 >out &&
	has out "^SENSORS WARNING - fakecpu-virtual-0 fan1 300 RPM, fakecpu-virtual-0 Core 1 85 C |"'

echo 47000 >$hw/hwmon0/temp2_input
echo 2000 >$hw/hwmon0/fan1_input
echo 38000 >$disk

check 'check -w and -c set every temperature'\''s thresholds' '
	fails 1 fw-sensors check -w 40 -c 45 "Core 0" >out &&
	test "$(cat out)" = "SENSORS WARNING - fakecpu-virtual-0 Core 0 42.5 C | '\''fakecpu-virtual-0 Core 0'\''=42.5;40;45" &&
	fails 2 fw-sensors check -c 40 sda "Core 0" >out &&
	has out "^SENSORS CRITICAL - fakecpu-virtual-0 Core 0 42.5 C |"'

check 'check: bad thresholds and unknown sensors are UNKNOWN, exit 3' '
	fails 3 fw-sensors check -w 60 -c 50 >out &&
	has out "^SENSORS UNKNOWN - -w 60 must be below -c 50" &&
	fails 3 fw-sensors check -w hot >out && has out "^SENSORS UNKNOWN - -w hot: not a temperature" &&
	fails 3 fw-sensors check sdz >out &&
	test "$(cat out)" = "SENSORS UNKNOWN - sdz: no such chip, sensor or disk"'

# Readdir order decides which chip libsensors reads first: the first,
# chipx, gets the feature that vanishes, the second a name that is a
# FIFO, so that the tool has surely listed chipx's files (it is blocked
# reading the name) before one of them goes.
vanish() {
	umount /sys/class && mount -t tmpfs -o mode=755 fake /sys/class &&
	mkdir -p $hw/hwmon0 $hw/hwmon1 &&
	set -- $(ls -f $hw | grep -v "^\.") && x=$hw/$1 y=$hw/$2 &&
	attrs $x name=chipx temp1_input=21000 temp2_input=22000 "$@" &&
	attrs $y temp1_input=23000 && mkfifo $y/name
}
# ... then the tool in the background, and: mid_read PID
mid_read() {
	exec 3>$y/name && rm $x/temp2_input && echo chipy >&3 && exec 3>&- &&
	wait $1
}

check 'a feature whose file vanishes mid-read is reported, not fatal' '
	vanish && { fw-sensors show >out 2>err & pid=$!; } &&
	{ mid_read $pid; test $? -eq 1; } &&
	test "$(cat err)" = "fw-sensors: chipx-virtual-0: temp2: Kernel interface error" &&
	sort out >got && printf "%s\t%s\t%s\t%s\t\n" chipx-virtual-0 temp1 21.0 °C \
	    chipy-virtual-0 temp1 23.0 °C >want && same want got'

check 'check says UNKNOWN of the vanished reading, beside the others' '
	vanish && attrs $x temp1_input=99000 temp1_crit=90000 &&
	{ fw-sensors check >out & pid=$!; } && { mid_read $pid; test $? -eq 2; } &&
	perfdata_ok out &&
	test "$(cat out)" = "SENSORS CRITICAL - chipx-virtual-0 temp1 99 C, chipx-virtual-0 temp2 unreadable (Kernel interface error) | '\''chipx-virtual-0 temp1'\''=99;;90 '\''chipy-virtual-0 temp1'\''=23"'

check 'check with no sensor at all is UNKNOWN, exit 3; show says nothing' '
	umount /sys/class && mount -t tmpfs -o mode=755 fake /sys/class &&
	mkdir $hw && fails 3 fw-sensors check >out &&
	test "$(cat out)" = "SENSORS UNKNOWN - no sensors found" &&
	fw-sensors show >out && ! test -s out'

check 'a bad or broken services file: show exits 1 or 3, check is UNKNOWN' '
	fake_machine && printf "disk_temp_warn=95\n" >$settings/services &&
	fails 1 fw-sensors show >/dev/null 2>err && has err "disk_temp_warn=95" &&
	fails 3 fw-sensors check >out && has out "^SENSORS UNKNOWN - " &&
	printf "garbage line\n" >$settings/services &&
	fails 3 fw-sensors show 2>err && rm $settings/services'
