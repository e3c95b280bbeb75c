#!/bin/sh -e
# The FTP proxy with the real ftp-proxy, and its transparent mode, with
# real packets: three network namespaces of the test's own, a client
# (192.0.2.2), the firewall (192.0.2.1, 198.51.100.1) and an FTP server
# (vsftpd, anonymous, on 198.51.100.2:21), joined by veth pairs.
# ftp-proxy and the nftables table run in the firewall's namespace;
# python's ftplib is the client.  The machine's own ruleset is never
# touched.
. ./lib.sh
root || skip_all 'not root: ftp-proxy runs as a user of its own, in network namespaces'
. "$top/t/proxy.sh"
plan 12

c=mpfwt$$c f=mpfwt$$f s=mpfwt$$s
inns() { ip netns exec "$@"; }
cleanup() {
	stop_proxies "ip netns exec $f"
	for p in vsftpd ownftp; do
		[ -s "$tmp/$p.pid" ] && kill "$(cat "$tmp/$p.pid")" 2>/dev/null
	done
	for n in $c $f $s; do ip netns del $n 2>/dev/null || :; done
}
ip netns add $c && ip netns add $f && ip netns add $s
ip link add mpfc0 netns $c type veth peer name mpff0 netns $f
ip link add mpfs0 netns $s type veth peer name mpff1 netns $f
for n in $c $f $s; do ip -n $n link set lo up; done
ip -n $c addr add 192.0.2.2/24 dev mpfc0 && ip -n $c link set mpfc0 up
ip -n $c route add default via 192.0.2.1
ip -n $f addr add 192.0.2.1/24 dev mpff0 && ip -n $f link set mpff0 up
ip -n $f addr add 198.51.100.1/24 dev mpff1 && ip -n $f link set mpff1 up
ip -n $s addr add 198.51.100.2/24 dev mpfs0 && ip -n $s link set mpfs0 up
ip -n $s route add default via 198.51.100.1
inns $f sysctl -qw net.ipv4.ip_forward=1

# The FTP server: vsftpd, anonymous and read-only, in the server's
# namespace on port 21.
mkdir -p "$tmp/ftp/pub" /var/run/vsftpd/empty
echo "hello through the proxy" >"$tmp/ftp/pub/file.txt"
chmod -R go-w "$tmp/ftp"
cat >"$tmp/vsftpd.conf" <<X
listen=YES
listen_address=198.51.100.2
listen_port=21
anonymous_enable=YES
no_anon_password=YES
anon_root=$tmp/ftp
local_enable=NO
write_enable=NO
ftp_username=ftp
secure_chroot_dir=/var/run/vsftpd/empty
background=NO
seccomp_sandbox=NO
X
# Not through inns: $! must be vsftpd's own pid (ip netns exec execs it).
ip netns exec $s vsftpd "$tmp/vsftpd.conf" >/dev/null 2>&1 &
echo $! >"$tmp/vsftpd.pid"
# The firewall's own FTP server, on lan_ip, with a file of its own.
mkdir -p "$tmp/ownftp/pub"
echo "the firewall own file" >"$tmp/ownftp/pub/file.txt"
chmod -R go-w "$tmp/ownftp"
sed "s/^listen_address=.*/listen_address=192.0.2.1/; s|^anon_root=.*|anon_root=$tmp/ownftp|" \
    "$tmp/vsftpd.conf" >"$tmp/ownftp.conf"
ip netns exec $f vsftpd "$tmp/ownftp.conf" >/dev/null 2>&1 &
echo $! >"$tmp/ownftp.pid"
wait_for 10 inns $s nc -z 198.51.100.2 21
wait_for 10 inns $f nc -z 192.0.2.1 21

only_units ftp-proxy proxy-redirect
proxy_units -p "ip netns exec $f " ftp-proxy
cat >"$settings/units.d/test-nft.conf" <<X
unit proxy-redirect {
	check   = 'ip netns exec $f nft -c -f %f'
	reload  = 'ip netns exec $f nft -f %t'
	restart = 'ip netns exec $f nft -f %t'
}
X
fw-svc set lan_ip=192.0.2.1 lan_nets=192.0.2.0/24
fw-apply

