#!/bin/sh -e
# The validators held to public test suites: every vector of
# t/conformance/*.tsv (see the README there) through the library with a key
# of its type, and through fw-svc set and fw-dns add where a key of that
# type exists, with the verdict and the normal form it must store.  First,
# the four findings of issue 19 and the local mail address, by name.
. ./lib.sh
plan 24

corpus=$top/t/conformance
tab=$(printf '\t')
svc=$settings/services

# value IN: $v is the input IN of a vector, its escapes decoded.
value() {
	case $1 in
	*\\*)	v=$(printf '%b.' "$1"); v=${v%.} ;;
	*)	v=$1 ;;
	esac
}

# field N FILE PATTERN: field N of the vector whose source ends in PATTERN.
field() {
	awk -F"$tab" -v n="$1" -v p="$3" '$4 ~ p "$" { print $n; exit }' \
	    "$corpus/$2"
}

check 'a prefix length is digits only: /-0 is refused, not taken for /0' '
	fails 1 fw-svc set lan_nets=0.0.0.0/-0 2>err &&
	has err "lan_nets=0.0.0.0/-0: prefix length must be 0 to 32" &&
	fails 1 fw-svc set "lan_nets=::/-0" 2>err &&
	has err "prefix length must be 0 to 128" &&
	fails 1 fw-svc set lan_nets=10.0.0.0/-00 2>err &&
	! grep -q "0\.0\.0\.0/0" err &&
	test "$(fw-svc get lan_nets)" = 192.168.1.0/24 &&
	fw-svc set lan_nets=10.0.0.0/008 &&
	test "$(fw-svc get lan_nets)" = 10.0.0.0/8'

check 'a domain whose last label is all digits is refused, dnsmasq never sees it' '
	for d in 192.168.1.1 256.0.0.0 example.0 192.168.0; do
		fails 1 fw-svc set domain=$d 2>err &&
		has err "domain=$d: .*the last label may not be all digits" ||
		    exit 1
	done &&
	fails 1 fw-svc set fail2ban_mail=ops@example.0 2>err &&
	has err "last label may not be all digits" &&
	fw-svc render dnsmasq >out && has out "^local=/localdomain/\$" &&
	cp "$svc" saved && echo domain=192.168.1.1 >>"$svc" &&
	fails 1 fw-svc render dnsmasq >out 2>err && ! grep -q 192.168 out &&
	has err "domain=192.168.1.1: .*last label may not be all digits" &&
	cp saved "$svc" &&
	fw-svc set domain=l33t.3com && test "$(fw-svc get domain)" = l33t.3com'

