// Zero outage over certificate renewals and a mesh CA rotation, end to end.
//
// The operator runs against the emulator on a manual clock and renews every workload
// certificate and rotates the mesh CA it created. Every Secret version it writes is
// recorded with the simulated time of the write. A kubelet model turns that history into
// what a pod's Secret mount may hold at any instant: a mounted Secret lags its API object
// by up to `lag` (the kubelet's sync period plus its cache), and swaps all its files at
// once (the ..data link). Envoy's SDS watch on the mount (see docs/sidecar-config.md)
// reloads on the swap, so a new handshake uses what is mounted. For every pair of
// services that talk, every combination of versions their mounts may hold must complete
// a real mutual-TLS handshake with OpenSSL at that instant: the callee presents its
// certificate and the caller verifies it against its own bundle with the callee's exact
// SPIFFE ID; the caller presents its certificate and the callee verifies it against its
// bundle and its allowed callers.
//
// What a pair may hold is constant between breakpoints (writes, writes + lag, and the
// validity bounds of every certificate), so checking every breakpoint and one instant
// inside every interval between them checks every instant of the run.

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <set>

#include "base/base64.h"
#include "operator/desired/ca_rotation.h"
#include "pki/spiffe.h"
#include "pki/tls_context.h"
#include "pki/tls_secret.h"
#include "policy/names.h"
#include "policy/reload_check.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

using pki::TimePoint;
using Seconds = std::chrono::seconds;

// One version of a service's TLS Secret, as the kubelet would project it.
struct SecretVersion {
  TimePoint written;
  pki::IssuedCertificate identity;  // tls.crt (leaf, then chain) and tls.key
  pki::TrustBundle bundle;          // ca.crt
  std::string fingerprint;          // of tls.crt and ca.crt: versions that change neither are one
};

// Two services that talk: `caller`'s sidecar opens mTLS connections to `callee`'s.
struct Pair {
  std::string caller, callee;
  std::string callee_id;                   // the exact SAN the caller's cluster requires
  std::vector<std::string> callee_allows;  // the identities the callee's inbound admits
};

// The versions a mount may hold at `t` when it lags by up to `lag`: those current at
// some instant of [t - lag, t].
std::vector<const SecretVersion*> mountable(const std::vector<SecretVersion>& history, TimePoint t, Seconds lag) {
  std::vector<const SecretVersion*> out;
  for (size_t i = 0; i < history.size(); ++i) {
    bool started = history[i].written <= t;
    bool not_replaced_before_window = i + 1 == history.size() || history[i + 1].written > t - lag;
    if (started && not_replaced_before_window) out.push_back(&history[i]);
  }
  return out;
}

std::string sslFailure(const char* side, SSL* ssl, int rc) {
  std::string out = std::string(side) + ": ssl error " + std::to_string(SSL_get_error(ssl, rc));
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) out += std::string(", verify: ") + X509_verify_cert_error_string(verify);
  std::string identity = pki::MtlsContext::peerIdentityError(ssl);
  if (!identity.empty()) out += ", identity: " + identity;
  ERR_clear_error();
  return out;
}

// The SSL_CTX of a version in a role, made once: what the sidecar holds after a reload.
class Contexts {
public:
  const pki::MtlsContext* get(const SecretVersion& v, pki::MtlsContext::Role role,
                              const std::vector<std::string>& peers, std::string& error) {
    std::string key = v.fingerprint + (role == pki::MtlsContext::Role::kServer ? "server" : "client");
    for (const auto& p : peers) key += " " + p;
    auto it = contexts_.find(key);
    if (it == contexts_.end()) {
      auto ctx = pki::MtlsContext::create(role, v.identity, v.bundle, peers);
      if (!ctx.isOk()) {
        error = ctx.status().toString();
        return nullptr;
      }
      it = contexts_.emplace(key, std::move(*ctx)).first;
    }
    return &it->second;
  }

private:
  std::map<std::string, pki::MtlsContext> contexts_;
};

