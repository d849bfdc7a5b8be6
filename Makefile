# nstk — one non-recursive Makefile. Outputs go under build/ (build/san/ with
# SAN=1, so the two builds never mix objects; BUILD=dir puts them elsewhere,
# e.g. one directory per person sharing a work tree).
#
#   make            build libnstk.a and the tools
#   make check      install deps, build, run unit + bats tests, print "N passed, N failed"
#   make check-layers  fail when a file uses one of a layer above it or one that uses it back
#   make demo       install deps, build, show nsls --tree, --graph and a sample of nsls -J
#                   (NSTK_DEMO_SVG=docs/demo-net.svg also draws the graph, README's picture)
#   make install    PREFIX=/usr/local DESTDIR= (stripped; bash completion too); make uninstall the same
#   make deb        build/deb/nstk_$(VERSION)_<arch>.deb (debian/, dpkg-buildpackage)
#   make SAN=1 ...  the same with ASan + UBSan

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= gcc

ifeq ($(SAN),1)
BUILD     ?= build/san
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT       := -O1 -g
else
BUILD     ?= build
SANFLAGS  :=
OPT       := -O2 -g
endif

PKGS      := smartcols jansson libproc2 libcap sqlite3
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS    += -std=gnu11 $(OPT) -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
             -Iinclude $(PKG_CFLAGS) -DNSTK_VERSION='"$(VERSION)"' $(SANFLAGS) -MMD -MP
LDFLAGS   += $(SANFLAGS)

