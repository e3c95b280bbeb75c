#!/bin/sh -e
# The fuzzing corpora (contrib/fuzz/corpus) replayed through their harnesses
# without libFuzzer: every input that once found a bug, and every input the
# fuzzers kept, must keep every property the harness checks.
. ./lib.sh
plan 6

fuzz=$top/contrib/fuzz

# replay NAME: the harness NAME over its corpus, which may not be empty.
replay() {
	ls "$fuzz/corpus/$1" | grep -q . ||
	    { echo "empty corpus: $fuzz/corpus/$1"; return 1; }
	"$fuzz/build/replay-$1" "$fuzz/corpus/$1"
}

check 'settings files: parse, write back, parse again to the same values' '
	replay file'

check 'values: unquote never crashes, quote then unquote is the identity' '
	replay value'

check 'schemas: the libconfuse loader on odd text, a loaded schema whole' '
	replay schema'

check 'validators: normal forms are valid, stable and what the type says' '
	replay validate'

check 'tables: sorted, found, written back the same, through every change' '
	replay table'

check 'unit catalogues: only what fw-apply can rely on gets through' '
	replay units'