// One mutual-TLS handshake over a socket pair, both ends verifying at `at` ("" on success).
std::string handshakeAt(Contexts& contexts, const SecretVersion& server, const std::vector<std::string>& server_allows,
                        const SecretVersion& client, const std::string& client_expects, TimePoint at) {
  std::string error;
  const auto* server_ctx = contexts.get(server, pki::MtlsContext::Role::kServer, server_allows, error);
  if (!server_ctx) return "server context: " + error;
  const auto* client_ctx = contexts.get(client, pki::MtlsContext::Role::kClient, {client_expects}, error);
  if (!client_ctx) return "client context: " + error;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return "socketpair failed";
  for (int fd : fds) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  pki::ossl::SslPtr s(SSL_new(server_ctx->get()));
  pki::ossl::SslPtr c(SSL_new(client_ctx->get()));
  SSL_set_fd(s.get(), fds[0]);
  SSL_set_fd(c.get(), fds[1]);
  SSL_set_accept_state(s.get());
  SSL_set_connect_state(c.get());
  time_t when = std::chrono::system_clock::to_time_t(at);
  X509_VERIFY_PARAM_set_time(SSL_get0_param(s.get()), when);
  X509_VERIFY_PARAM_set_time(SSL_get0_param(c.get()), when);
  bool s_done = false, c_done = false;
  auto step = [&](SSL* ssl, bool& done, const char* side) {
    if (done || !error.empty()) return;
    int rc = SSL_do_handshake(ssl);
    int e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, rc);
    if (rc == 1)
      done = true;
    else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
      error = sslFailure(side, ssl, rc);
  };
  for (int i = 0; i < 64 && error.empty() && !(s_done && c_done); ++i) {
    step(c.get(), c_done, "caller");
    step(s.get(), s_done, "callee");
  }
  if (error.empty() && !(s_done && c_done)) error = "handshake did not finish";
  close(fds[0]);
  close(fds[1]);
  return error;
}

std::string formatOffset(TimePoint t, TimePoint start) {
  auto m = std::chrono::duration_cast<std::chrono::minutes>(t - start).count();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "+%lldh%02lld", static_cast<long long>(m / 60), static_cast<long long>(m % 60));
  return buf;
}

class ZeroOutageRotationTest : public OperatorTest {
protected:
  // A short-lived CA so that its rotation comes after a few days of workload renewals;
  // rotationOverlap 2h: every rotation phase waits 1h for the kubelets, and the operator
  // is told they may take that long (secretPropagationDelay).
  static model::MeshConfig rotationMesh() {
    return *model::parseMeshConfig(
                {{"ca", {{"duration", "72h"}, {"rotationOverlap", "2h"}, {"secretPropagationDelay", "1h"}}}})
                .config;
  }

  void SetUp() override {
    OperatorTest::SetUp();
    mesh_ = rotationMesh();
    start_ = std::chrono::floor<Seconds>(std::chrono::system_clock::now());
    ControllerOptions o;
    o.workers = 4;
    o.queue.base_backoff = 20ms;
    o.queue.max_backoff = 500ms;
    o.manage_webhook = false;  // the data plane only: the webhook's own rotation is tested elsewhere
    auto offset = offset_;
    auto start = start_;
    o.reconciler.now = [offset, start] { return start + Seconds(offset->load()); };
    applyServices();
    applyPods();
    auto state = ensureMeshCa(*client_, mesh_, start_);
    ASSERT_TRUE(state.isOk()) << state.status().toString();
    controller_ = std::make_unique<Controller>(*client_, o, &metrics_);
    ASSERT_TRUE(controller_->start(*state, 60s).isOk());
    for (const auto& svc : services()) {
      auto parsed = model::parsePaymentService(svc);
      ASSERT_TRUE(parsed.object) << svc.dump();
      specs_[parsed.object->metadata.name] = *parsed.object;
    }
  }

  TimePoint now() const { return start_ + Seconds(offset_->load()); }

