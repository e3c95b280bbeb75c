# t/ns.sh: for the tests that run daemons whose traffic, packet filter,
# logs or mail must stay the test's own.  Source it first, before lib.sh:
# it runs the test again in a network namespace of its own, with only a
# loopback interface, and a private mount namespace, so that nothing the
# test does reaches the machine's interfaces, packet filter (nftables),
# /dev/log or mail.  Needs root; without, the test is skipped.
if [ -z "${MPFW_NS-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -m -n true 2>/dev/null; then
		echo "1..0 # SKIP needs root and namespaces"
		exit 0
	fi
	MPFW_NS=1 exec unshare -m -n --propagation private sh -e "$0" "$@"
fi
ip link set lo up

# ns_overlay DIR: DIR becomes writable for this test only, an overlay
# whose changes live under $tmp and vanish with the namespace.
ns_overlay() {
	_d=$tmp/overlay$(echo "$1" | tr / _)
	mkdir -p "$_d/up" "$_d/work"
	mount -t overlay overlay \
	    -o "lowerdir=$1,upperdir=$_d/up,workdir=$_d/work" "$1"
}

# ns_sendmail: /usr/sbin/sendmail records each mail it is given in
# $tmp/mail/m.*: the arguments, one a line, a blank line, the message.
ns_sendmail() {
	mkdir -p "$tmp/mail"
	ns_overlay /usr/sbin
	cat >/usr/sbin/sendmail <<X
#!/bin/sh
f=\$(mktemp "$tmp/mail/.m.XXXXXX") &&
    { printf '%s\n' "\$@"; echo; cat; } >"\$f" &&
    mv "\$f" "$tmp/mail/\${f##*/.}"
X
	chmod 755 /usr/sbin/sendmail
}

# ns_syslog FILE: a system logger on /dev/log of this test (busybox
# syslogd, in the format of Debian's rsyslog without the host name),
# writing every message to FILE.  /dev/pts is moved under the overlay.
ns_syslog() {
	mkdir -p "$tmp/pts" "$(dirname "$1")"
	mount --move /dev/pts "$tmp/pts"
	ns_overlay /dev
	mount --move "$tmp/pts" /dev/pts
	busybox syslogd -n -S -O "$1" &
	ns_syslogd=$!
	wait_for 5 test -S /dev/log
}
