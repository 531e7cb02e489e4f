// A shared library that is not a Relate plugin: it defines no entry point.
extern "C" int relate_test_not_a_plugin() { return 0; }
