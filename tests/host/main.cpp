// The Catch2 runner for the host unit tests; every *_test.cpp registers its own cases.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
