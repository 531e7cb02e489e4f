# Relate developer entry points. Every build target first checks the Debian packages.
# RELATE_DATABASE_URL and other environment variables reach the programs untouched.

.PHONY: deps demo examples test bench format clean

# Runs ctest with throwaway PostgreSQL and MariaDB servers (their URLs in
# RELATE_TEST_POSTGRESQL_URL / RELATE_TEST_MYSQL_URL), stopped afterwards.
TEST_WRAPPER ?= tests/servers/with-databases
FORMAT_DIRS := $(wildcard core backends plugins examples tests bench)
# One optimised tree for the demo, the examples and the benchmarks; its options are
# spelled out so that no target inherits another's cached choice.
RELEASE_CONFIGURE := cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRELATE_BUILD_EXAMPLES=ON -DRELATE_BUILD_BENCH=ON -DRELATE_BUILD_TESTS=OFF

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

test: deps
	cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DRELATE_SANITIZE=ON -DRELATE_BUILD_TESTS=ON -DBUILD_SHARED_LIBS=ON
	cmake --build build/test
	$(TEST_WRAPPER) ctest --test-dir build/test --output-on-failure -j2

# The blog benchmark (bench/run_bench.py), Release build; BENCH_SERVERS=1 adds the DB servers.
bench: deps
	$(RELEASE_CONFIGURE)
	cmake --build build/release --target relate-bench raw-sqlite-bench
	$(if $(filter 1,$(BENCH_SERVERS)),$(TEST_WRAPPER) bench/run_bench.py --servers,bench/run_bench.py)

format:
	$(if $(FORMAT_DIRS),find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 \
	    | xargs -0 -r clang-format -i)

clean:
	rm -rf build
