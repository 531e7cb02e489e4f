# Relate developer entry points. Every build target first checks the Debian packages.
# RELATE_DATABASE_URL and other environment variables reach the programs untouched.

.PHONY: deps demo examples test format clean

# Runs ctest with throwaway PostgreSQL and MariaDB servers (their URLs in
# RELATE_TEST_POSTGRESQL_URL / RELATE_TEST_MYSQL_URL), stopped afterwards.
TEST_WRAPPER ?= tests/servers/with-databases
FORMAT_DIRS := $(wildcard core backends plugins examples tests bench)

deps:
	@.ci/install-deps

demo: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release --target relate_blog
	build/release/examples/blog/relate_blog

# Every example: blog (the demo), school (many-to-many), tree (self-referential).
examples: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release --target relate_blog relate_school relate_tree
	build/release/examples/blog/relate_blog
	build/release/examples/school/relate_school
	build/release/examples/tree/relate_tree

test: deps
	cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DRELATE_SANITIZE=ON -DRELATE_BUILD_TESTS=ON
	cmake --build build/test
	$(TEST_WRAPPER) ctest --test-dir build/test --output-on-failure -j2

format:
	$(if $(FORMAT_DIRS),find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 \
	    | xargs -0 -r clang-format -i)

clean:
	rm -rf build
