// The kernel's view of the ACPI tables: found once at boot through the loader's RSDP,
// validated by libk's parser, read through the direct map (only where the memory map says
// there is RAM or firmware memory, never device memory).
//
// Context: boot sequence (init); the accessors are read-only afterwards.
#pragma once

#include <libk/acpi.hpp>
#include <libk/acpi_fadt.hpp>
#include <libk/acpi_hpet.hpp>
#include <libk/acpi_madt.hpp>
#include <libk/acpi_mcfg.hpp>

namespace kernel::acpi {

// Walks and parses the tables, logging a summary and every problem found.
void init();

const libk::acpi::Tables* tables();   // nullptr without usable ACPI
const libk::acpi::Madt* madt();       // nullptr if there is no valid MADT
const libk::acpi::HpetTable* hpet();  // nullptr if there is no valid HPET table
const libk::acpi::Fadt* fadt();       // nullptr if there is no valid FADT
const libk::acpi::Mcfg* mcfg();       // nullptr if there is no MCFG (no ECAM: pc machines)

// Physical memory as the ACPI parser may read it.
libk::acpi::PhysicalMemory& memory();

}  // namespace kernel::acpi
