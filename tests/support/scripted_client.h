#pragma once
// A kube::Client that answers from a script and fails the test on any call it was not
// told to expect (a strict mock, as controller-rs's test Scenario and Envoy's StrictMock):
// each expectation names the verb, the resource and the object, in the order the calls
// must come, with the answer to give. What each call carried (bodies, patch types) is
// recorded for the test to assert on. At destruction, an expectation left unmet fails
// the test too. Unit tests of the watcher and of the reconcilers run over it; the
// Kubernetes API emulator covers the protocol itself.

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/client.h"

namespace paymesh::testing {

class ScriptedClient : public kube::Client {
public:
  using Json = kube::Json;
  enum class Verb { kGet, kList, kCreate, kUpdate, kUpdateStatus, kPatch, kRemove, kWatch };
  // The answer to a call that carries a body (create, update, patch): given the body.
  using Answer = std::function<Result<Json>(const Json& body)>;

  struct WatchScript {
    std::vector<kube::WatchEvent> events;
    Status end;
    std::string expect_resource_version;
  };

  // A call as made.
  struct Call {
    Verb verb;
    std::string resource;  // plural
    std::string ns;
    std::string name;
    Json body;  // create/update: the object; patch: the patch
    kube::PatchType patch_type = kube::PatchType::kMerge;
    bool status_subresource = false;
  };

  // The body back as the server would store it: an object gets a uid and a
  // resourceVersion; a patch comes back as it was sent.
  static Answer echo() {
    return [](const Json& body) -> Result<Json> {
      Json out = body;
      if (!out.is_object() || !out.contains("metadata") || !out["metadata"].is_object()) return out;
      out["metadata"]["uid"] = out["metadata"].value("uid", "uid-scripted");
      out["metadata"]["resourceVersion"] = "1";
      return out;
    };
  }
  static Answer fail(Status status) {
    return [status](const Json&) -> Result<Json> { return status; };
  }
  static Answer returns(Json object) {
    return [object](const Json&) -> Result<Json> { return object; };
  }

  // Expectations, met in order. An empty `name` matches any (Events use generateName).
  ScriptedClient& expectGet(const kube::ResourceRef& res, std::string ns, std::string name, Result<Json> answer) {
    return push(
        Expected(Verb::kGet, res.resource, std::move(ns), std::move(name), [answer](const Json&) { return answer; }));
  }
  ScriptedClient& expectList(const kube::ResourceRef& res, std::string ns, Result<kube::ObjectList> answer) {
    Expected e(Verb::kList, res.resource, std::move(ns), "", {});
    e.list_answer = std::make_shared<Result<kube::ObjectList>>(std::move(answer));
    return push(std::move(e));
  }
  ScriptedClient& expectCreate(const kube::ResourceRef& res, std::string ns, std::string name, Answer answer = echo()) {
    return push(Expected(Verb::kCreate, res.resource, std::move(ns), std::move(name), std::move(answer)));
  }
  ScriptedClient& expectUpdate(const kube::ResourceRef& res, std::string ns, std::string name, Answer answer = echo()) {
    return push(Expected(Verb::kUpdate, res.resource, std::move(ns), std::move(name), std::move(answer)));
  }
  ScriptedClient& expectPatch(const kube::ResourceRef& res, std::string ns, std::string name, Answer answer = echo()) {
    return push(Expected(Verb::kPatch, res.resource, std::move(ns), std::move(name), std::move(answer)));
  }
  ScriptedClient& expectRemove(const kube::ResourceRef& res, std::string ns, std::string name,
                               Status answer = Status::ok()) {
    return push(
        Expected(Verb::kRemove, res.resource, std::move(ns), std::move(name), [answer](const Json&) -> Result<Json> {
          if (answer.isOk()) return Json::object();
          return answer;
        }));
  }
  ScriptedClient& expectWatch(const kube::ResourceRef& res, std::string ns, WatchScript script) {
    Expected e(Verb::kWatch, res.resource, std::move(ns), "", {});
    e.watch = std::make_shared<WatchScript>(std::move(script));
    return push(std::move(e));
  }