  std::string caPhase() {
    auto ca = client_->get(res::kSecrets, mesh_.ca.namespace_, mesh_.ca.secret_name);
    if (!ca.isOk()) return "";
    return Json::parse(ca->at("metadata").value("annotations", Json::object()).value(kCaRotationAnnotation, "{}"))
        .value("phase", "");
  }

  // Names and resourceVersions of every Secret and ConfigMap paymesh writes.
  std::string snapshot() {
    std::string out;
    for (const auto* r : {&res::kSecrets, &res::kConfigMaps})
      for (const char* ns : {"payments", "paymesh-system"}) {
        auto list = client_->list(*r, ns, {});
        if (!list.isOk()) return "error";
        for (const auto& o : list->items)
          out += o["metadata"].value("name", "") + "=" + o["metadata"].value("resourceVersion", "") + ";";
      }
    return out;
  }

  // Moves the clock to `t` and lets the operator work until a full round of passes
  // writes nothing more, then records each Secret's new version as written at `t`.
  void settleAt(TimePoint t) {
    offset_->store(std::chrono::duration_cast<Seconds>(t - start_).count());
    std::string last;
    int stable = 0;
    for (int round = 0; round < 200 && stable < 2; ++round) {
      controller_->enqueueAll();
      ASSERT_TRUE(waitFor([&] { return controller_->idle(); }, 30s));
      std::this_thread::sleep_for(50ms);  // the informers see the last writes
      std::string snap = snapshot();
      stable = snap == last ? stable + 1 : 0;
      last = snap;
    }
    ASSERT_EQ(stable, 2) << "the operator did not settle at " << formatOffset(t, start_);
    last_step_ = t;
    record(t);
  }

  void record(TimePoint t) {
    std::vector<std::string> changed;
    for (const auto& [name, spec] : specs_) {
      auto secret = client_->get(res::kSecrets, "payments", policy::tlsSecretName(name));
      ASSERT_TRUE(secret.isOk()) << name;
      auto material = pki::readTlsSecret(*secret);
      ASSERT_TRUE(material.isOk()) << material.status().toString();
      SecretVersion v{
          t,
          pki::IssuedCertificate{material->leaf(), material->key,
                                 std::vector<pki::Certificate>(material->chain.begin() + 1, material->chain.end())},
          material->bundle, pki::toPem(material->chain) + material->bundle.toPem()};
      auto& history = history_[name];
      if (!history.empty() && history.back().fingerprint == v.fingerprint) continue;
      std::string what =
          history.empty() ? "issued"
          : history.back().identity.certificate.fingerprintSha256() == v.identity.certificate.fingerprintSha256()
              ? "ca.crt"
              : "renewed";
      changed.push_back(name + " " + what);
      history.push_back(std::move(v));
    }
    // The status names the earliest expiry a mount may hold, as the kubelet model says.
    for (const auto& [name, spec] : specs_) checkMountedExpiry(name);
    std::string line = formatOffset(t, start_) + " phase " + caPhase() + ":";
    for (const auto& c : changed) line += " [" + c + "]";
    if (changed.empty()) line += " no Secret changed";
    steps_.push_back(line);
    step_times_.push_back(t);
  }

  void checkMountedExpiry(const std::string& name) {
    const auto lag = std::chrono::duration_cast<Seconds>(mesh_.ca.secret_propagation_delay);
    auto svc = client_->get(res::kPaymentServices, "payments", name);
    ASSERT_TRUE(svc.isOk());
    TimePoint soonest = TimePoint::max();
    for (const auto* v : mountable(history_[name], now(), lag))
      soonest = std::min(soonest, v->identity.certificate.notAfter());
    EXPECT_EQ(svc->at("status").value("mountedCertificateNotAfter", ""), pki::formatTime(soonest))
        << name << " at " << formatOffset(now(), start_);
  }

