#!/bin/sh -e
# The bash completion of every tool (bin/completion/TOOL, generated from
# the tool at build time), driven in bash as readline would: COMP_WORDS
# split at blanks and at COMP_WORDBREAKS' = and :, COMP_CWORD the word
# under the cursor.  Every tool of the GNUmakefile's TOOLS, every key of
# every schema.
. ./lib.sh
command -v bash >/dev/null || { echo "1..0 # SKIP bash not installed"; exit 0; }
plan 13

tools=$(sed -n 's/^TOOLS *:= *//p' "$top/GNUmakefile")
cat >comp.bash <<'X'
for f in "$top"/bin/completion/*; do . "$f"; done
# comp LINE: the candidates for LINE, as bash splits it, one a line.
comp() {
	local line=$1 w pre
	COMP_WORDS=()
	for w in $line; do
		while [[ $w == *[=:]* ]]; do
			pre=${w%%[=:]*}
			[[ -n $pre ]] && COMP_WORDS+=("$pre")
			COMP_WORDS+=("${w:${#pre}:1}")
			w=${w:${#pre}+1}
		done
		[[ -n $w ]] && COMP_WORDS+=("$w")
	done
	[[ $line == *' ' || $line == *[=:] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_mpfw || return
	((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | sort
}
X
export top
# comp LINE: as above, in a fresh bash.
comp() { bash -c '. ./comp.bash && comp "$1"' comp "$1"; }
# The keys of a key=value tool, with type and values, from the tool.
keys_of() {
	"$1" -R "$tmp/empty" show | cut -d= -f1 >names
	"$1" -R "$tmp/empty" keys 2>/dev/null | cut -f1 >>names
	for k in $(awk '!seen[$0]++' names); do "$1" describe "$k"; done 2>/dev/null |
	    awk -F'\t' '$1 == "key" { k = $2 } $1 == "type" { t[k] = $2; o[++n] = k }
		$1 == "values" { v[k] = $2 }
		END { for (i = 1; i <= n; i++) print o[i] "\t" t[o[i]] "\t" v[o[i]] }'
}
mkdir "$tmp/empty"
kvtools=
for t in $tools; do
	$t --verbs | grep -q '^describe	' && kvtools="$kvtools $t"
done

check 'every tool has a completion file that loads and binds _mpfw' '
	for t in $tools; do
		test -s "$top/bin/completion/$t" || { echo "$t: none"; exit 1; }
	done &&
	bash -c ". ./comp.bash && for t in $tools; do
		complete -p \$t | grep -q -- \"-F _mpfw \$t\" || exit 1; done"'

check 'TOOL <tab> offers every verb of every tool, and nothing else but units' '
	for t in $tools; do
		comp "$t " >got &&
		$t --verbs | cut -f1 | sort >want &&
		if [ $t = fw-apply ]; then
			fw-apply units | cut -f1 >>want && sort -o want want
		fi &&
		same want got || { echo "$t"; exit 1; }
	done'

check 'a started verb is finished; an option before the verb is offered' '
	comp "fw-dns im" >got && echo import >want && same want got &&
	comp "fw-svc -" >got && has got "^-R\$" && has got "^--help\$" &&
	comp "fw-apply -" >got && has got "^-n\$" && has got "^-c\$"'

check 'set offers each key= of every key=value tool, the secrets left out' '
	test -n "$kvtools" &&
	for t in $kvtools; do
		keys_of $t >keys && test -s keys &&
		awk -F"\t" "\$2 != \"secret\" { print \$1 \"=\" }" keys | sort >want &&
		comp "$t set " | grep -v "^-\$" >got &&
		same want got || { echo "$t"; exit 1; }
	done'

check 'key= offers the values of every bool and enum key, and a started value is finished' '
	for t in $kvtools; do
		keys_of $t >keys &&
		while IFS="	" read -r k type values; do
			case $type in
			bool) printf "%s\n" no yes >want ;;
			enum) printf "%s\n" $values | sort >want ;;
			*) continue ;;
			esac
			comp "$t set $k=" >got && same want got ||
			    { echo "$t $k"; exit 1; }
		done <keys
	done &&
	comp "fw-svc set ssh_password=y" >got && echo yes >want && same want got &&
	comp "fw-svc set ntp=yes ssh_pass" >got && echo ssh_password= >want &&
	same want got'

check 'enable and disable offer the yes/no keys, passwd the secrets, get no secret' '
	for t in $kvtools; do
		keys_of $t >keys &&
		awk -F"\t" "\$2 == \"bool\" { print \$1 }" keys | sort >want &&
		comp "$t enable " >got && same want got &&
		comp "$t disable x " >got && same want got &&
		awk -F"\t" "\$2 == \"secret\" { print \$1 }" keys | sort >want &&
		comp "$t passwd " >got && same want got &&
		! comp "$t get " | grep -qxF -f want || { echo "$t"; exit 1; }
	done &&
	comp "fw-svc passwd " | grep -qx mysql_root_password'

check 'fw-apply offers the units of the catalogue and of units.d, under -R too' '
	mkdir -p r/etc/mpfw/units.d &&
	printf "unit mytest {\n\trender = %s\n\ttarget = /tmp/x\n\tcheck = true\n\treload = true\n\tsoft = reload\n}\n" "'\''fw-dns render'\''" \
	    >r/etc/mpfw/units.d/my.conf &&
	comp "fw-apply -R r diff my" >got && echo mytest >want && same want got &&
	comp "fw-apply -R r -n my" >got && echo mytest >want && same want got &&
	comp "fw-apply dns" >got && has got "^dnsmasq\$" && has got "^dns-hosts\$" &&
	! grep -qx diff got'

check 'fw-dns set and del offer the DNS names, add nothing' '
	fw-dns add printer 192.168.1.50 && fw-dns add plotter 192.168.1.51 &&
	fw-dns add nas 192.168.1.52 &&
	comp "fw-dns set p" >got && printf "%s\n" plotter printer >want &&
	same want got &&
	comp "fw-dns del " >got && printf "%s\n" - nas plotter printer >want &&
	same want got &&
	comp "fw-dns del nas " >got && printf "%s\n" nas plotter printer >want &&
	same want got &&
	comp "fw-dns -R $tmp/empty set " >got && echo >want && ! test -s got &&
	comp "fw-dns add " >got && ! test -s got'

check 'an option with a value completes the value: -R a directory, -g a generation' '
	mkdir dir1 && comp "fw-svc -R di" >got && echo dir1 >want && same want got &&
	mkdir -p "$FW_ROOT/etc/mpfw/units.d" &&
	for u in $(fw-apply units | cut -f1); do
		[ $u = dns-hosts ] || printf "unit %s {\n\tdisabled = yes\n}\n" $u
	done >"$FW_ROOT/etc/mpfw/units.d/00.conf" &&
	printf "unit dns-hosts {\n\tcheck = true\n\treload = true\n}\n" \
	    >"$FW_ROOT/etc/mpfw/units.d/01.conf" &&
	fw-apply && fw-dns del nas && fw-apply &&
	comp "fw-apply diff -g " >got && printf "%s\n" 1 2 >want && same want got &&
	comp "fw-apply rollback " >got && same want got &&
	comp "fw-svc set -" >got && printf "%s\n" - -v >want && same want got'

check 'render offers what the shipped catalogue and units.d render with that tool' '
	for t in $kvtools; do
		fw-apply -R "$tmp/empty" units -v |
		    sed -n "s/.*render *= *.$t render \\([^ ]*\\)./\\1/p" | sort -u >want &&
		comp "$t render " >got && same want got || { echo $t; exit 1; }
	done &&
	printf "unit mine {\n\trender = %s\n\ttarget = /tmp/y\n\tcheck = true\n\treload = true\n\tsoft = reload\n}\n" \
	    "'\''fw-svc render mine'\''" >r/etc/mpfw/units.d/mine.conf &&
	comp "fw-svc -R r render mi" >got && echo mine >want && same want got'

# Value lists asked of the tool: a key K of a tool with a verb Ks.
pairs=
for t in $kvtools; do
	for v in $($t --verbs | cut -f1 | grep "s\$"); do
		keys_of $t | cut -f1 | grep -qx "${v%s}" && pairs="$pairs $t:$v"
	done
done
if [ -n "$pairs" ]; then
	check "a key K with a verb Ks is completed from it:$pairs" '
		for p in $pairs; do
			t=${p%%:*} v=${p#*:}
			$t $v | cut -f1 | sort -u >want && test -s want &&
			comp "$t set ${v%s}=" >got && same want got ||
			    { echo "$t $v"; exit 1; }
		done'
else
	skip 'no key=value tool has a key K and a verb Ks yet (fw-ups: model, models)'
fi

if echo " $tools " | grep -q " fw-maint "; then
	check 'fw-maint keys completes add and del, then the fingerprints to delete' '
		comp "fw-maint keys " >got && printf "%s\n" add del >want &&
		same want got &&
		ssh-keygen -q -t ed25519 -N "" -C support -f key &&
		fw-maint keys add key.pub &&
		comp "fw-maint keys del " >got &&
		fw-maint keys | cut -f1 >want && test -s want && same want got'
else
	skip 'no fw-maint'
fi

# bash-completion finds the file by the tool's name where it looks.
check 'bash-completion loads a tool'\''s completion from where it looks' '
	test -r /usr/share/bash-completion/bash_completion &&
	mkdir -p share/bash-completion/completions &&
	cp "$top"/bin/completion/* share/bash-completion/completions/ &&
	XDG_DATA_DIRS=$tmp/share bash -c ". /usr/share/bash-completion/bash_completion &&
	    for t in $tools; do
		__load_completion \$t && complete -p \$t | grep -q -- \"-F _mpfw\" ||
		    { echo \$t; exit 1; }
	    done"'
