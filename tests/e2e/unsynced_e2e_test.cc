// End-to-end: the paymesh-operator binary against an API server that does not serve
// PaymentServices yet (the CRD not installed): the failing list is logged, the
// informers recover once the CRD is there, and SIGTERM during the wait ends the process.

#include <fstream>
#include <sstream>

#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

class UnsyncedOperatorTest : public OperatorTest {
public:
  void SetUp() override {
    install_crd_ = false;
    OperatorTest::SetUp();
  }

protected:
  std::vector<std::string> args() {
    return {"--kubeconfig", kubeconfigFile(), "--metrics-addr", "0", "--health-addr", "0"};
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
    return n;
  }
};

constexpr const char* kListFailed = "level=warn msg=\"list failed; retrying\" resource=paymentservices.paymesh.io";

TEST_F(UnsyncedOperatorTest, AFailingListIsLoggedWithItsRetryAndTheRecoveryOnceTheCrdIsInstalled) {
  std::string log_path = ::testing::TempDir() + "/operator-no-crd.log";
  OperatorProcess op(args(), log_path);
  ASSERT_TRUE(waitFor([&] { return read(log_path).find(kListFailed) != std::string::npos; }, 30s)) << read(log_path);
  std::string log = read(log_path);
  std::string line = log.substr(log.find(kListFailed));
  line = line.substr(0, line.find('\n'));
  for (const char* part : {"namespace=*", "NotFound", "retry_in=", "failures=1"})
    EXPECT_NE(line.find(part), std::string::npos) << part << " in " << line;
  installCrd();
  ASSERT_TRUE(waitFor([&] { return read(log_path).find("msg=\"informer caches synced\"") != std::string::npos; }, 30s))
      << read(log_path);
  log = read(log_path);
  EXPECT_EQ(count(log, "msg=\"list and watch recovered\" resource=paymentservices.paymesh.io"), 1u) << log;
  // While it failed, retries were not each logged (the backoff runs to 5 s; a line at
  // most once a minute for the same error).
  EXPECT_LE(count(log, kListFailed), 2u) << log;
  // The recovered informer works: a service is reconciled.
  for (const auto& m : readAll({PAYMESH_SOURCE_DIR "/examples/payments/ledger.yaml"})) {
    if (m.kind() == "PaymentService") {
      ASSERT_TRUE(client_->create(res::kPaymentServices, "payments", m.doc.value).isOk());
    }
  }
  EXPECT_TRUE(waitFor([&] { return allReady(); }, 30s));
  EXPECT_EQ(op.terminate(30s), 0);
}

TEST_F(UnsyncedOperatorTest, SigtermWhileWaitingForTheCachesExitsCleanly) {
  std::string log_path = ::testing::TempDir() + "/operator-sigterm.log";
  OperatorProcess op(args(), log_path);
  // Past the mesh CA, starting the controller: from here on the PaymentService list can only fail.
  ASSERT_TRUE(waitFor([&] { return client_->get(res::kSecrets, "paymesh-system", "paymesh-ca").isOk(); }, 30s))
      << read(log_path);
  // A generous bound on the exit, not a timing: before, it exited after the 10 minute sync timeout.
  EXPECT_EQ(op.terminate(30s), 0) << read(log_path);
  EXPECT_NE(read(log_path).find("stopped while waiting for the informer caches"), std::string::npos) << read(log_path);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
