// Secure Boot Advanced Targeting metadata (rhboot/shim, SBAT.md): shim 15.3 and later refuse
// to start an image without a .sbat section, so a loader chained through Debian's shim needs
// one (docs/secure-boot.md, "Through shim"). CSV, one component per line: the format's own
// record, then the loader with its generation number; raising the generation (in a new
// loader) is how an SBAT revocation can later shut out older loaders.
#include "loader.hpp"

extern "C" {
[[gnu::section(".sbat"), gnu::used]] const char ember_sbat[] =
    "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
    "ember-loader,1,Ember,ember-loader," EMBER_VERSION ",docs/secure-boot.md\n";
}
