# The completion function of every mpfw tool.  contrib/completion/mkcompletion
# appends to it, per tool, what the tool says of itself at build time: its
# verbs with their operands (`TOOL --verbs`), the usage lines that take no
# verb (`TOOL --help`), its schema's keys with their types and values
# (`TOOL show`, `keys`, `describe`).  Names that change at run time (units,
# DNS entries, generations, UPS models) are asked of the tools as the user
# types, under the -R root given on the line.
#
# An operand is completed by its name in the usage: key (the schema's, as
# the verb takes them), key=value (the key, then its values), name,
# pattern, module (TOOL list), unit (fw-apply units), gen (fw-apply log),
# fingerprint (TOOL keys), chip (TOOL show), file (files; for render, what
# the unit catalogues render with this tool).  A noun N that the tool
# lists with a verb Ns is asked of it (`fw-apply units`), and so are the
# values of a key K that has a verb Ks (`fw-ups models`).  The operand of
# `add` is new: nothing to offer.

declare -gA _mpfw_verbs _mpfw_forms _mpfw_keys _mpfw_renders

# Run the tool being completed, under the root given on the line.
_mpfw_run()
{
	"$_mpfw_cmd" ${_mpfw_root:+-R "$_mpfw_root"} "$@" 2>/dev/null
}

# The first fields of a listing.
_mpfw_first()
{
	_mpfw_run "$@" | cut -f1
}

_mpfw_has_verb()
{
	[[ $'\n'${_mpfw_verbs[$_mpfw_tool]} == *$'\n'"$1"$'\t'* ]]
}

# _mpfw_keyset VERB: the keys the verb takes, one a line.
_mpfw_keyset()
{
	local k t v
	while IFS=$'\t' read -r k t v; do
		[[ -n $k ]] || continue
		case $1:$t in
		enable:bool | disable:bool | passwd:secret) echo "$k" ;;
		enable:* | disable:* | passwd:*) ;;
		show:secret | get:secret | set:secret) ;;
		*) echo "$k" ;;
		esac
	done <<<"${_mpfw_keys[$_mpfw_tool]}"
}

# _mpfw_values KEY: the values of a key, one a line.
_mpfw_values()
{
	local k t v
	while IFS=$'\t' read -r k t v; do
		[[ $k == "$1" ]] || continue
		case $t in
		bool) printf '%s\n' yes no ;;
		enum) printf '%s\n' $v ;;
		esac
	done <<<"${_mpfw_keys[$_mpfw_tool]}"
	if _mpfw_has_verb "$1s"; then
		_mpfw_first "$1s"
	fi
}

# _mpfw_noun VERB NOUN: the candidates of an operand, one a line.
_mpfw_noun()
{
	local verb=$1 noun=$2 cur=$_mpfw_cur
	case $verb:$noun in
	add:*) return ;;
	render:file)
		# What the catalogues render with this tool: the shipped one's
		# (at build time) and the site's.
		printf '%s\n' "${_mpfw_renders[$_mpfw_tool]-}"
		"${_mpfw_apply:-fw-apply}" ${_mpfw_root:+-R "$_mpfw_root"} \
		    units -v 2>/dev/null | sed -n "s/^[[:space:]]*render *= *'$_mpfw_tool render \([^' ]*\)'.*/\1/p" | sort -u
		return ;;
	esac
	case $noun in
	key) _mpfw_keyset "$verb"; return ;;
	key=value)
		if [[ $cur == *=* ]]; then
			_mpfw_values "${cur%%=*}" | sed "s/^/${cur%%=*}=/"
		else
			_mpfw_keyset "$verb" | sed 's/$/=/'
		fi
		return ;;
	esac
	if _mpfw_has_verb "${noun}s"; then
		_mpfw_first "${noun}s"
		return
	fi
	case $noun in
	name | pattern | module) _mpfw_first list ;;
	fingerprint) _mpfw_first keys ;;
	chip | chip-or-feature) _mpfw_first show | sort -u ;;
	gen) _mpfw_first log | sed 's/^gen\.//' ;;
	file) compgen -f -- "$cur" ;;
	-) echo - ;;
	esac
}

