// Compile-cost benchmark: the umbrella header alone (bench/compile/measure.sh).
#include <relate/relate.hpp>

int main() { return 0; }
