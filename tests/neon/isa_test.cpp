// Dispatch: the detected path is the one the test command expects on this CPU, and forcing works.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kernels/neon/isa.h"

namespace octet::neon {
namespace {

TEST(NeonIsa, DetectedPathMatchesExpectation) {
  const char* expect = std::getenv("OCTET_EXPECT_ISA");
  if (expect == nullptr) GTEST_SKIP() << "OCTET_EXPECT_ISA not set";
  if (std::string(expect) == "simde") {
    // x86 host: the NEON paths run through SIMDe and the default is the dotprod path.
    EXPECT_STREQ(arch_flavor(), "simde");
    EXPECT_EQ(detect_isa(), Isa::dotprod);
    return;
  }
  Isa want;
  ASSERT_TRUE(parse_isa(expect, &want)) << expect;
  EXPECT_EQ(detect_isa(), want) << "detected " << isa_name(detect_isa()) << ", expected " << expect;
  EXPECT_TRUE(isa_supported(want));
  if (want == Isa::v80) {
    EXPECT_FALSE(isa_supported(Isa::dotprod)) << "no SDOT on this CPU";
  }
}

// OCTET_EXPECT_CORE=in-order|out-of-order: the class the test command expects here (qemu's
// cortex-a53 / neoverse-n1 through the MIDR; SIMDe and armv7 builds: out-of-order).
TEST(NeonIsa, DetectedCoreClassMatchesExpectation) {
  const char* expect = std::getenv("OCTET_EXPECT_CORE");
  if (expect == nullptr) GTEST_SKIP() << "OCTET_EXPECT_CORE not set";
  EXPECT_STREQ(core_class_name(detect_core_class()), expect);
}

TEST(NeonIsa, ForcedCoreClass) {
  for (CoreClass c : {CoreClass::in_order, CoreClass::out_of_order}) {
    force_core_class(c);
    EXPECT_EQ(active_core_class(), c);
  }
  clear_forced_core_class();
  EXPECT_STREQ(core_class_name(CoreClass::in_order), "in-order");
  EXPECT_STREQ(core_class_name(CoreClass::out_of_order), "out-of-order");
}

TEST(NeonIsa, CoreClassFromCpuinfoAndMidr) {
  // Raspberry Pi 3 (four A53), a Rockchip RK3588 (A55 + A76: the big cores decide), an x86 host.
  const char* pi3 =
      "processor\t: 0\nBogoMIPS\t: 38.40\nCPU implementer\t: 0x41\nCPU variant\t: 0x0\n"
      "CPU part\t: 0xd03\nCPU revision\t: 4\n\nprocessor\t: 1\nCPU implementer\t: 0x41\n"
      "CPU part\t: 0xd03\n";
  const char* rk3588 =
      "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n"
      "processor\t: 4\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n";
  const char* x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n";
  CoreClass c = CoreClass::out_of_order;
  ASSERT_TRUE(core_class_from_cpuinfo(pi3, &c));
  EXPECT_EQ(c, CoreClass::in_order);
  ASSERT_TRUE(core_class_from_cpuinfo(rk3588, &c));
  EXPECT_EQ(c, CoreClass::out_of_order);
  c = CoreClass::in_order;
  EXPECT_FALSE(core_class_from_cpuinfo(x86, &c));
  EXPECT_EQ(c, CoreClass::in_order);  // untouched
  // MIDR values as sysfs gives them: A55 r1p0, Neoverse-N1 r4p1, Kryo 4xx Silver.
  const uint64_t a55[] = {0x411fd050, 0x411fd050}, mixed[] = {0x411fd050, 0x414fd0c1},
                 kryo_silver[] = {0x517f805e};
  ASSERT_TRUE(core_class_from_midrs(a55, 2, &c));
  EXPECT_EQ(c, CoreClass::in_order);
  ASSERT_TRUE(core_class_from_midrs(mixed, 2, &c));
  EXPECT_EQ(c, CoreClass::out_of_order);
  ASSERT_TRUE(core_class_from_midrs(kryo_silver, 1, &c));
  EXPECT_EQ(c, CoreClass::in_order);
  EXPECT_FALSE(core_class_from_midrs(a55, 0, &c));
}

TEST(NeonIsa, NamesRoundTrip) {
  for (Isa isa : {Isa::ref, Isa::v80, Isa::dotprod, Isa::i8mm, Isa::armv7}) {
    Isa back = Isa::ref;
    ASSERT_TRUE(parse_isa(isa_name(isa), &back));
    EXPECT_EQ(back, isa);
  }
  Isa x = Isa::v80;
  EXPECT_FALSE(parse_isa("sve", &x));
  EXPECT_FALSE(parse_isa(nullptr, &x));
  EXPECT_EQ(x, Isa::v80);
  EXPECT_EQ(static_cast<int>(Isa::armv7), 4);
}

TEST(NeonIsa, ForceAndEnvironment) {
  EXPECT_TRUE(isa_supported(Isa::ref));
  EXPECT_FALSE(isa_supported(Isa::i8mm));  // no kernel yet: never selected
  ASSERT_TRUE(force_isa(Isa::ref));
  EXPECT_EQ(active_isa(), Isa::ref);
  EXPECT_FALSE(force_isa(Isa::i8mm));
  EXPECT_EQ(active_isa(), Isa::ref);
  clear_forced_isa();
  const char* old = std::getenv("OCTET_ISA");
  const std::string saved = old ? old : "";
  setenv("OCTET_ISA", "ref", 1);
  EXPECT_EQ(active_isa(), Isa::ref);
  setenv("OCTET_ISA", "i8mm", 1);  // unsupported: ignored
  EXPECT_EQ(active_isa(), detect_isa());
  if (old) setenv("OCTET_ISA", saved.c_str(), 1); else unsetenv("OCTET_ISA");
}

}  // namespace
}  // namespace octet::neon
