// false: exits with status 1.
#include "ember.hpp"

int main(int, char**) { return 1; }