# lib/ is one folder per layer (docs/design.md); make check-layers keeps the
# arrows between them running one way.
LIB_SRCS  := $(wildcard lib/*/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libnstk.a

NSLS      := $(BUILD)/nsls
NSLS_SRCS := $(wildcard tools/nsls/*.c)
# nsls's view (rows, columns, trees) without its main(): test_nsview and
# test_nsls_prometheus link it.
NSLS_VIEW_OBJS := $(filter-out $(BUILD)/tools/nsls/nsls.o,$(NSLS_SRCS:%.c=$(BUILD)/%.o))
NSLS_LIBS := -lsmartcols -ljansson -lproc2 -lcap -lpthread

# nsenter-lite links only what entering needs: no libproc2, no libsmartcols.
NSENTER_SRCS := $(wildcard tools/nsenter-lite/*.c)
NSENTER      := $(if $(NSENTER_SRCS),$(BUILD)/nsenter-lite)
NSENTER_LIBS := -ljansson -lcap

CGTOP_SRCS := $(wildcard tools/cgtop/*.c)
CGTOP      := $(if $(CGTOP_SRCS),$(BUILD)/cgtop)
CGTOP_LIBS := -lsmartcols -ljansson -lncursesw -lcap -lsqlite3 -lm -lpthread

TOOLS     := $(NSLS) $(NSENTER) $(CGTOP)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_LIBS := -lcmocka $(NSLS_LIBS) -lsqlite3 -lm

HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)
# Helpers that run inside a rootfs without a libc: static, never sanitized.
STATIC_HELPER_SRCS := $(wildcard tests/helpers/static/*.c)
HELPER_BINS += $(STATIC_HELPER_SRCS:tests/helpers/static/%.c=$(BUILD)/helpers/%)

# libFuzzer harnesses: clang builds each with the whole library, instrumented.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 10
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -Iinclude $(PKG_CFLAGS) -DNSTK_VERSION='"$(VERSION)"'

MAN1      := $(wildcard tools/*/*.1)
MAN8      := $(wildcard tools/*/*.8)
# bash completion, one file per tool, where bash-completion looks for it.
COMPLETIONS := $(wildcard completions/*)
COMPLDIR  ?= $(PREFIX)/share/bash-completion/completions

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1)	$(2)"
endif

.PHONY: all check check-layers demo deps install uninstall clean fuzz fuzz-build
all: $(TOOLS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(NSLS): $(NSLS_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NSLS_LIBS)

$(BUILD)/nsenter-lite: $(NSENTER_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NSENTER_LIBS)

$(BUILD)/cgtop: $(CGTOP_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CGTOP_LIBS)

$(BUILD)/tests/test_nsview $(BUILD)/tests/test_nsls_prometheus: $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(NSLS_VIEW_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# nsls --graph's DOT renderer alone: it reads a JSON document, not a census.
$(BUILD)/tests/test_graph: $(BUILD)/tests/unit/test_graph.o $(BUILD)/tools/nsls/graph.o $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LIBS)

$(BUILD)/helpers/%: tests/helpers/static/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@ (static))
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# Helpers are the tests' tools, not code under test: never sanitized, so a
# memory hog holds what it says (ASan's shadow would add to memory.current).
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(filter-out $(SANFLAGS),$(CFLAGS)) -o $@ $< -lpthread

build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(wildcard include/nstk/*.h lib/*/*.h tests/fuzz/*.h)
	@mkdir -p $(@D)
	$(call say,FUZZ,$@)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(NSLS_LIBS) -lsqlite3

fuzz-build: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS; new inputs go to a scratch corpus, crashes
# to tests/fuzz/crashes/ (to become unit tests once fixed).
fuzz: deps fuzz-build
	@NSTK_FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz.sh $(FUZZ_BINS)

deps:
	@scripts/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(HELPER_BINS) $(FUZZ_BINS)
	@NSTK_BUILD=$(BUILD) NSTK_FUZZ_BINS="$(FUZZ_BINS)" NSTK_VM_CHECK=scripts/vm/check-matrix.sh \
		NSTK_VM_MATRIX="$(VM_MATRIX)" scripts/run-tests.sh $(UNIT_BINS)

# The arrows between lib/'s folders and the tools run one way, and no two
# files use each other (scripts/check-layers.sh has the table); make check
# runs it as one of its tests.
check-layers: all
	@scripts/check-layers.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@NSTK_BUILD=$(BUILD) scripts/demo.sh

# Installed binaries are stripped (the build keeps -g for gdb and the
# sanitizers); uninstall removes exactly what install put there.
STRIP     ?= strip
# systemd units go where systemd looks for them under PREFIX (/usr:
# /usr/lib/systemd/system; /usr/local: /usr/local/lib/systemd/system).
UNITDIR   ?= $(PREFIX)/lib/systemd/system
UNITS_IN  := $(wildcard tools/*/*.service.in systemd/*.service.in systemd/*.timer.in)
UNITS     := $(notdir $(UNITS_IN:.in=))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 -s --strip-program=$(STRIP) $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	$(if $(MAN1),install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/)
	$(if $(MAN8),install -m 0644 $(MAN8) $(DESTDIR)$(PREFIX)/share/man/man8/)
	install -d $(DESTDIR)$(COMPLDIR)
	install -m 0644 $(COMPLETIONS) $(DESTDIR)$(COMPLDIR)/
	install -d $(DESTDIR)$(UNITDIR)
	$(foreach u,$(UNITS_IN),sed 's|@BINDIR@|$(PREFIX)/bin|g' $(u) >$(DESTDIR)$(UNITDIR)/$(notdir $(u:.in=)) && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$(notdir $(u:.in=));)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(TOOLS)))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man8/,$(notdir $(MAN8)))
	rm -f $(addprefix $(DESTDIR)$(COMPLDIR)/,$(notdir $(COMPLETIONS)))

# The Debian package, built out of tree through make install (debian/rules)
# from a copy of the source in build/deb/nstk-$(VERSION)/; the .deb lands in
# build/deb/ (scripts/build-deb.sh).
.PHONY: deb
deb:
	@scripts/build-deb.sh $(VERSION)

clean:
	rm -rf build

-include $(shell find $(BUILD) -path '$(BUILD)/anchors' -prune -o -name '*.d' -type f -print 2>/dev/null)

# ---------------------------------------------------------------------------
# VM rig (issues 6 and 15): bats tests inside real Debian kernels under
# qemu; scripts/vm/check-vm.sh says how one boot goes, check-matrix.sh boots
# VM_MATRIX one after another. Each boot is KERNEL:LAYOUT: Debian 11's 5.10,
# 12's 6.1 and 12-backports' 6.12 (scripts/vm/fetch-kernel.sh), on pure
# cgroup v2 (the tests tagged "vm") or on a pure legacy v1 layout (tagged
# "vm-v1"). Tag a test with "# bats test_tags=vm" above it ("# bats
# file_tags=vm" for a file); under TCG a test costs 3-20 s, so tag only what
# needs a pure v2 or v1 kernel or another kernel version. Each boot ends
# with "vm <release> <layout>: N passed, N failed", or "SKIP: vm ...:
# <reason>" where qemu or the kernel cannot be had; make check runs the
# matrix last (NSTK_VM_CHECK) and scripts/run-tests.sh adds the guests'
# counts to its final line. The plain pass boots the whole matrix; SAN=1
# boots 5.10 and 6.1 on v2: the kernels whose fallbacks the host never takes
# (close_range without CLOSE_RANGE_CLOEXEC, no PIDFD_THREAD, no
# memory.peak, cpu.pressure without "full") and pure v2, under ASan and
# UBSan; 6.12 takes the paths the 6.18 host takes, and the hybrid host runs
# the v1 code under the sanitizers already. README ("Kernels") has the
# figures. make check-vm VM_MATRIX=... boots any of them; NSTK_VM_BATS,
# NSTK_VM_TAGS: see scripts/vm/check-vm.sh.
ifeq ($(SAN),1)
VM_MATRIX ?= 5.10:v2 6.1:v2
else
VM_MATRIX ?= 5.10:v2 6.1:v2 6.12:v2 6.1:v1
endif
.PHONY: check-vm
check-vm: deps
	@$(MAKE) --no-print-directory all $(HELPER_BINS)
	@NSTK_BUILD=$(BUILD) NSTK_VM_MATRIX="$(VM_MATRIX)" scripts/vm/check-matrix.sh