# ftpc HOST PORT USER: log in, list pub/ and fetch pub/file.txt, passive
# and active; print the greeting, the listing and the file.  Passive, it
# connects to the address the PASV answer names, as curl and lftp do:
# redirected, that is the proxy's, not the server's it asked.
cat >"$tmp/ftpc" <<'X'
import ftplib, io, sys
f = ftplib.FTP()
f.trust_server_pasv_ipv4_address = True
f.connect(sys.argv[1], int(sys.argv[2]), timeout=10)
print(f.getwelcome())
f.login(sys.argv[3], "mpfw@example.org")
print("list", " ".join(f.nlst("pub")))
for passive in (True, False):
    f.set_pasv(passive)
    got = io.BytesIO()
    f.retrbinary("RETR pub/file.txt", got.write)
    print("passive" if passive else "active", got.getvalue().decode(), end="")
f.quit()
X
ftpc() { _ns=$1; shift; inns "$_ns" /usr/bin/python3 "$tmp/ftpc" "$@"; }

check 'ftp_transparent without ftp_proxy is refused, naming both keys' '
	fails 1 fw-proxy enable ftp_transparent 2>err &&
	has err "ftp_transparent=yes: needs ftp_proxy=yes" && test ! -e "$settings/proxy"'

check 'without the proxy, the client reaches the FTP server directly' '
	ftpc $c 198.51.100.2 21 anonymous >out && has out "^220 (vsFTPd" &&
	has out "^passive hello through the proxy\$"'

check 'ftp_proxy=yes starts ftp-proxy on lan_ip, and the table guards its port' '
	fw-proxy enable ftp_proxy && fw-apply &&
	inns $f kill -0 "$(proxy_pid ftp-proxy)" && inns $f nc -z 192.0.2.1 2121 &&
	inns $f nft list table inet mpfw_proxy >out &&
	has out "ip daddr 192.0.2.1 tcp dport 2121 ip saddr != 192.0.2.0/24 drop" &&
	! grep -q dnat out'

check 'a client lists and fetches through it as user@server, passive and active' '
	ftpc $c 192.0.2.1 2121 anonymous@198.51.100.2 >out &&
	has out "^220 .*FTP server (Version 1.9" && has out "^list pub/file.txt\$" &&
	has out "^passive hello through the proxy\$" &&
	has out "^active hello through the proxy\$"'

check 'a plain login without a server goes to the firewall own FTP server' '
	ftpc $c 192.0.2.1 2121 anonymous >out &&
	has out "^passive the firewall own file\$"'

check 'a client outside the internal networks cannot reach the proxy' '
	! inns $s nc -z -w 2 192.0.2.1 2121'

check 'ftp_transparent=yes: port 21 is redirected, in the same table as HTTP' '
	fw-proxy enable ftp_transparent && fw-apply &&
	inns $f nft list table inet mpfw_proxy >out &&
	has out "tcp dport 21 fib daddr type != local dnat ip to 192.0.2.1:2121"'

check 'a plain FTP client is served through the proxy: it logs in as usual' '
	ftpc $c 198.51.100.2 21 anonymous >out &&
	has out "^220 .*FTP server (Version 1.9" && has out "^list pub/file.txt\$" &&
	has out "^passive hello through the proxy\$" &&
	has out "^active hello through the proxy\$"'

check 'the firewall own FTP server is reached directly, not redirected' '
	ftpc $c 192.0.2.1 21 anonymous >out && has out "^220 (vsFTPd" &&
	has out "^passive the firewall own file\$"'

check 'ftp_transparent=no: the client goes direct again' '
	fw-proxy disable ftp_transparent && fw-apply &&
	ftpc $c 198.51.100.2 21 anonymous >out && has out "^220 (vsFTPd"'

pid=$(proxy_pid ftp-proxy)
check 'ftp_proxy=no stops it, frees its port and the table is gone' '
	fw-proxy disable ftp_proxy && fw-apply && ! kill -0 "$pid" 2>/dev/null &&
	! inns $f nc -z 192.0.2.1 2121 &&
	! inns $f nft list table inet mpfw_proxy >/dev/null 2>&1'

check 'the machine own ruleset is untouched' '
	! nft list tables 2>/dev/null | grep -q mpfw_proxy'
