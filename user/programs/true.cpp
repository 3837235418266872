// true: exits with status 0.
#include "ember.hpp"

int main(int, char**) { return 0; }