  ~ScriptedClient() override {
    for (const auto& e : expected_)
      ADD_FAILURE() << "expected call not made: " << describe(e.verb, e.resource, e.ns, e.name);
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Whether every expectation has been met.
  bool done() const {
    std::lock_guard lock(mu_);
    return expected_.empty();
  }

  Result<Json> get(const kube::ResourceRef& res, const std::string& ns, const std::string& name) override {
    return answer({Verb::kGet, res.resource, ns, name, Json()});
  }
  Result<kube::ObjectList> list(const kube::ResourceRef& res, const std::string& ns,
                                const kube::ListOptions&) override {
    auto e = take({Verb::kList, res.resource, ns, "", Json()});
    if (!e) return unexpected();
    return *e->list_answer;
  }
  Result<Json> create(const kube::ResourceRef& res, const std::string& ns, const Json& object, kube::Answer) override {
    return answer({Verb::kCreate, res.resource, ns, nameOf(object), object});
  }
  Result<Json> update(const kube::ResourceRef& res, const Json& object, kube::Answer = kube::Answer::kObject) override {
    return answer({Verb::kUpdate, res.resource, namespaceOf(object), nameOf(object), object});
  }
  Result<Json> updateStatus(const kube::ResourceRef& res, const Json& object) override {
    return answer({Verb::kUpdateStatus, res.resource, namespaceOf(object), nameOf(object), object});
  }
  Result<Json> patch(const kube::ResourceRef& res, const std::string& ns, const std::string& name, kube::PatchType type,
                     const Json& patch, bool status_subresource = false,
                     kube::Answer = kube::Answer::kObject) override {
    return answer({Verb::kPatch, res.resource, ns, name, patch, type, status_subresource});
  }
  Status remove(const kube::ResourceRef& res, const std::string& ns, const std::string& name,
                const kube::DeleteOptions&) override {
    auto r = answer({Verb::kRemove, res.resource, ns, name, Json()});
    return r.isOk() ? Status::ok() : r.status();
  }
  Status watch(const kube::ResourceRef& res, const std::string& ns, const kube::WatchOptions& options,
               const std::function<bool(const kube::WatchEvent&)>& on_event, std::stop_token) override {
    auto e = take({Verb::kWatch, res.resource, ns, "", Json()});
    if (!e) return unexpected();
    EXPECT_EQ(options.resource_version, e->watch->expect_resource_version);
    EXPECT_TRUE(options.allow_bookmarks);
    for (const auto& ev : e->watch->events)
      if (!on_event(ev)) break;
    return e->watch->end;
  }

private:
  struct Expected {
    Expected(Verb v, std::string res, std::string n, std::string obj, Answer a)
        : verb(v), resource(std::move(res)), ns(std::move(n)), name(std::move(obj)), answer(std::move(a)) {}
    Verb verb;
    std::string resource, ns, name;
    Answer answer;
    std::shared_ptr<Result<kube::ObjectList>> list_answer;
    std::shared_ptr<WatchScript> watch;
  };

  static std::string nameOf(const Json& o) {
    const Json& m = o.value("metadata", Json::object());
    return m.value("name", m.value("generateName", ""));
  }
  static std::string namespaceOf(const Json& o) { return o.value("metadata", Json::object()).value("namespace", ""); }

  static const char* verbName(Verb v) {
    static const char* kNames[] = {"get", "list", "create", "update", "updateStatus", "patch", "remove", "watch"};
    return kNames[static_cast<int>(v)];
  }
  static std::string describe(Verb v, const std::string& resource, const std::string& ns, const std::string& name) {
    return std::string(verbName(v)) + " " + resource + " " + ns + "/" + name;
  }

  ScriptedClient& push(Expected e) {
    std::lock_guard lock(mu_);
    expected_.push_back(std::move(e));
    return *this;
  }

  // Records the call and takes the next expectation if the call is it.
  std::optional<Expected> take(Call call) {
    std::lock_guard lock(mu_);
    calls_.push_back(call);
    std::string got = describe(call.verb, call.resource, call.ns, call.name);
    if (expected_.empty()) {
      ADD_FAILURE() << "unexpected call: " << got;
      return std::nullopt;
    }
    const Expected& next = expected_.front();
    bool name_ok = next.name.empty() || next.name == call.name;
    if (next.verb != call.verb || next.resource != call.resource || next.ns != call.ns || !name_ok) {
      ADD_FAILURE() << "unexpected call: " << got
                    << "; expected: " << describe(next.verb, next.resource, next.ns, next.name);
      return std::nullopt;
    }
    Expected e = std::move(expected_.front());
    expected_.pop_front();
    return e;
  }

  Result<Json> answer(Call call) {
    Json body = call.body;
    auto e = take(std::move(call));
    if (!e) return unexpected();
    return e->answer(body);
  }

  static Status unexpected() { return Status(Code::kInternal, "unexpected call"); }

  mutable std::mutex mu_;
  std::deque<Expected> expected_;
  std::vector<Call> calls_;
};

}  // namespace paymesh::testing
