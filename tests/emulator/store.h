#pragma once
// The emulator's etcd: every object by resource and "namespace/name", one cluster-wide
// resourceVersion clock, and the bounded event history watches replay from (a watch from a
// resourceVersion older than the history gets 410, as after etcd compaction). Not
// thread-safe: the ApiServer's one mutex guards it, and `changed()` wakes the watches
// waiting on that mutex whenever an event is recorded.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace paymesh::emulator {

struct Event {
  uint64_t rv;
  std::string store_key;  // group/resource
  std::string type;       // ADDED, MODIFIED, DELETED
  nlohmann::json object;
  nlohmann::json old;  // previous state for MODIFIED; null otherwise
};

// "namespace/name" ("/name" for cluster-scoped objects).
std::string objectKey(const std::string& ns, const std::string& name);

class Store {
public:
  using Objects = std::map<std::string, nlohmann::json>;  // object key -> object

  Store(size_t history_limit, uint64_t seed);

  Objects& objects(const std::string& store_key) { return objects_[store_key]; }
  std::map<std::string, Objects>& all() { return objects_; }
  const nlohmann::json* find(const std::string& store_key, const std::string& key);

  // Stores `obj` under the next resourceVersion: ADDED when new, MODIFIED (with the old
  // state) otherwise. Returns the stored object.
  const nlohmann::json& put(const std::string& store_key, const std::string& key, nlohmann::json obj);
  // Removes the object; returns its last state, stamped with the deletion's resourceVersion
  // (null when there was none).
  nlohmann::json erase(const std::string& store_key, const std::string& key);
  // Drops a whole resource (its CRD went): a DELETED event for each object.
  void eraseAll(const std::string& store_key);

  uint64_t rv() const { return rv_; }
  // The next resourceVersion, without recording an event (seeded objects).
  std::string nextRv() { return std::to_string(++rv_); }
  uint64_t compactedRv() const { return compacted_rv_; }
  const std::deque<Event>& history() const { return history_; }
  // Forgets the history: every watch from a resourceVersion before now gets 410.
  void expireHistory();

  // Random, but the same sequence for the same seed.
  std::string newUid();
  std::string generateName(const std::string& prefix);

  std::condition_variable& changed() { return changed_; }

private:
  void emit(const std::string& store_key, const std::string& type, const nlohmann::json& obj,
            const nlohmann::json& old = nullptr);

  size_t history_limit_;
  uint64_t rv_ = 0;
  uint64_t compacted_rv_ = 0;  // watches from before this get 410
  std::deque<Event> history_;
  std::map<std::string, Objects> objects_;  // store key -> objects
  std::mt19937_64 rng_;
  std::condition_variable changed_;
};

}  // namespace paymesh::emulator
