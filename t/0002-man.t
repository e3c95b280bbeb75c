#!/bin/sh -e
# The manual pages: clean under mandoc -Tlint, key lists in step with the
# schemas, and every verb of every tool in its page.
. ./lib.sh
plan 3

check 'every page is clean under mandoc -Tlint' '
	mandoc -Tlint -Wwarning "$top"/man/*.[1-8]'

check 'the key lists are those of the schemas' '
	"$top/contrib/man-keys" --check'

# The verbs: the words of the usage lines that are neither options nor
# operands, which the usage writes in brackets or as known nouns.
check 'every verb in the usage of each tool is in its man page' '
	for tool in $(sed -n "s/^TOOLS *:= *//p" "$top/GNUmakefile"); do
		$tool -Z 2>&1 | grep -E "^(usage|  )" |
		    sed -e :a -e "s/\[[^][]*\]//g; ta" -e "s/^usage://; s/[|=.]/ /g" |
		    tr " " "\n" | grep -Ev "^(fw-.*|-.*|key|value|unit|name|address|pattern|file|module|port|URL|gen|count|seconds|message|)\$" |
		    sort -u >verbs &&
		test -s verbs || exit 1
		for v in $(cat verbs); do
			grep -Eq "^\.Cm ($v|.*\| $v)" "$top/man/$tool.1" ||
			    { echo "$tool.1: no $v"; exit 1; }
		done
	done'