  std::vector<Pair> talkingPairs() {
    std::vector<Pair> out;
    auto add = [&](const model::PaymentService& caller, const std::string& callee_name) {
      auto it = specs_.find(callee_name);
      if (it == specs_.end() || it->second.spec.tls.mode == model::TlsMode::kDisable) return;
      const model::PaymentService& callee = it->second;
      Pair p{caller.metadata.name,
             callee_name,
             pki::workloadSpiffeId(mesh_.trust_domain, "payments", callee.spec.service_account),
             {}};
      for (const auto& allowed : callee.spec.allowed_callers)
        p.callee_allows.push_back(
            pki::workloadSpiffeId(mesh_.trust_domain, "payments", specs_.at(allowed).spec.service_account));
      if (p.callee_allows.empty())
        p.callee_allows.push_back(pki::workloadSpiffeId(mesh_.trust_domain, "payments", caller.spec.service_account));
      out.push_back(std::move(p));
    };
    for (const auto& [name, svc] : specs_)
      for (const auto& dep : svc.spec.dependencies) {
        add(svc, dep.name);
        auto target = specs_.find(dep.name);
        if (target != specs_.end() && target->second.spec.resilience.fallback_service)
          add(svc, *target->second.spec.resilience.fallback_service);
      }
    return out;
  }

  struct Verdict {
    Seconds longest_window{0};
    size_t instants = 0, handshakes = 0;
    std::string first_failure;
    std::vector<size_t> handshakes_per_step, refused_per_step;  // from each step to the next
  };

  // Every instant from when every pod can run (every Secret exists) to the last step.
  Verdict judge(Seconds lag) {
    std::set<TimePoint> points;
    TimePoint begin = TimePoint::min(), end = TimePoint::min();
    for (const auto& [name, history] : history_) {
      begin = std::max(begin, history.front().written);
      for (const auto& v : history) {
        end = std::max(end, v.written);
        points.insert(v.written);
        points.insert(v.written + lag);
        for (const auto& c : v.bundle.cas()) points.insert({c.notBefore(), c.notAfter()});
        points.insert({v.identity.certificate.notBefore(), v.identity.certificate.notAfter()});
      }
    }
    end = std::max(end, last_step_);
    points.insert(step_times_.begin(), step_times_.end());  // every step is checked too
    std::vector<TimePoint> instants;
    for (TimePoint p : points)
      if (p >= begin && p <= end) instants.push_back(p);
    auto pairs = talkingPairs();
    Verdict out;
    out.handshakes_per_step.assign(step_times_.size(), 0);
    out.refused_per_step.assign(step_times_.size(), 0);
    auto failsAt = [&](TimePoint t) {
      ++out.instants;
      bool failed = false;
      size_t step = std::upper_bound(step_times_.begin(), step_times_.end(), t) - step_times_.begin();
      for (const auto& p : pairs)
        for (const auto* callee : mountable(history_.at(p.callee), t, lag))
          for (const auto* caller : mountable(history_.at(p.caller), t, lag)) {
            ++out.handshakes;
            if (step > 0) ++out.handshakes_per_step[step - 1];
            std::string e = handshakeAt(contexts_, *callee, p.callee_allows, *caller, p.callee_id, t);
            if (e.empty()) continue;
            failed = true;
            if (step > 0) ++out.refused_per_step[step - 1];
            if (out.first_failure.empty())
              out.first_failure = formatOffset(t, start_) + " " + p.caller + " -> " + p.callee + ": " + e;
          }
      return failed;
    };
    // Segments in time order: each breakpoint, then the open interval after it.
    bool in_window = false;
    TimePoint window_start{};
    auto open = [&](TimePoint at) {
      if (!in_window) window_start = at;
      in_window = true;
    };
    auto close = [&](TimePoint at) {
      if (in_window) out.longest_window = std::max(out.longest_window, std::chrono::ceil<Seconds>(at - window_start));
      in_window = false;
    };
    for (size_t i = 0; i < instants.size(); ++i) {
      if (failsAt(instants[i]))
        open(instants[i]);
      else
        close(instants[i]);
      if (i + 1 == instants.size()) break;
      TimePoint mid = instants[i] + (instants[i + 1] - instants[i]) / 2;
      if (failsAt(mid))
        open(instants[i]);
      else
        close(instants[i]);
    }
    if (!instants.empty()) close(instants.back());
    return out;
  }

