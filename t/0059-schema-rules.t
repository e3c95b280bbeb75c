#!/bin/sh -e
# Every rule between keys of every schema is refused at set time, naming
# both keys, and what it allows is taken.  The checks are made from the
# rules lib/mkschema compiles from share/mpfw/schema/*.conf, so a new rule
# is tested the day it is written.
. ./lib.sh

# The rules as the tools have them: schema TAB kind TAB key TAB key.
"$top/lib/mkschema" "$top"/share/mpfw/schema/*.conf | awk '
	/^static const struct fwconf_rule [a-z0-9_]+_rules\[\]/ {
		schema = $5; sub(/_rules\[\]$/, "", schema)
	}
	/^\t\{ FWCONF_RULE_[A-Z]+, "/ {
		kind = tolower($2); sub(/^fwconf_rule_/, "", kind); sub(/,$/, "", kind)
		split($0, q, "\"")
		print schema "\t" kind "\t" q[2] "\t" q[4]
	}' >"$tmp/rules"
nrules=$(wc -l <"$tmp/rules")
[ "$nrules" -gt 0 ] || skip_all 'no schema has a rule'
plan $((nrules + 1))

check "each rule of the schema files is here ($nrules)" '
	test "$(cat "$top"/share/mpfw/schema/*.conf | grep -c "^rule[ {]")" = "$nrules"'

# The tool whose keys these are.
tool_of() {
	for _t in "$top"/bin/fw-*; do
		[ -x "$_t" ] || continue
		"$_t" keys 2>/dev/null | cut -f1 >"$tmp/keys" || continue
		grep -qx "$1" "$tmp/keys" && grep -qx "$2" "$tmp/keys" &&
		    { echo "${_t##*/}"; return; }
	done
	return 1
}

# range TOOL KEY: its lowest and highest value, for an int.
range() {
	"$1" describe "$2" | sed -n 's/^range	\([-0-9]*\) to \([-0-9]*\)$/\1 \2/p'
}

# refused TOOL MESSAGE ASSIGNMENT...: set exits 1, says MESSAGE, changes
# nothing.
refused() {
	_t=$1 _m=$2
	shift 2
	cp "$settings/$schema" "$tmp/was" 2>/dev/null || : >"$tmp/was"
	fails 1 "$_t" set "$@" 2>"$tmp/err" && has "$tmp/err" "$_m" &&
	{ cmp -s "$tmp/was" "$settings/$schema" ||
	    { ! test -s "$tmp/was" && ! test -e "$settings/$schema"; }; } ||
	{ echo "$_t set $*:"; cat "$tmp/err"; return 1; }
}

while IFS='	' read -r schema kind a b; do
	tool=$(tool_of "$a" "$b") || tool=none
	case $kind in
	less) check "$schema: $a below $b: equal, above and below" '
		test $tool != none && va=$($tool get $a) && vb=$($tool get $b) &&
		set -- $(range $tool $a) && [ $# = 2 ] &&
		refused $tool "$a=$vb: must be below $b=$vb" $a=$vb &&
		refused $tool "$a=$va: must be below $b=$va" $b=$va &&
		if [ $((vb + 1)) -le $2 ]; then
			refused $tool "$a=$((vb + 1)): must be below $b=$vb" \
			    $a=$((vb + 1))
		fi &&
		$tool set $a=$((vb - 1)) && test "$($tool get $a)" = $((vb - 1)) &&
		$tool reset $a $b' ;;
	requires) check "$schema: $a=yes requires $b=yes" '
		test $tool != none &&
		refused $tool "$a=yes: needs $b=yes" $a=yes $b=no &&
		$tool set $a=yes $b=yes && $tool reset $a $b' ;;
	differ) check "$schema: $a and $b differ" '
		test $tool != none && va=$($tool get $a) &&
		refused $tool "must differ from" $b=$va' ;;
	nonempty) check "$schema: $a=yes needs $b, not empty" '
		test $tool != none && b_was=$($tool get $b) &&
		refused $tool "$a=yes: needs $b, which is empty" $a=yes $b= &&
		if [ -n "$b_was" ]; then :; else
			refused $tool "$a=yes: needs $b, which is empty" $a=yes
		fi &&
		$tool set $a=no $b= && $tool reset $a $b' ;;
	*) check "$schema: a rule of kind $kind has a check here" false ;;
	esac
done <"$tmp/rules"
