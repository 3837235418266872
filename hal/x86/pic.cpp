#include <hal/cpu.hpp>
#include <hal/pic.hpp>

namespace hal::pic {

namespace {

constexpr u16 kMasterCommand = 0x20, kMasterData = 0x21;
constexpr u16 kSlaveCommand = 0xA0, kSlaveData = 0xA1;
constexpr u8 kIcw1Init = 0x11;            // ICW1: initialize, ICW4 follows, cascade, edge
constexpr u8 kIcw3MasterSlaveAt2 = 0x04;  // ICW3 (master): a slave on IR2
constexpr u8 kIcw3SlaveIdentity = 0x02;   // ICW3 (slave): cascade identity 2
constexpr u8 kIcw4Mode8086 = 0x01;
constexpr u8 kEoi = 0x20;

// Port 0x80 (POST code) takes about a microsecond: the old 8259 needs time between writes.
void io_wait() { cpu::outb(0x80, 0); }

void write(u16 port, u8 value) {
  cpu::outb(port, value);
  io_wait();
}

}  // namespace

void remap_and_mask() {
  write(kMasterCommand, kIcw1Init);
  write(kSlaveCommand, kIcw1Init);
  write(kMasterData, kMasterBase);
  write(kSlaveData, kSlaveBase);
  write(kMasterData, kIcw3MasterSlaveAt2);
  write(kSlaveData, kIcw3SlaveIdentity);
  write(kMasterData, kIcw4Mode8086);
  write(kSlaveData, kIcw4Mode8086);
  write(kMasterData, 0xFF);
  write(kSlaveData, 0xFF);
}

void acknowledge_spurious_slave() { cpu::outb(kMasterCommand, kEoi); }

u16 masks() { return u16(cpu::inb(kMasterData) | cpu::inb(kSlaveData) << 8); }

}  // namespace hal::pic