  model::MeshConfig mesh_;
  TimePoint start_;
  TimePoint last_step_;
  std::shared_ptr<std::atomic<int64_t>> offset_ = std::make_shared<std::atomic<int64_t>>(0);
  std::map<std::string, model::PaymentService> specs_;
  std::map<std::string, std::vector<SecretVersion>> history_;
  std::vector<std::string> steps_;
  std::vector<TimePoint> step_times_;
  Contexts contexts_;
};

TEST_F(ZeroOutageRotationTest, EveryTalkingPairTrustsWhatTheOtherPresentsThroughRenewalsAndACaRotation) {
  const Seconds lag = caRotationConfig(mesh_.ca.rotation_overlap).propagation_delay;  // 1h
  ASSERT_NO_FATAL_FAILURE(settleAt(start_));
  auto config_maps = [&] {
    std::map<std::string, std::string> out;
    for (const auto& [name, spec] : specs_) {
      auto cm = client_->get(res::kConfigMaps, "payments", policy::configMapName(name));
      if (!cm.isOk()) continue;
      out[name] = cm->at("metadata").at("annotations").value(policy::kConfigHashAnnotation, "");
      std::map<std::string, std::string> files;
      for (const auto& [k, v] : cm->at("data").items()) files[k] = v.get<std::string>();
      EXPECT_EQ(policy::reloadProblems(files), std::vector<std::string>{}) << name;
    }
    return out;
  };
  const auto configs_before = config_maps();
  ASSERT_EQ(configs_before.size(), specs_.size());

  // Workload renewals on a 2h step until the CA is due and its rotation starts, 20 min
  // steps through the rotation (each phase waits 1h), then a day more of renewals by B.
  TimePoint t = start_;
  while (caPhase() == "Active" && t < start_ + 72h) ASSERT_NO_FATAL_FAILURE(settleAt(t += 2h));
  ASSERT_NE(caPhase(), "Active") << "the CA rotation did not start";
  std::set<std::string> phases_seen = {"Active", caPhase()};
  while (caPhase() != "Active" && t < start_ + 96h) {
    ASSERT_NO_FATAL_FAILURE(settleAt(t += 20min));
    phases_seen.insert(caPhase());
  }
  ASSERT_EQ(caPhase(), "Active") << "the CA rotation did not finish";
  EXPECT_EQ(phases_seen, (std::set<std::string>{"Active", "NewCaStaged", "NewCaActive", "OldCaRemoved"}));
  for (TimePoint end = t + 24h; t < end;) ASSERT_NO_FATAL_FAILURE(settleAt(t += 2h));

  // Renewals and the rotation changed Secrets only: the sidecar configuration is the
  // same files, and Envoy reloads the certificates through SDS.
  EXPECT_EQ(config_maps(), configs_before);
  size_t renewals = 0;
  for (const auto& [name, history] : history_) {
    std::set<std::string> leaves;
    for (const auto& v : history) leaves.insert(v.identity.certificate.fingerprintSha256());
    renewals += leaves.size() - 1;
    EXPECT_GE(leaves.size(), 3u) << name << ": expected several renewals";
  }

  Verdict within = judge(lag);
  for (size_t i = 0; i < steps_.size(); ++i)
    std::cout << "  " << steps_[i] << "; until the next step " << within.handshakes_per_step[i] << " handshakes, "
              << within.refused_per_step[i] << " refused\n";
  std::cout << "  " << renewals << " certificate renewals; " << within.instants << " instants, " << within.handshakes
            << " mTLS handshakes over " << talkingPairs().size() << " talking pairs, kubelet lag up to " << lag.count()
            << "s: longest untrusted window " << within.longest_window.count() << "s\n";
  EXPECT_EQ(within.longest_window, Seconds(0)) << within.first_failure;
  EXPECT_TRUE(within.first_failure.empty()) << within.first_failure;
  RecordProperty("longest_untrusted_window_seconds", std::to_string(within.longest_window.count()));

  // Control: kubelets slower than the rotation waits for leave a window the same check
  // sees, so a zero above is the rotation's doing and not a blind check.
  Verdict slow = judge(3 * lag);
  std::cout << "  control, kubelet lag up to " << (3 * lag).count() << "s: longest untrusted window "
            << slow.longest_window.count() << "s (" << slow.first_failure << ")\n";
  EXPECT_GT(slow.longest_window, Seconds(0));
}

