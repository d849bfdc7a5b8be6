#!/usr/bin/env bats
# layers.bats — scripts/check-layers.sh, the guard of docs/design.md's
# arrows, catches what it exists for: an upward arrow and a circle, each
# built here from two tiny objects, and passes the real build.

load helpers

# obj DIR FILE CODE: compile CODE to DIR/FILE.o.
obj() {
	mkdir -p "$1/$(dirname "$2")"
	printf '%s\n' "$3" | cc -x c -c -o "$1/$2.o" -
}

setup() {
	scratch=$(mktemp -d)
}

teardown() {
	rm -rf "$scratch"
}

@test "layers: the real build keeps its arrows one way" {
	run "$NSTK_ROOT/scripts/check-layers.sh" "${NSLS%/nsls}"
	assert_success
	assert_output --regexp '^check-layers: [0-9]+ objects, [0-9]+ arrows, ok$'
}

@test "layers: a parser that uses a namespace-layer symbol fails, naming both" {
	obj "$scratch" lib/ns/ns 'int kind_name(void) { return 1; }'
	obj "$scratch" lib/proc/parse 'int kind_name(void); int parse(void) { return kind_name(); }'
	run "$NSTK_ROOT/scripts/check-layers.sh" "$scratch"
	assert_failure 1
	assert_output --partial 'lib/proc/parse.o uses kind_name of lib/ns/ns.o'
}

@test "layers: two files of one folder that use each other fail as a circle" {
	obj "$scratch" lib/cgroup/a 'int b(void); int a(void) { return b(); }'
	obj "$scratch" lib/cgroup/b 'int a(void); int b(void) { return a() + 1; }'
	obj "$scratch" lib/base/util 'int util(void) { return 0; }'
	run "$NSTK_ROOT/scripts/check-layers.sh" "$scratch"
	assert_failure 1
	assert_output --regexp 'files in a circle: lib/cgroup/[ab]\.o lib/cgroup/[ab]\.o'
}

@test "layers: one tool using another's file fails" {
	obj "$scratch" lib/base/util 'int util(void) { return 0; }'
	obj "$scratch" tools/cgtop/fields 'int field(void) { return 0; }'
	obj "$scratch" tools/nsls/nsls 'int field(void); int main(void) { return field(); }'
	run "$NSTK_ROOT/scripts/check-layers.sh" "$scratch"
	assert_failure 1
	assert_output --partial 'tools/nsls/nsls.o uses field of tools/cgtop/fields.o'
}
