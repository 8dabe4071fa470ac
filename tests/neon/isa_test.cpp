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