check 'a mail address of 255 characters is refused, one of 254 is taken' '
	a254=$(field 1 email.tsv "#38") && a255=$(field 1 email.tsv "#39") &&
	test ${#a254} -eq 254 && test ${#a255} -eq 255 &&
	fails 1 fw-svc set "fail2ban_mail=$a255" 2>err &&
	has err "longer than 254 characters" &&
	fw-svc set "fail2ban_mail=$a254" &&
	test "$(fw-svc get fail2ban_mail)" = "$a254"'

check 'IPv6 with 96 leading zero bits is stored in hex, IPv4-mapped dotted' '
	FW_ROOT=$tmp/hex && mkdir "$FW_ROOT" &&
	fw-dns add x ::1:1 && fw-dns add y ::192.0.2.33 &&
	fw-dns add z ::FFFF:192.0.2.1 && fw-dns add w ::7:6:5:4:3:2:1 &&
	printf "w\t0:7:6:5:4:3:2:1\nx\t::1:1\ny\t::c000:221\nz\t::ffff:192.0.2.1\n" \
	    >want && fw-dns list >out && same want out &&
	fw-dns render >out && has out "^::1:1${tab}x\.localdomain x\$" &&
	fw-svc set "lan_nets=192.168.1.0/24 ::1:0/112 ::ffff:0:0/96" &&
	test "$(fw-svc get lan_nets)" = "192.168.1.0/24 ::1:0/112 ::ffff:0.0.0.0/96"'

check 'fail2ban_mail takes a local address: root@localhost (fw-svc(1))' '
	fw-svc set fail2ban_mail=root@localhost &&
	test "$(fw-svc get fail2ban_mail)" = root@localhost &&
	fails 1 fw-svc set fail2ban_mail=root@123 2>err &&
	has err "fail2ban_mail=root@123: must be a mail address" &&
	grep -q "root@localhost" "$top/man/fw-svc.1"'

check 'the corpus: 500 vectors or more, each a known verdict and a source' '
	n=0 &&
	for f in ipv4 ipv6 cidr hostname fqdn email port url; do
		awk -F"$tab" -v f=$f "/^#/ || /^\$/ { next }
		    NF < 4 || NF > 5 || \$4 == \"\" ||
		    (\$2 != \"ok\" && \$2 != \"refused\" && !(\$2 == \"local\" && f == \"email\")) ||
		    (\$2 == \"refused\" && \$3 != \"-\") || (\$2 != \"refused\" && \$3 == \"-\") {
			print FILENAME \":\" NR \": \" \$0; bad = 1 }
		    END { exit bad }" "$corpus/$f.tsv" || exit 1
		n=$((n + $(grep -vc "^#" "$corpus/$f.tsv")))
	done && echo "$n vectors" && test $n -ge 500'

# want FILE [MODE]: the verdict and normal form of each vector of FILE, as
# unit-conformance prints them; MODE local: "local" is ok, else refused.
want() {
	awk -F"$tab" -v mode="$2" '/^#/ || /^$/ { next }
	    { v = $2; n = $3 }
	    v == "local" && mode == "local" { v = "ok" }
	    v == "local" { v = "refused"; n = "-" }
	    { print $1 "\t" v "\t" n }' "$corpus/$1"
}

# lib TYPE FILE [local]: every vector of FILE through fwconf_validate.
lib() {
	want "$2" $3 >want &&
	unit-conformance $1 $3 <"$corpus/$2" >got && same want got
}

check 'library: ipv4' 'lib ipv4 ipv4.tsv'
check 'library: ipv6' 'lib ipv6 ipv6.tsv'
check 'library: cidr' 'lib cidr cidr.tsv'
check 'library: hostname' 'lib hostname hostname.tsv'
check 'library: fqdn' 'lib fqdn fqdn.tsv'
check 'library: email, a key without local addresses' 'lib email email.tsv'
check 'library: email, a key with local addresses' 'lib email email.tsv local'
check 'library: port' 'lib port port.tsv'
check 'library: url' 'lib url url.tsv'

# Filters: which vectors a route takes.
any() { :; }
colon() { case $1 in *:*) return 0 ;; esac; return 1; }
nocolon() { ! colon "$1"; }
single() { case $1 in *" "*|*,*) return 1 ;; esac; }

# through FILE FILTER RUN [DONE]: each non-empty vector of FILE that FILTER
# takes, its input decoded into $v, through RUN, which appends to got the
# input as written ($in), ok or refused, and what was stored; then DONE.
# want gets what the vector says; the two must be the same.
through() {
	: >want
	: >got
	n=0
	while IFS= read -r line; do
		case $line in '#'*|'') continue ;; esac
		in=${line%%"$tab"*}
		rest=${line#*"$tab"}
		verdict=${rest%%"$tab"*}
		rest=${rest#*"$tab"}
		normal=${rest%%"$tab"*}
		[ -n "$in" ] && $2 "$in" || continue
		# Only the e-mail route has "local", and its key takes them.
		[ "$verdict" != local ] || verdict=ok
		printf "%s\t%s\t%s\n" "$in" "$verdict" "$normal" >>want
		value "$in"
		n=$((n + 1))
		$3
	done <"$corpus/$1"
	echo "$n vectors"
	[ $n -gt 0 ] && ${4:-:} && same want got
}

# A refusal is exit 1 and nothing else: not a crash, not a system error.
refused() {
	if [ "$1" -eq 1 ]; then
		printf "%s\trefused\t-\n" "$in" >>got
	else
		printf "%s\texit %s\t-\n" "$in" "$1" >>got
	fi
}

# fw-svc set KEY=value; what is stored is what sh reads from the file
# (fwconf(5)), or, with the key absent, its default ($def).
svc() {
	if fw-svc set "$key=$v" 2>/dev/null; then
		r=$(. "$svc" && eval "printf %s \"\${$key-\$def}\"")
		printf "%s\tok\t%s\n" "$in" "$r" >>got
	else
		refused $?
	fi
}

# svc_route KEY FILE FILTER: the vectors through fw-svc set KEY=.
svc_route() {
	key=$1
	def=$(fw-svc keys | awk -F"$tab" -v k="$key" '$1 == k { print $3 }')
	through "$2" $3 svc
}

# fw-dns add a name with the address; dns_list puts in the addresses.
dns_addr() {
	if fw-dns add -- "a$n" "$v" 2>/dev/null; then
		printf "%s\tok\t@a%s\n" "$in" "$n" >>got
	else
		refused $?
	fi
}

dns_list() {
	fw-dns list >list &&
	awk -F"$tab" -v OFS="$tab" 'NR == FNR { a["@" $1] = $2; next }
	    $3 in a { $3 = a[$3] } 1' list got >got.new && mv got.new got
}

# fw-dns add the name (an alias of the firewall), list it, delete it.
dns_name() {
	if fw-dns add -- "$v" 2>/dev/null; then
		r=$(fw-dns list -- "$v")
		printf "%s\tok\t%s\n" "$in" "${r%%"$tab"*}" >>got
		fw-dns del -- "${r%%"$tab"*}"
	else
		refused $?
	fi
}

# The other listening ports out of the way of the port vectors.
fw-svc reset lan_nets domain fail2ban_mail
fw-svc set dns_port=40053 ssh_maint_port=40022 userif_port=40443
fw-proxy set squid_port=40128 squid3_port=40138 transparent_port=40129 \
    auto_proxy_http_port=40080
# Each fw-dns route its own root: a name of one is no clash in the next.
mkdir "$tmp/dns4" "$tmp/dns6" "$tmp/dnsname"

check 'fw-svc set lan_ip: ipv4' 'svc_route lan_ip ipv4.tsv any'
check 'fw-dns add: ipv4 as an entry'"'"'s address' '
	FW_ROOT=$tmp/dns4 && through ipv4.tsv nocolon dns_addr dns_list'
check 'fw-dns add: ipv6 as an entry'"'"'s address' '
	FW_ROOT=$tmp/dns6 && through ipv6.tsv colon dns_addr dns_list'
check 'fw-svc set lan_nets: cidr' 'svc_route lan_nets cidr.tsv single'
check 'fw-svc set hostname: hostname' 'svc_route hostname hostname.tsv any'
check 'fw-dns add: hostname as an entry'"'"'s name' '
	FW_ROOT=$tmp/dnsname && through hostname.tsv any dns_name'
check 'fw-svc set domain: fqdn' 'svc_route domain fqdn.tsv any'
check 'fw-svc set fail2ban_mail: email, local addresses taken' '
	svc_route fail2ban_mail email.tsv any'
check 'fw-svc set ssh_port: port' '
	! cut -f3 "$corpus/port.tsv" | grep -qx "40053\|40022\|40443\|40128\|40138\|40129\|40080" &&
	svc_route ssh_port port.tsv any'
