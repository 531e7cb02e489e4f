# Relate developer entry points. Every build target first checks the Debian packages.
# RELATE_DATABASE_URL and other environment variables reach the programs untouched.

.PHONY: deps demo examples test bench compile-bench fuzz fuzz-differential tsan format clean

# Runs ctest with throwaway PostgreSQL and MariaDB servers (their URLs in
# RELATE_TEST_POSTGRESQL_URL / RELATE_TEST_MYSQL_URL), stopped afterwards.
TEST_WRAPPER ?= tests/servers/with-databases
FORMAT_DIRS := $(wildcard core backends plugins examples tests bench fuzz)
# Relate's developer builds make every compiler warning an error; the demo, a newcomer's
# first command, does not (as no user's build does: the test packaging.readme_recipe
# checks that the optimised library builds without a warning).
WARNINGS_AS_ERRORS := -DRELATE_WARNINGS_AS_ERRORS=ON
# One optimised tree for the demo, the examples and the benchmarks; its options are
# spelled out so that no target inherits another's cached choice.
RELEASE_CONFIGURE := cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRELATE_BUILD_EXAMPLES=ON -DRELATE_BUILD_BENCH=ON -DRELATE_BUILD_TESTS=OFF \
    -DRELATE_WARNINGS_AS_ERRORS=OFF

deps:
	@.ci/install-deps

demo: deps
	$(RELEASE_CONFIGURE)
	cmake --build build/release --target relate_blog
	build/release/examples/blog/relate_blog

# Every example: blog (the demo), school (many-to-many), tree (self-referential).
examples: deps
	$(RELEASE_CONFIGURE)
	cmake --build build/release --target relate_blog relate_school relate_tree
	build/release/examples/blog/relate_blog
	build/release/examples/school/relate_school
	build/release/examples/tree/relate_tree

# -g1: the line tables sanitizer reports need, without the full debug information
# that costs a fifth of the build.
test: deps
	cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
	    -DRELATE_SANITIZE=ON -DRELATE_BUILD_TESTS=ON -DRELATE_BUILD_EXAMPLES=ON \
	    -DRELATE_BUILD_BENCH=ON -DBUILD_SHARED_LIBS=ON $(WARNINGS_AS_ERRORS)
	cmake --build build/test
	$(TEST_WRAPPER) ctest --test-dir build/test --output-on-failure -j2

# The blog benchmark (bench/run_bench.py), Release build; BENCH_SERVERS=1 adds the DB servers,
# with the floors written by hand on their drivers.
bench: deps
	$(RELEASE_CONFIGURE)
	cmake --build build/release --target relate-bench raw-sqlite-bench \
	    $(if $(filter 1,$(BENCH_SERVERS)),raw-postgres-bench raw-mysql-bench)
	$(if $(filter 1,$(BENCH_SERVERS)),$(TEST_WRAPPER) bench/run_bench.py --servers,bench/run_bench.py)

# The compile cost of an application's translation unit (bench/compile): wall time and
# the compiler's peak memory for the umbrella header alone and for ten mapped models
# with eleven relationships and three queries, against an installed Release build of
# the library (made in build/compile-bench).
compile-bench:
	@.ci/install-deps compile-bench
	bench/compile/measure.sh

# The libFuzzer targets of fuzz/ (the URL parser, the SQL compiler), built with clang in
# build/fuzz, each run for FUZZ_SECONDS from its saved corpus (fuzz/corpus/<name>);
# new inputs go to build/fuzz/corpus/<name>, crashes to build/fuzz/crashes/. Then the
# differential fuzzer against SQLAlchemy (fuzz-differential) for FUZZ_SECONDS too.
FUZZ_SECONDS ?= 60
fuzz:
	@.ci/install-deps fuzz
	cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_CXX_COMPILER=clang++ -DRELATE_BUILD_FUZZERS=ON -DRELATE_BUILD_TESTS=OFF \
	    -DRELATE_BUILD_EXAMPLES=OFF -DRELATE_BUILD_BENCH=OFF $(WARNINGS_AS_ERRORS)
	cmake --build build/fuzz --target url_fuzzer sql_compiler_fuzzer
	mkdir -p build/fuzz/corpus/url build/fuzz/corpus/sql_compiler build/fuzz/crashes
	build/fuzz/fuzz/url_fuzzer -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/url.dict \
	    -artifact_prefix=build/fuzz/crashes/url- build/fuzz/corpus/url fuzz/corpus/url
	build/fuzz/fuzz/sql_compiler_fuzzer -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=build/fuzz/crashes/sql_compiler- \
	    build/fuzz/corpus/sql_compiler fuzz/corpus/sql_compiler
	$(MAKE) fuzz-differential

# ThreadSanitizer (build/tsan): the threaded tests (named *Thread* or *Concurrent*) on
# all three backends, and the threads chapter's program, each test a process of its own
# (ctest), so that drivers' first-use set-up runs in the threads of the test.
# tests/tsan.supp is for reports inside the drivers' uninstrumented libraries only.
TSAN_TESTS ?= Thread|Concurrent|docs\.threads
tsan: deps
	cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRELATE_TSAN=ON \
	    -DRELATE_TESTS_PER_TEST=ON -DRELATE_BUILD_TESTS=ON -DRELATE_BUILD_EXAMPLES=OFF -DRELATE_BUILD_BENCH=OFF \
	    $(WARNINGS_AS_ERRORS)
	cmake --build build/tsan --target relate_backend_tests relate_tests relate_docs_threads
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	    $(TEST_WRAPPER) ctest --test-dir build/tsan -R '$(TSAN_TESTS)' --output-on-failure -j2

format:
	$(if $(FORMAT_DIRS),find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 \
	    | xargs -0 -r clang-format -i)

clean:
	rm -rf build

# The differential fuzzer against SQLAlchemy 1.4 (tests/differential/README.md): its
# Relate runner, built in build/fuzz-differential (Release), then seeds from the clock
# for FUZZ_SECONDS; it stops at the first difference and prints it shrunk.
# FUZZ_DIFFERENTIAL_ARGS adds options, e.g. "--mask all --explore findings.jsonl".
fuzz-differential: deps
	cmake -S . -B build/fuzz-differential -G Ninja -DCMAKE_BUILD_TYPE=Release \
	    -DRELATE_BUILD_TESTS=ON -DRELATE_BUILD_EXAMPLES=OFF -DRELATE_BUILD_BENCH=OFF \
	    $(WARNINGS_AS_ERRORS)
	cmake --build build/fuzz-differential --target relate_differential_runner
	/usr/bin/python3 tests/differential/run.py \
	    --runner build/fuzz-differential/tests/differential/relate_differential_runner \
	    --time $(FUZZ_SECONDS) --first-seed $$(date +%s) $(FUZZ_DIFFERENTIAL_ARGS)
