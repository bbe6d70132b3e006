# nimbus: a local AWS cloud in one C program.
#
# For users:   make run   (install what nimbus needs, build, start)
#              make test  (install what the tests need, build, run every test)
# For us:      make (build/nimbus), make asan, make gen, make lint, make fuzz, make bench
#
# Sources are found by wildcard, so adding a file or a service folder needs
# no edit here.

CC ?= cc
NPROC := $(shell nproc 2>/dev/null || echo 2)
PKGS := libmicrohttpd jansson libxml-2.0 sqlite3 libcrypto zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libxml2 is not linked: core/xml.c loads it on the first XML parse (dlopen).
PKG_LIBS := $(shell pkg-config --libs $(filter-out libxml-2.0,$(PKGS)) 2>/dev/null) -lm

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter
CFLAGS ?= -O2 -g -fno-pie
LDFLAGS ?= -no-pie
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Isrc
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

LIB_SRC := $(wildcard src/core/*.c src/store/*.c src/services/*.c \
                      src/services/*/*.c src/gen/*.c)
MAIN_SRC := src/main.c
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_GEN := $(wildcard tests/unit/gen/*.c)
HDRS := $(wildcard src/*/*.h src/services/*/*.h tests/unit/*.h) $(wildcard tests/unit/gen/*.h)

B := build
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
SAN_OBJ := $(LIB_SRC:%.c=$(B)/asan/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
UNIT_SAN_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/unit/%)

.PHONY: all asan unit run test gen gen-check lint fuzz fuzz-long bench install-deps \
        install-test-deps clean format

all: $(B)/nimbus

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# build/nimbus links Debian's static archives of libmicrohttpd, jansson,
# SQLite, libcrypto and zlib, and binds the GnuTLS functions that
# libmicrohttpd.a names (listed from the archive) to server.c's no-TLS
# stand-ins, so GnuTLS is never loaded: start-up and idle memory halve.
# docs/ARCHITECTURE.md ("Who owns what") says why. `make LINK=dynamic`
# links the shared libraries instead, as the sanitizer, unit and fuzz
# builds always do. It also routes libmicrohttpd's setsockopt() calls to
# server.c's __wrap_setsockopt, which leaves sockets uncorked (server.h).
LINK ?= static
MHD_A := $(shell pkg-config --variable=libdir libmicrohttpd 2>/dev/null)/libmicrohttpd.a
ifeq ($(wildcard $(MHD_A)),)
LINK := dynamic
endif
ifeq ($(LINK),static)
NO_TLS = $(shell nm -u $(MHD_A) 2>/dev/null | awk '$$1 == "U" && $$2 ~ /^gnutls_/ {print $$2}' | sort -u)
TLS_INIT := gnutls_global_init gnutls_global_deinit
NIMBUS_LIBS = $(foreach f,$(filter-out $(TLS_INIT),$(NO_TLS)),-Wl,--defsym=$(f)=nb_server_no_tls) \
               $(foreach f,$(filter $(TLS_INIT),$(NO_TLS)),-Wl,--defsym=$(f)=nb_server_no_tls_init) \
               -Wl,--wrap=setsockopt \
               -Wl,-Bstatic -lmicrohttpd -ljansson -lsqlite3 -lcrypto -lz -Wl,-Bdynamic \
               -lm -ldl -pthread
else
NIMBUS_LIBS := $(PKG_LIBS)
endif

$(B)/nimbus: $(LIB_OBJ) $(B)/obj/src/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(NIMBUS_LIBS)

$(B)/asan/nimbus: $(SAN_OBJ) $(B)/asan/obj/src/main.o
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/unit/%: tests/unit/%.c $(LIB_OBJ) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(UNIT_GEN) $(LIB_OBJ) $(PKG_LIBS)

$(B)/asan/unit/%: tests/unit/%.c $(SAN_OBJ) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(UNIT_GEN) $(SAN_OBJ) $(PKG_LIBS)

asan: $(B)/asan/nimbus
unit: $(UNIT_BIN) $(UNIT_SAN_BIN)

install-deps:
	./scripts/install-deps.sh

install-test-deps:
	./scripts/install-deps.sh --test

run: install-deps
	$(MAKE) -j$(NPROC) all
	./$(B)/nimbus start

test: install-test-deps
	$(MAKE) -j$(NPROC) all asan unit fuzz-build
	./scripts/run-tests.sh

gen:
	python3 tools/gen_model.py

gen-check:
	python3 tools/gen_model.py --check

lint:
	./scripts/checksrc.sh

format:
	clang-format -i $(LIB_SRC) $(MAIN_SRC) $(HDRS)

# Fuzzing (libFuzzer, clang). fuzz-build makes the targets; the short
# bounded runs are part of scripts/run-tests.sh; fuzz-long runs each longer.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(B)/fuzz/obj/%.o)

$(B)/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(B)/fuzz/%: fuzz/%.c $(FUZZ_LIB_OBJ) $(wildcard fuzz/*.h)
	@mkdir -p $(dir $@)
	clang $(ALL_CFLAGS) $(FUZZ_FLAGS) $(LDFLAGS) -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

# keep the fuzz objects: they are intermediate files to make
.SECONDARY:

fuzz-long: fuzz-build
	./scripts/fuzz.sh 300

bench: all
	./scripts/install-deps.sh --bench
	./bench/run.sh
	./bench/ddb.sh
	./bench/sqs.sh
	./bench/s3.sh

clean:
	rm -rf $(B)