# Is a word of a usage line a placeholder (an operand) or a literal?
_mpfw_placeholder()
{
	case $1 in
	key | key=value | value | name | address | pattern | unit | gen | \
	file | module | fingerprint | chip | chip-or-feature | URL | port | \
	count | seconds | duration | message | C | ups@host:port | -) return 0 ;;
	esac
	return 1
}

# _mpfw_spec VERB SPEC: parse the operands of a usage line into _mpfw_opts
# ("-x" or "-x noun" a line) and _mpfw_alts (the alternatives, one a line,
# words separated by spaces, "..." after a word that repeats).
_mpfw_spec()
{
	local verb=$1 w group= alt= first=1
	local -a words
	_mpfw_opts= _mpfw_alts=
	read -ra words <<<"$2"
	local i n=${#words[@]}
	for ((i = 0; i < n; i++)); do
		w=${words[i]}
		if [[ $w == '[-'* || -n $group ]]; then
			# An option group: [-abc] or [-x noun].
			group+="${group:+ }${w//[\[\]]/}"
			[[ $w == *']' ]] || continue
			if [[ $group == *' '* ]]; then
				_mpfw_opts+="${group}"$'\n'
			else
				local f=${group#-} j
				for ((j = 0; j < ${#f}; j++)); do
					_mpfw_opts+="-${f:j:1}"$'\n'
				done
			fi
			group=
			continue
		fi
		if [[ $w == -? && $((i + 1)) -lt $n ]] &&
		    _mpfw_placeholder "${words[i + 1]//[\[\]]/}"; then
			_mpfw_opts+="$w ${words[i + 1]//[\[\]]/}"$'\n'
			((i++))
			continue
		fi
		w=${w//[\[\]]/}
		[[ -n $w ]] || continue
		if [[ $w == '|' ]]; then
			_mpfw_alts+="$alt"$'\n'
			alt= first=1
			continue
		fi
		# "set -" after a "|": the verb again, then its operands.
		if ((first)) && [[ $w == "$verb" ]]; then
			first=0
			continue
		fi
		first=0
		alt+="${alt:+ }$w"
	done
	_mpfw_alts+="$alt"$'\n'
}

# The option of the spec that takes an argument, or nothing.
_mpfw_optarg()
{
	local o
	while read -r o; do
		[[ $o == "$1 "* ]] && { echo "${o#* }"; return; }
	done <<<"$_mpfw_opts"
}

_mpfw()
{
	local -a w=()
	local i j word joined=0
	# Words as the user sees them: bash splits key=value at the '='
	# (COMP_WORDBREAKS); join them again.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]-}
		if ((i > 0)) && [[ -n $word && -z ${word//[=:]/} ]]; then
			w[${#w[@]} - 1]+=$word
			joined=1
		elif ((joined)); then
			w[${#w[@]} - 1]+=$word
			joined=0
		else
			w+=("$word")
		fi
	done
	local c=$((${#w[@]} - 1))
	local _mpfw_cur=${w[c]} _mpfw_cmd=${w[0]} _mpfw_root=${FW_ROOT-}
	local _mpfw_tool=${_mpfw_cmd##*/} _mpfw_apply=fw-apply
	[[ $_mpfw_cmd == */* ]] && _mpfw_apply=${_mpfw_cmd%/*}/fw-apply
	local _mpfw_opts _mpfw_alts cands= form=${_mpfw_forms[$_mpfw_tool]-}

	# The tool's options, before the verb.
	local optnoun= na formopt=0
	i=1
	while ((i < c)); do
		case ${w[i]} in
		-R)
			((i + 1 == c)) && { optnoun=-R; break; }
			_mpfw_root=${w[i + 1]}; ((i += 2)); continue ;;
		-R?*) _mpfw_root=${w[i]#-R}; ((i++)); continue ;;
		--) ((i++)); break ;;
		-?*)
			na=
			if [[ -n $form ]]; then
				_mpfw_spec "" "$form"
				na=$(_mpfw_optarg "${w[i]}")
			fi
			formopt=1
			if [[ -n $na ]]; then
				((i + 1 == c)) && { optnoun=$na; break; }
				((i += 2))
			else
				((i++))
			fi
			continue ;;
		esac
		break
	done

	local verb=${w[i]} spec files=0
	if [[ $optnoun == -R ]]; then
		cands=$(compgen -d -- "$_mpfw_cur") files=1
	elif [[ -n $optnoun ]]; then
		cands=$(_mpfw_noun "" "$optnoun")
	elif ((i == c)); then
		if [[ $_mpfw_cur == -* ]]; then
			cands=$'-R\n-h\n--help\n--version'
			if [[ -n $form ]]; then
				_mpfw_spec "" "$form"
				cands+=$'\n'$(cut -d' ' -f1 <<<"$_mpfw_opts")
			fi
		else
			# After an option of the usage without a verb, no verb.
			((formopt)) ||
			    cands=$(cut -f1 <<<"${_mpfw_verbs[$_mpfw_tool]}")
			# A usage without a verb (fw-apply [unit ...]): its operands.
			if [[ -n $form ]]; then
				_mpfw_spec "" "$form"
				local noun=${_mpfw_alts%%$'\n'*}
				noun=${noun%% *}
				[[ -n $noun ]] && cands+=$'\n'$(_mpfw_noun "" "$noun")
			fi
		fi
	else
		if _mpfw_has_verb "$verb"; then
			spec=$(awk -F'\t' -v v="$verb" '$1 == v { print $2; exit }' \
			    <<<"${_mpfw_verbs[$_mpfw_tool]}")
			((i++))
		elif [[ -n $form ]]; then
			spec=$form verb=
		else
			return 0
		fi
		_mpfw_spec "$verb" "$spec"
		# The operands typed so far, options and their arguments left out.
		local -a ops=()
		local ended=0
		for ((j = i; j < c; j++)); do
			if ((!ended)) && [[ ${w[j]} == -?* ]]; then
				[[ ${w[j]} == -- ]] && { ended=1; continue; }
				[[ -n $(_mpfw_optarg "${w[j]}") ]] && ((j++))
				continue
			fi
			ops+=("${w[j]}")
		done
		na=
		((!ended)) && [[ ${w[c - 1]} == -? ]] && na=$(_mpfw_optarg "${w[c - 1]}")
		if [[ -n $na ]]; then
			cands=$(_mpfw_noun "$verb" "$na")
		elif [[ $_mpfw_cur == -* && ${#ops[@]} -eq 0 && $ended -eq 0 ]]; then
			cands=$(cut -d' ' -f1 <<<"$_mpfw_opts")
			grep -qx -- '-' <<<"$_mpfw_alts" && cands+=$'\n-'
		else
			local alt k=${#ops[@]} ok t
			local -a a
			while read -r alt; do
				read -ra a <<<"$alt"
				((${#a[@]} > 0)) || continue
				# The alternative's word at each position: the last
				# before "..." repeats.
				ok=1
				for ((j = 0; j <= k; j++)); do
					if ((j < ${#a[@]})) && [[ ${a[j]} != ... ]]; then
						t=${a[j]}
					elif [[ ${a[${#a[@]} - 1]} == ... ]]; then
						t=${a[${#a[@]} - 2]}
					else
						ok=0; break
					fi
					if ((j < k)) && ! _mpfw_placeholder "$t" &&
					    [[ $t != "${ops[j]}" ]]; then
						ok=0; break
					fi
				done
				((ok)) || continue
				if _mpfw_placeholder "$t"; then
					[[ $t == file && $verb != render ]] && files=1
					cands+=$'\n'$(_mpfw_noun "$verb" "$t")
				else
					cands+=$'\n'$t
				fi
			done <<<"$_mpfw_alts"
		fi
	fi

	# Only the part of the word bash split off is replaced: after the '='.
	COMPREPLY=()
	local cand prefix=${_mpfw_cur%"${COMP_WORDS[COMP_CWORD]-}"}
	local -A seen=()
	while IFS= read -r cand; do
		[[ -n $cand && $cand == "$_mpfw_cur"* && -z ${seen[$cand]-} ]] ||
		    continue
		seen[$cand]=1
		COMPREPLY+=("${cand#"$prefix"}")
	done <<<"$cands"
	((files)) && compopt -o filenames 2>/dev/null
	# key= goes on without a space: its value follows.
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
