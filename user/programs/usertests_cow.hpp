// usertests' cases for fork's copy-on-write, checked by frame counts from ring 3 through
// meminfo (usertests_cow.cpp).
#pragma once

namespace cow_tests {

bool shares_until_written();
bool exec_drops_sharing();
bool meminfo_arguments();

}  // namespace cow_tests