// A rotation some peer cannot follow: what holds it is reported and the rotation moves on
// by the documented rule before the old CA expires, and a leaf cut to its CA's end waits
// for the rotation instead of being reissued on every pass. Same operator, clock and
// every-instant handshake check as above.
class HeldRotationTest : public ZeroOutageRotationTest {
protected:
  Json caSecret() {
    auto ca = client_->get(res::kSecrets, mesh_.ca.namespace_, mesh_.ca.secret_name);
    return ca.isOk() ? *ca : Json::object();
  }
  pki::TimePoint caNotAfter() {
    auto view = readCaSecret(caSecret(), "CA", now());
    return view.isOk() ? view->signing.certificate().notAfter() : pki::TimePoint::min();
  }
  // The Events on the mesh CA Secret with `reason`: their messages.
  std::vector<std::string> caEvents(const std::string& reason) {
    std::vector<std::string> out;
    auto list = client_->list(res::kEvents, mesh_.ca.namespace_, {});
    if (!list.isOk()) return out;
    for (const auto& e : list->items)
      if (e.value("reason", "") == reason) out.push_back(e.value("message", ""));
    return out;
  }
  void addService(const Json& svc) {
    ASSERT_TRUE(client_->create(res::kPaymentServices, "payments", svc).isOk());
    auto parsed = model::parsePaymentService(svc);
    ASSERT_TRUE(parsed.object);
    specs_[parsed.object->metadata.name] = *parsed.object;
  }
  static Json serviceNamed(const std::string& name, const Json& certificate) {
    return {{"apiVersion", "paymesh.io/v1alpha1"},
            {"kind", "PaymentService"},
            {"metadata", {{"name", name}, {"namespace", "payments"}}},
            {"spec",
             {{"selector", {{"matchLabels", {{"app", name}}}}},
              {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
              {"tls", {{"certificate", certificate}}}}}};
  }
};

// `kubectl delete psvc ghost --cascade=orphan` leaves ghost-paymesh-tls behind, owned by
// nothing and updated by no one: its ca.crt never takes the new CA, which used to hold the
// rotation in NewCaStaged, silently, until the old CA expired under every workload.
TEST_F(HeldRotationTest, AnOrphanedSecretHoldsTheRotationVisiblyAndTheRotationMovesOnBeforeTheOldCaExpires) {
  const Seconds lag = caRotationConfig(mesh_.ca.rotation_overlap).propagation_delay;  // 1h
  const auto overlap = std::chrono::duration_cast<Seconds>(mesh_.ca.rotation_overlap);
  ASSERT_NO_FATAL_FAILURE(settleAt(start_));
  ASSERT_TRUE(client_->create(res::kPaymentServices, "payments", serviceNamed("ghost", {{"duration", "72h"}})).isOk());
  ASSERT_NO_FATAL_FAILURE(settleAt(start_ + 1min));
  ASSERT_TRUE(client_->get(res::kSecrets, "payments", "ghost-paymesh-tls").isOk())
      << client_->get(res::kPaymentServices, "payments", "ghost")->dump();
  kube::DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  ASSERT_TRUE(client_->remove(res::kPaymentServices, "payments", "ghost", orphan).isOk());
  ASSERT_TRUE(waitFor([&] {
    auto s = client_->get(res::kSecrets, "payments", "ghost-paymesh-tls");
    return s.isOk() && s->at("metadata").value("ownerReferences", Json::array()).empty();
  })) <<
      [&] {
        auto s = client_->get(res::kSecrets, "payments", "ghost-paymesh-tls");
        return s.isOk() ? s->at("metadata").dump() : s.status().toString();
      }();
  const pki::TimePoint old_ca_end = caNotAfter();

  TimePoint t = start_ + 1min;
  while (caPhase() == "Active" && t < start_ + 72h) ASSERT_NO_FATAL_FAILURE(settleAt(t += 2h));
  ASSERT_EQ(caPhase(), "NewCaStaged");
  // Hourly through the rotation: at every step, the phase is where the rule says.
  std::set<std::string> phases_seen;
  bool held_seen = false;
  while (caPhase() != "Active" && t < start_ + 96h) {
    ASSERT_NO_FATAL_FAILURE(settleAt(t += 1h));
    phases_seen.insert(caPhase());
    if (caPhase() == "NewCaStaged") {
      EXPECT_LT(t, old_ca_end - overlap) << "still staging with less than rotationOverlap of the old CA left";
      if (metrics_.meshCaRotationHeld() == 1) held_seen = true;
    }
  }
  ASSERT_EQ(caPhase(), "Active") << "the rotation did not finish";
  EXPECT_LT(t, old_ca_end + 6h);
  EXPECT_TRUE(held_seen) << "paymesh_mesh_ca_rotation_held never rose";
  EXPECT_EQ(metrics_.meshCaRotationHeld(), 0);

  auto held = caEvents("MeshCaRotationHeld");
  ASSERT_FALSE(held.empty());
  EXPECT_NE(held.front().find("held in NewCaStaged by 1 object(s): payments/ghost-paymesh-tls: ca.crt not updated "
                              "(no PaymentService owns it"),
            std::string::npos)
      << held.front();
  auto forced = caEvents("MeshCaRotationForced");
  ASSERT_GE(forced.size(), 1u);
  EXPECT_NE(forced.front().find("moved on from NewCaStaged without 1 peer(s)"), std::string::npos) << forced.front();

  // Every live pair kept trusting each other at every instant; only the orphan was left behind.
  Verdict within = judge(lag);
  EXPECT_EQ(within.longest_window, Seconds(0)) << within.first_failure;
}

// A 48h certificate renewed 40h before its end, under a 72h CA: the leaf issued at +24h
// is cut to the CA's end and due at birth (+32h); a new one would end at the same moment.
// It used to be reissued on every pass (the operator never settled); it is now kept until
// the new CA signs, then renewed once.
TEST_F(HeldRotationTest, ALeafCutToItsCasEndIsRenewedByTheNewCaNotOnEveryPass) {
  ASSERT_NO_FATAL_FAILURE(addService(serviceNamed("fx", {{"duration", "48h"}, {"renewBefore", "40h"}})));
  const Seconds lag = caRotationConfig(mesh_.ca.rotation_overlap).propagation_delay;
  ASSERT_NO_FATAL_FAILURE(settleAt(start_));
  const pki::TimePoint old_ca_end = caNotAfter();
  TimePoint t = start_;
  while (caPhase() != "NewCaActive" && t < start_ + 72h) ASSERT_NO_FATAL_FAILURE(settleAt(t += 1h));
  ASSERT_EQ(caPhase(), "NewCaActive");
  ASSERT_NO_FATAL_FAILURE(settleAt(t += 1h));
  size_t capped = 0;
  std::set<std::string> leaves;
  for (const auto& v : history_["fx"])
    if (v.identity.certificate.notAfter() == old_ca_end) leaves.insert(v.identity.certificate.fingerprintSha256());
  capped = leaves.size();
  EXPECT_EQ(capped, 1u) << "one leaf cut to the old CA's end, kept until the new CA signed";
  const auto& last = history_["fx"].back().identity.certificate;
  EXPECT_GT(last.notAfter(), old_ca_end) << "renewed by the new CA";
  Verdict within = judge(lag);
  EXPECT_EQ(within.longest_window, Seconds(0)) << within.first_failure;
}

}  // namespace
}  // namespace paymesh::ctrl::testing
