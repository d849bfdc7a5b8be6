#!/usr/bin/env bats
# docs.bats — every option a tool's --help names, and every nsls column, is
# in its man page and in README. The lists come from the tools themselves,
# so a new option without documentation fails here.

load helpers

NSENTER="${NSLS%/nsls}/nsenter-lite"
CGTOP="${NSLS%/nsls}/cgtop"

man_text() {
	MANWIDTH=200 man -l "$1" 2>/dev/null | col -b
}

# assert_documented TOOL PAGE: each --long option of TOOL --help is in PAGE and README.
assert_documented() {
	local tool="$1" page="$2" text readme o missing=()
	text=$(man_text "$page")
	readme=$(cat "$NSTK_ROOT/README.md")
	run "$tool" --help
	assert_success
	for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$output" | sort -u); do
		[[ "$text" == *"$o"* ]] || missing+=("$o not in ${page##*/}")
		[[ "$readme" == *"$o"* ]] || missing+=("$o not in README")
	done
	[ "${#missing[@]}" = 0 ] || fail "${tool##*/}: ${missing[*]}"
}

@test "docs: every nsls option in nsls(8) and README" {
	assert_documented "$NSLS" "$NSTK_ROOT/tools/nsls/nsls.8"
}

@test "docs: every nsenter-lite option in nsenter-lite(1) and README" {
	assert_documented "$NSENTER" "$NSTK_ROOT/tools/nsenter-lite/nsenter-lite.1"
}

@test "docs: every cgtop option in cgtop(1) and README" {
	assert_documented "$CGTOP" "$(ls "$NSTK_ROOT"/tools/cgtop/cgtop.[18])"
}

@test "docs: every nsls column in nsls(8) and README" {
	local text readme c missing=()
	text=$(man_text "$NSTK_ROOT/tools/nsls/nsls.8")
	readme=$(cat "$NSTK_ROOT/README.md")
	nsls_json --output-all
	for c in $(jqn '.namespaces[0] | keys_unsorted[] | ascii_upcase'); do
		[[ "$text" == *"$c"* ]] || missing+=("$c not in nsls.8")
		grep -qE "^\| ([A-Z]+, )*$c(, [A-Z]+)* \|" <<<"$readme" || missing+=("$c not in README's column table")
	done
	[ "${#missing[@]}" = 0 ] || fail "${missing[*]}"
}

@test "an unknown option or a missing argument is one line naming it, from each tool, without argv[0]'s path" {
	local tool opt
	for tool in "$NSLS" "$NSENTER" "$CGTOP"; do
		local name=${tool##*/}
		run --separate-stderr "$tool" --nstk-bogus
		assert_equal "$status" 2
		assert_equal "$stderr" "$name: unknown option '--nstk-bogus'; try '$name --help'"
		run --separate-stderr "$tool" -q
		assert_equal "$stderr" "$name: unknown option '-q'; try '$name --help'"
	done
	for opt in "$NSLS -o" "$NSLS --output" "$NSENTER -t" "$NSENTER --target" "$CGTOP -n" "$CGTOP --delay"; do
		local name=${opt%% *} o=${opt#* }
		name=${name##*/}
		run --separate-stderr ${opt}
		assert_equal "$status" 2
		assert_equal "$stderr" "$name: option '$o' needs an argument; try '$name --help'"
	done
}
